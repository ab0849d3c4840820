"""Putting the chosen appeal into an article, through the articles body-insertion seam
(the insert_into_article hook, registered in wagtail_hooks.py). Previews: previews.py."""

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.models import Site

from articles.insertions import ArticleExtras, Insertion

from . import assets, selection
from .appeal_text import split_first_block
from .links import cta_href, secondary_href
from .models import Appeal

RENDER_TIMEOUT = 60  # as selection.SNAPSHOT_TIMEOUT


def site_for(page, request):
    """The site serving `page`: the request's, else the page's own (else the default)."""
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return site
    return page.get_site() if page.pk else Site.objects.filter(is_default_site=True).first()


def render_appeal(appeal, snapshot, *, position, beacon=True):
    """The appeal's HTML: heading, first paragraph, buttons, then the rest behind "Read more"."""
    body_first, body_rest = split_first_block(appeal.body)
    return render_to_string(
        "membership/appeal.html",
        {
            "appeal": appeal,
            "body_first": body_first,
            "body_rest": body_rest,
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
    link), so each site has its own copy. Measured (bench/appeal_cache.py, 2026-11-30): it
    saves one query and about 2.7 ms of a 25 ms article render (0.14 ms a view behind a page
    cache that answers 95% of views); it stays with the snapshot cache it is keyed on.
    """
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


def appeal_extras(appeal_id, fragments):
    """The head script and the appeal's inline and end placements."""
    extras = ArticleExtras(head=[fragments["head"]])
    key = f"appeal-{appeal_id or 0}"
    if fragments["shows_inline"]:
        extras.body.append(
            Insertion(
                html=fragments["inline"], after_paragraph=fragments["after_paragraph"], key=key
            )
        )
    if fragments["shows_at_end"]:
        extras.body.append(Insertion(html=fragments["end"], key=key))
    return extras


def appeal_insertions(page, *, request=None, tags=(), preview=False):
    """The insert_into_article hook: the head script, and the appeal where one applies.

    Every article gets the head script, so that its view counts toward the caps; only an
    article with a live matching appeal gets the appeal itself.
    """
    if getattr(page, "no_promotions", False):
        return view_counter(preview=preview)
    site = site_for(page, request)
    snapshot = selection.load_snapshot(site)
    appeal_id = selection.select_appeal_id(page, [tag.pk for tag in tags], snapshot)
    if appeal_id is None:
        return view_counter(preview=preview)
    if preview:
        # Never count views in preview: render without the beacon, from one fetch and never
        # from (or into) the readers' cache.
        appeal = Appeal.objects.select_related("cta_page").filter(pk=appeal_id).first()
        fragments = fragments_for(appeal, snapshot, beacon=False) if appeal else None
    else:
        fragments = cached_fragments(appeal_id, snapshot, site)
    if fragments is None:
        return view_counter(preview=preview)
    return appeal_extras(appeal_id, fragments)
