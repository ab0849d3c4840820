"""The site's own template tags: the header's and footer's links.

Like articles' tags, they never read the user, the session or the CSRF token.
"""

from django import template
from wagtail.models import Site

from ..site_links import site_links as find_links

register = template.Library()


@register.simple_tag(takes_context=True)
def site_links(context):
    """The standard pages, sign-up and topics pages to link (newsroom.home.site_links)."""
    request = context.get("request")
    return find_links(Site.find_for_request(request) if request is not None else None)
