"""The appeal's admin form: pins chosen with a page chooser limited to articles, and tags
typed with Wagtail's tag widget (autocomplete among the existing tags)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminTagWidget
from wagtail.models import Page

from articles.models import ArticlePage

from .widgets import PageChooserList


class ExistingTagsField(forms.ModelMultipleChoiceField):
    """Tags typed by name (the tag widget posts "a, b"), each one an existing tag.

    An appeal targets articles by tag, so a tag no article has can only be a typo: it is
    refused, not created.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AdminTagWidget(free_tagging=False))
        super().__init__(Tag.objects.all(), *args, **kwargs)

    def names(self, value):
        if not value:
            return []
        if isinstance(value, str):
            return parse_tags(value)
        return [str(name) for name in value]

    def clean(self, value):
        names = self.names(value)
        if not names:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return self.queryset.none()
        query = Q()
        for name in names:
            query |= Q(name__iexact=name)
        found = list(self.queryset.filter(query))
        known = {tag.name.lower() for tag in found}
        unknown = [name for name in names if name.lower() not in known]
        if unknown:
            raise forms.ValidationError(
                _("No tag is called %(names)s. Choose tags from the suggestions."),
                params={"names": ", ".join(f"“{name}”" for name in unknown)},
                code="unknown_tag",
            )
        return found

    def prepare_value(self, value):
        # The initial value is the appeal's tags; a re-shown form has the typed string.
        if value and not isinstance(value, str) and all(hasattr(tag, "name") for tag in value):
            return edit_string_for_tags(value)
        return value

    def has_changed(self, initial, data):
        before = {tag.name.lower() for tag in initial or [] if hasattr(tag, "name")}
        return before != {name.lower() for name in self.names(data)}


class AppealForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("include_tags", "exclude_tags"):
            old = self.fields[name]
            self.fields[name] = ExistingTagsField(
                required=False, label=old.label, help_text=old.help_text
            )
        pinned = self.fields["pinned_pages"]
        pinned.queryset = Page.objects.type(ArticlePage)
        pinned.widget = PageChooserList(target_models=[ArticlePage])
        pinned.help_text = _(
            "These articles always show this appeal while it is live. Save to get more choosers."
        )
