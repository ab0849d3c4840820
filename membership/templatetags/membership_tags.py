"""`{% patron_appeal page %}` and `{% patron_appeal_head page %}` for any page type.

Articles get the appeal through the insert_into_article hook and need neither. Another
Wagtail page type can show the appeal at the end of its content with:

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
from ..previews import render_preview

register = template.Library()


def _extras(context, page):
    """The page's appeal extras, worked out once per page render: the head and the end
    placement ask for the same thing, and Django keeps render_context for such tag state."""
    key = ("membership.patron_appeal", page.pk)
    extras = context.render_context.get(key)
    if extras is None:
        request = context.get("request")
        extras = appeal_insertions(
            page,
            request=request,
            tags=list(page.tags.all()) if hasattr(page, "tags") else [],
            preview=getattr(request, "is_preview", False),
        )
        context.render_context[key] = extras
    return extras


@register.simple_tag(takes_context=True)
def patron_appeal_head(context, page):
    extras = _extras(context, page)
    return mark_safe("".join(extras.head))  # noqa: S308 - rendered templates


@register.simple_tag(takes_context=True)
def patron_appeal(context, page):
    """The page's appeal, once, at the end placement."""
    extras = _extras(context, page)
    if not extras.body:
        return ""
    end = [insertion for insertion in extras.body if insertion.after_paragraph is None]
    return mark_safe((end or extras.body)[0].html)  # noqa: S308 - a rendered template


@register.simple_tag(takes_context=True)
def appeal_preview(context, appeal):
    """An appeal's preview in the admin, in the preview mode the editor picked."""
    request = context["request"]
    return render_preview(appeal, request, getattr(request, "preview_mode", ""))
