from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class ReadAlsoStatusPanel(Panel):
    """Tells the editor which curated Read also targets readers can't see, and why:
    drafts until they are published, private articles while a view restriction applies."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Status of linked articles"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "articles/panels/read_also_status.html"

        def hidden_targets(self):
            """(target, reason) pairs, reason "draft" or "private", in the editor's order.

            One query: the saved links with their targets, or, for the links of a revision
            (what the edit view shows), their targets in bulk.
            """
            from .models.pages import restricted
            from .read_also import hidden_reason, load_link_targets

            if self.instance is None or not self.instance.pk:
                return []
            links = self.instance.read_also_links.all()
            if isinstance(links, QuerySet):
                links = list(
                    links.select_related("target").annotate(
                        target_restricted=restricted("target__path")
                    )
                )
            else:
                links = list(links)
                load_link_targets(links)
            hidden = []
            for link in links:
                if link.target_id is None or link.target is None:
                    continue
                reason = hidden_reason(link)
                if reason:
                    hidden.append((link.target, reason))
            return hidden

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["hidden_targets"] = self.hidden_targets()
            return context
