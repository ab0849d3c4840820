"""The topics page's template tags: its listing, a round's results, and its script.

The TopicsPage model renders the page, but may not build the listing itself: the listing
uses the voting rules, which import the models package (membership.models.pages says why).
Its templates ask for it here.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from .. import assets, topic_listing

register = template.Library()


@register.simple_tag(takes_context=True)
def topics_listing(context, page, member):
    """The round open now, as the request's reader (`member`, or None) sees it
    (topic_listing.CurrentRound)."""
    return topic_listing.current_round(page, context["request"], member)


@register.simple_tag
def round_results(voting_round):
    return topic_listing.round_results(voting_round)


@register.simple_tag
def topics_script():
    """The script that votes without reloading, allowed by its hash in the CSP."""
    return format_html(
        '<script src="{}" integrity="{}" defer></script>',
        static(assets.TOPICS_SCRIPT),
        assets.script_hash(assets.TOPICS_SCRIPT),
    )
