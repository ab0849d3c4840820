"""The article's admin form: a body ready to type into, and no Read also link to itself.

A new article's body starts with one empty paragraph block, so an editor can type at once.
Empty paragraphs are dropped before the body is validated (Draftail posts an untouched editor
as empty): a draft saved before anything was typed stores no empty block, publishing still asks
for a body, and a written article publishes with an untouched paragraph left in it.
"""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import BlockField, StreamValue
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

SELF_LINK_MESSAGE = _("An article cannot link to itself in Read also. Choose another article.")


def is_empty_paragraph(child):
    """A paragraph block with no text in it."""
    if child.block_type != "paragraph":
        return False
    source = getattr(child.value, "source", child.value) or ""
    return not strip_tags(source).replace("&nbsp;", "").strip()


def inline_read_also_targets(body):
    """(index, article id) of each inline Read also block in `body`."""
    for index, child in enumerate(body or []):
        if child.block_type == "read_also":
            article = child.value.get("article")
            if article is not None:
                yield index, getattr(article, "pk", article)


def without_empty_paragraphs(body):
    """`body` (a StreamValue) without its empty paragraph blocks."""
    if body is None or not any(is_empty_paragraph(child) for child in body):
        return body
    kept = [
        (child.block_type, child.value, child.id) for child in body if not is_empty_paragraph(child)
    ]
    return StreamValue(body.stream_block, kept, is_lazy=False)


class ArticleBodyField(BlockField):
    """The body's form field. Empty paragraphs are dropped before the blocks are validated: an
    untouched paragraph is not an error to fix, and a body of only empty paragraphs is empty
    (required when publishing, allowed in a draft)."""

    def clean(self, value):
        return super().clean(without_empty_paragraphs(value))


class ArticlePageForm(WagtailAdminPageForm):
    class Meta(WagtailAdminPageForm.Meta):  # keeps Wagtail's widgets (formfield_callback)
        field_classes = {"body": ArticleBodyField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and not self.instance.body:
            body = self.fields["body"]
            self.initial["body"] = body.block.to_python([{"type": "paragraph", "value": ""}])

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            self._forbid_curated_self_link()
            self._forbid_inline_self_link(cleaned_data.get("body"))
        return cleaned_data

    def _forbid_curated_self_link(self):
        formset = self.formsets.get("read_also_links")
        if formset is None:
            return
        for row in formset.forms:
            if not row.is_valid():  # cleans the row if the formset hasn't yet
                continue
            target = row.cleaned_data.get("target")
            deleted = row.cleaned_data.get("DELETE")
            if target is not None and not deleted and target.pk == self.instance.pk:
                row.add_error("target", SELF_LINK_MESSAGE)

    def _forbid_inline_self_link(self, body):
        block_errors = {
            index: StructBlockValidationError(
                block_errors={"article": ValidationError(SELF_LINK_MESSAGE)}
            )
            for index, article_id in inline_read_also_targets(body)
            if article_id == self.instance.pk
        }
        if block_errors:
            self.add_error("body", StreamBlockValidationError(block_errors=block_errors))
