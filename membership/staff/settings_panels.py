"""A panel at the top of the membership settings that warns of links leading nowhere."""

from wagtail.admin.panels import Panel

from ..settings_links import link_problems


class LinkWarningsPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "membership/staff/settings_link_warnings.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.problems = link_problems(self.instance) if self.instance else []

        def is_shown(self):
            return bool(self.problems)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["problems"] = self.problems
            return context
