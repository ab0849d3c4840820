"""Putting the chosen appeal into an article, through the articles body-insertion seam."""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.models import Site

from articles.insertions import ArticleExtras, Insertion

from . import assets, selection
from .links import SAFE_URL_PREFIXES, attributed, safe_url  # noqa: F401 - importable here for now

RENDER_TIMEOUT = 300


def _site_for(page, request):
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return site
    return page.get_site() if page.pk else Site.objects.filter(is_default_site=True).first()


def cta_href(appeal, snapshot):
    """Where the main call to action leads; it always carries the appeal id."""
    page_url = ""
    if appeal.cta_page_id and appeal.cta_page is not None:
        page_url = appeal.cta_page.get_url()
    url = safe_url(page_url, appeal.cta_url, snapshot.cta_url) or "/"
    if appeal.pk is None:
        return url  # previewing an appeal that has not been saved yet: it has no id
    return attributed(url, appeal.pk)


def secondary_href(appeal, snapshot):
    return safe_url(appeal.secondary_url, snapshot.other_ways_url)


def render_appeal(appeal, snapshot, *, position, beacon=True):
    return render_to_string(
        "membership/appeal.html",
        {
            "appeal": appeal,
            "position": position,
            "cta_href": cta_href(appeal, snapshot),
            "secondary_href": secondary_href(appeal, snapshot),
            "beacon_url": reverse("membership:beacon") if beacon else "",
        },
    )


def render_head(appeal, *, preview=False):
    """The head script and styles. In preview the script shows the appeal as it is: it applies
    none of the reader's caps and counts nothing."""
    return render_to_string(
        "membership/head.html",
        {
            "appeal": appeal,
            "preview": preview,
            "script": assets.APPEAL_SCRIPT,
            "styles": assets.APPEAL_STYLES,
            "integrity": assets.script_hash(),
        },
    )


def cached_fragments(appeal_id, snapshot, site):
    """(head, inline, end) HTML and the inline paragraph for a live appeal, cached per site.

    The fragments embed the site's settings (the sign-up target, the "other ways to support"
    link), so each site has its own copy.
    """
    from .models import Appeal

    site_id = site.pk if site else 0
    key = f"membership:appeal-html:{site_id}:{appeal_id}:{selection.snapshot_version()}"
    fragments = cache.get(key)
    if fragments is None:
        appeal = Appeal.objects.select_related("cta_page").filter(pk=appeal_id).first()
        if appeal is None:
            return None
        fragments = fragments_for(appeal, snapshot, beacon=True)
        cache.set(key, fragments, RENDER_TIMEOUT)
    return fragments


def fragments_for(appeal, snapshot, *, beacon):
    return {
        "head": render_head(appeal, preview=not beacon),
        "inline": render_appeal(appeal, snapshot, position="inline", beacon=beacon)
        if appeal.shows_inline
        else "",
        "end": render_appeal(appeal, snapshot, position="end", beacon=beacon),
        "after_paragraph": appeal.inline_after_paragraph or snapshot.default_inline_paragraph,
        "shows_at_end": appeal.shows_at_end,
        "shows_inline": appeal.shows_inline,
    }


def view_counter(*, preview=False):
    """The head script alone, with no appeal: it counts the article view toward the caps.

    Frequency caps ("once every K views") count every article view, including views of
    articles that show no appeal; the HTML is the same for every reader either way.
    """
    return ArticleExtras(head=[render_head(None, preview=preview)])


def appeal_insertions(page, *, request=None, tags=(), preview=False):
    """The articles seam provider: head script, inline and end placements of the appeal.

    Every article gets the head script, so that its view counts toward the caps; only an
    article with a live matching appeal gets the appeal itself.
    """
    if getattr(page, "no_promotions", False):
        return view_counter(preview=preview)
    site = _site_for(page, request)
    snapshot = selection.load_snapshot(site)
    forced = getattr(request, "membership_preview_appeal", None) if request else None
    if forced is not None:
        # Previewing an appeal inside a sample article: show the editor's unsaved version.
        fragments = fragments_for(forced, snapshot, beacon=False)
        appeal_id = forced.pk or 0
    else:
        appeal_id = selection.select_appeal_id(page, [tag.pk for tag in tags], snapshot)
        if appeal_id is None:
            return view_counter(preview=preview)
        if preview:
            # Never count views in preview: render without the beacon, from one fetch and
            # never from (or into) the readers' cache.
            from .models import Appeal

            appeal = Appeal.objects.select_related("cta_page").filter(pk=appeal_id).first()
            if appeal is None:
                return view_counter(preview=preview)
            fragments = fragments_for(appeal, snapshot, beacon=False)
        else:
            fragments = cached_fragments(appeal_id, snapshot, site)
            if fragments is None:
                return view_counter(preview=preview)

    extras = ArticleExtras(head=[fragments["head"]])
    key = f"appeal-{appeal_id}"
    if fragments["shows_inline"]:
        extras.body.append(
            Insertion(
                html=fragments["inline"], after_paragraph=fragments["after_paragraph"], key=key
            )
        )
    if fragments["shows_at_end"]:
        extras.body.append(Insertion(html=fragments["end"], key=key))
    return extras


def render_appeal_preview_context(appeal, request, mode_name):
    """Context for the appeal's own preview modes."""
    site = Site.find_for_request(request)
    snapshot = selection.load_snapshot(site)
    if mode_name != "article":
        return {
            "appeal_html": render_appeal(appeal, snapshot, position="end", beacon=False),
            "head_html": render_head(appeal, preview=True),
        }
    from articles.models import ArticlePage

    # An article with promotions switched off would show no appeal at all.
    article = (
        ArticlePage.objects.live()
        .filter(no_promotions=False)
        .order_by("-first_published_at")
        .first()
    )
    if article is None:
        return {
            "appeal_html": render_appeal(appeal, snapshot, position="end", beacon=False),
            "head_html": render_head(appeal, preview=True),
            "no_sample_article": True,
        }
    request.is_preview = True
    request.membership_preview_appeal = appeal
    context = article.get_context(request)
    context["sample_article"] = article
    return context
