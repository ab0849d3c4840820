from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from . import read_also


class ReadAlsoStatusPanel(Panel):
    """Tells the editor which curated Read also targets readers can't see, and why:
    drafts until they are published, private articles while a view restriction applies."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Status of linked articles"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "articles/panels/read_also_status.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            # The links as the edit view shows them (the latest revision), in one query.
            items = read_also.curated_items(self.instance, preview=True) if self.instance else []
            context["hidden_items"] = [item for item in items if item.hidden_reason]
            return context
