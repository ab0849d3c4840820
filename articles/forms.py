"""The article's admin form: a body ready to type into, and no Read also link to itself.

A new article's body starts with one empty paragraph block, so an editor can type at once.
An untouched empty paragraph is dropped when the form is saved: a draft saved before anything
was typed stores no empty block, and publishing still asks for a body.
"""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamValue
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


class ArticlePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and not self.instance.body:
            body = self.fields["body"]
            self.initial["body"] = body.block.to_python([{"type": "paragraph", "value": ""}])

    def clean(self):
        cleaned_data = super().clean()
        self._drop_empty_paragraphs(cleaned_data)
        if self.instance.pk is not None:
            self._forbid_curated_self_link()
            self._forbid_inline_self_link(cleaned_data.get("body"))
        return cleaned_data

    def _drop_empty_paragraphs(self, cleaned_data):
        body = cleaned_data.get("body")
        if body is None or not any(is_empty_paragraph(child) for child in body):
            return
        kept = [
            (child.block_type, child.value, child.id)
            for child in body
            if not is_empty_paragraph(child)
        ]
        cleaned_data["body"] = StreamValue(body.stream_block, kept, is_lazy=False)
        field = self.fields["body"]
        if not kept and field.required:  # publishing: a draft may have no body yet
            self.add_error("body", ValidationError(field.error_messages["required"], "required"))

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
