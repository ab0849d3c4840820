"""An appeal's preview in the admin: on its own, or inside the newest live article it would be
placed on, with a banner that says which article and which placement it shows."""

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.models import Site

from articles.models import ArticlePage

from . import assets, selection
from .placement import appeal_extras, fragments_for

# The id of the appeal's first placement in the preview: the banner links to it, and
# appeal_preview.js scrolls to it.
ANCHOR = "appeal-in-preview"
# How many of the newest live articles carrying the include tags are tried against the
# exclude tags: enough for any realistic overlap, and a bounded query.
CANDIDATES = 100

PINNED, MATCHED, SAMPLE = "pinned", "matched", "sample"


def preview_rule(appeal):
    """The selection rule of the appeal as edited (unsaved tags and pins included)."""
    return selection.AppealRule(
        id=appeal.pk or 0,
        weight=appeal.weight or 1,
        include_tag_ids=frozenset(tag.pk for tag in appeal.include_tags.all()),
        exclude_tag_ids=frozenset(tag.pk for tag in appeal.exclude_tags.all()),
        pinned_page_ids=frozenset(page.pk for page in appeal.pinned_pages.all()),
    )


def article_for_preview(appeal):
    """(article, why): the newest live article the appeal would be placed on, and PINNED or
    MATCHED; else the newest live article with promotions as a SAMPLE; else (None, None).

    Pins come first, then tags, as in selection.select_appeal_id; an article with promotions
    switched off never shows an appeal, pinned or not.
    """
    rule = preview_rule(appeal)
    articles = (
        ArticlePage.objects.live()
        .public()
        .filter(no_promotions=False)
        .order_by("-first_published_at", "-pk")
    )
    if rule.pinned_page_ids:
        pinned = articles.filter(pk__in=rule.pinned_page_ids).first()
        if pinned is not None:
            return pinned, PINNED
    candidates = articles
    if rule.include_tag_ids:
        candidates = candidates.filter(tags__in=rule.include_tag_ids).distinct()
    for article in candidates.prefetch_related("tags")[:CANDIDATES]:
        if rule.matches(frozenset(tag.pk for tag in article.tags.all())):
            return article, MATCHED
    sample = articles.first()
    return (sample, SAMPLE) if sample is not None else (None, None)


def placement_label(fragments):
    if fragments["shows_inline"] and fragments["shows_at_end"]:
        return _("inside it after paragraph %(number)s, and at its end") % {
            "number": fragments["after_paragraph"]
        }
    if fragments["shows_inline"]:
        return _("inside it after paragraph %(number)s") % {"number": fragments["after_paragraph"]}
    return _("at its end")


def banner(article, why, fragments):
    placement = placement_label(fragments)
    if why == PINNED:
        text = _("This appeal in “%(title)s”, the newest live article it is pinned to, %(where)s.")
    elif why == MATCHED:
        text = _(
            "This appeal in “%(title)s”, the newest live article it would be placed on, %(where)s."
        )
    else:
        text = _(
            "No live article matches this appeal's tags and pins, so it is shown in the newest "
            "live article, “%(title)s”, as a sample, %(where)s."
        )
    return format_html(
        '{} <a href="#{}">{}</a>',
        text % {"title": article.title, "where": placement},
        ANCHOR,
        _("Go to the appeal"),
    )


def anchored(html):
    return format_html('<div id="{}">{}</div>', ANCHOR, html)


def render_preview(appeal, request, mode_name):
    """The preview page of `appeal` (the editor's unsaved version) in `mode_name`."""
    snapshot = selection.load_snapshot(Site.find_for_request(request))
    fragments = fragments_for(appeal, snapshot, beacon=False)
    article, why = article_for_preview(appeal) if mode_name == "article" else (None, None)
    if article is None:
        context = {
            "appeal_html": fragments["end"],
            "head_html": fragments["head"],
            "no_sample_article": mode_name == "article",
        }
        return render_to_string("membership/previews/appeal.html", context, request)
    first = "inline" if fragments["shows_inline"] else "end"
    fragments = {**fragments, first: anchored(fragments[first])}
    context = article.get_context(request, extras=appeal_extras(appeal.pk, fragments))
    context["article_template"] = article.get_template(request)
    context["preview_banner"] = banner(article, why, fragments)
    context["preview_script"] = assets.PREVIEW_SCRIPT
    context["preview_script_integrity"] = assets.script_hash(assets.PREVIEW_SCRIPT)
    context["preview_styles"] = assets.PREVIEW_STYLES
    return render_to_string("membership/previews/in_article.html", context, request)
