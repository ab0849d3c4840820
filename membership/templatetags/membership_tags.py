"""`{% patron_appeal page %}` and `{% patron_appeal_head page %}` for any page type.

Articles get the appeal through the body-insertion seam and need neither. Another Wagtail
page type can show the appeal at the end of its content with:

    {% load membership_tags %}
    {% block head_extra %}{% patron_appeal_head page %}{% endblock %}
    ...
    {% patron_appeal page %}

`patron_appeal_head` always adds the head script, even where no appeal shows (no matching
appeal, or `no_promotions`): the script counts the page view toward the readers' frequency
caps, as on articles. `patron_appeal` renders nothing then.
"""

from django import template
from django.utils.safestring import mark_safe

from ..placement import appeal_insertions

register = template.Library()


def _extras(context, page):
    request = context.get("request")
    cache_key = "_membership_extras"
    cached = getattr(request, cache_key, None) if request is not None else None
    if cached is not None and cached[0] == page.pk:
        return cached[1]
    tags = list(page.tags.all()) if hasattr(page, "tags") else []
    extras = appeal_insertions(
        page, request=request, tags=tags, preview=getattr(request, "is_preview", False)
    )
    if request is not None:
        setattr(request, cache_key, (page.pk, extras))
    return extras


@register.simple_tag(takes_context=True)
def patron_appeal_head(context, page):
    extras = _extras(context, page)
    return mark_safe("".join(extras.head)) if extras else ""  # noqa: S308 - rendered templates


@register.simple_tag(takes_context=True)
def patron_appeal(context, page):
    """The page's appeal, once, at the end placement."""
    extras = _extras(context, page)
    if not extras or not extras.body:
        return ""
    end = [insertion for insertion in extras.body if insertion.after_paragraph is None]
    return mark_safe((end or extras.body)[0].html)  # noqa: S308 - a rendered template
