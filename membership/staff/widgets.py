"""A page chooser for a many-to-many field to pages.

Wagtail's page chooser picks one page, and its MultipleChooserPanel needs an inline model;
a topic's `covered_by` is a plain many-to-many field. So this widget shows one chooser per
chosen page plus a few empty ones, all posting under the field's name: saving keeps the
chosen pages, and shows more empty choosers when the ones there are used up.
"""

from django import forms
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import AdminPageChooser


class PageChooserList(forms.Widget):
    def __init__(self, target_models=None, empty=2, attrs=None):
        super().__init__(attrs)
        self.chooser = AdminPageChooser(target_models=target_models)
        self.empty = empty

    @property
    def media(self):
        return self.chooser.media

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, str):
            values = [values]
        return [value for value in values if value]

    def value_omitted_from_data(self, data, files, name):
        # A form whose choosers are all empty posts nothing, and means "no pages".
        return False

    def id_for_label(self, id_):
        return f"{id_}-0" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        # Page ids only: a mistyped value posted back is reported by the field, not looked up.
        chosen = [item for item in (value or []) if str(item).isdigit()]
        slots = chosen + [None] * self.empty
        html = [
            # Each chooser's HTML is built by Wagtail's widget, which escapes it.
            self.chooser.render(name, item, {**attrs, "id": f"{attrs['id']}-{number}"})
            for number, item in enumerate(slots)
        ]
        return mark_safe(f'<div class="w-flex w-flex-col w-gap-2">{"".join(html)}</div>')  # noqa: S308
