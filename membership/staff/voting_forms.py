"""The admin's forms for voting rounds, topics and the moderation of suggestions."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.coreutils import resolve_model_string
from wagtail.models import Page

from .. import conf
from ..models import Topic, VotingRound
from .moderation import CLOSED_TO_MERGES, why_not_merge
from .widgets import PageChooserList


class VotingRoundForm(WagtailAdminModelForm):
    class Meta:
        model = VotingRound
        fields = ["title", "intro", "opens_at", "closes_at", "results"]

    def clean(self):
        cleaned_data = super().clean()
        opens_at, closes_at = cleaned_data.get("opens_at"), cleaned_data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            # Checked here so that the database's own check is never what says so.
            self.add_error("closes_at", _("A round closes after it opens: choose a later time."))
        return cleaned_data


class TopicForm(WagtailAdminModelForm):
    """A topic added by staff. A topic is merged only through the merge action (which moves
    its votes), so "merged" is not a status chosen here."""

    class Meta:
        model = Topic
        fields = ["round", "title", "description", "status", "note", "covered_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if self.instance.status == Topic.Status.MERGED:
            status.disabled = True
            status.help_text = _("Merged into “%(topic)s”. A merge can't be undone.") % {
                "topic": self.instance.merged_into or "-"
            }
        else:
            status.choices = [
                (value, label) for value, label in status.choices if value != Topic.Status.MERGED
            ]
        page_types = [resolve_model_string(name) for name in conf.coverage_page_types()]
        covered_by = self.fields["covered_by"]
        covered_by.queryset = Page.objects.type(*page_types)
        covered_by.widget = PageChooserList(target_models=page_types)
        covered_by.help_text = _(
            "The articles that covered this topic. Save to get more choosers. Setting the "
            "status to “Covered” tells the voters who asked to be told."
        )


class TopicEditForm(TopicForm):
    """Editing a topic. Its round stays: its votes were spent in that round's budget."""

    class Meta(TopicForm.Meta):
        fields = ["title", "description", "status", "note", "covered_by"]


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. It becomes the topic's note, which readers see with the round's results."
        ),
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Topic.objects.none(),
        help_text=_(
            "Its votes move there. A patron who voted for both keeps one vote and gets the "
            "other back."
        ),
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["into"].queryset = (
            Topic.objects.filter(round_id=topic.round_id)
            .exclude(pk=topic.pk)
            .exclude(status__in=CLOSED_TO_MERGES)
            .order_by("title", "pk")
        )

    def clean(self):
        cleaned_data = super().clean()
        if (into := cleaned_data.get("into")) and (problem := why_not_merge(self.topic, into)):
            raise forms.ValidationError(problem)
        return cleaned_data
