"""Which tags are public: the one place the tag page and the tag feed ask.

A tag is public while at least one visible article (live, with no view restriction) carries
it. A tag that only drafts or private articles carry is not shown anywhere, not even by name.
"""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _
from taggit.models import Tag

from .models import TaggedArticle
from .queries import restriction_exists


def visible_tags():
    """Tags carried by at least one live, public article. One query, whatever you chain."""
    carried = TaggedArticle.objects.filter(tag=OuterRef("pk"), content_object__live=True).filter(
        ~restriction_exists("content_object__path")
    )
    return Tag.objects.filter(Exists(carried))


def visible_tag(slug):
    """The public tag with `slug`, or None."""
    if not slug:
        return None
    return visible_tags().filter(slug=slug).first()


def visible_tag_or_404(slug):
    tag = visible_tag(slug)
    if tag is None:
        raise Http404(_("No such tag."))
    return tag
