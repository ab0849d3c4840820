from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class ReadAlsoStatusPanel(Panel):
    """Tells the editor which curated Read also targets are drafts, hidden from readers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Status of linked articles"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "articles/panels/read_also_status.html"

        def hidden_targets(self):
            if self.instance is None or not self.instance.pk:
                return []
            return [
                link.target
                for link in self.instance.read_also_links.all()
                if link.target is not None and not link.target.live
            ]

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["hidden_targets"] = self.hidden_targets()
            return context
