"""Forms for what readers send the membership app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Appeal
from .models.voting import TOPIC_DESCRIPTION_MAX, TOPIC_TITLE_MAX

MAX_ID_DIGITS = 18  # fits a 64-bit primary key


class AppealIdField(forms.ModelChoiceField):
    """A live appeal, named by its id in ASCII digits.

    The id is checked before the lookup: int() reads " 1", "１" and "٣" as numbers, and the
    lookup would find an appeal under any of them.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        valid = isinstance(value, str) and value.isascii() and value.isdigit()
        if not valid or len(value) > MAX_ID_DIGITS:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BeaconForm(forms.Form):
    """One appeal event: exactly one appeal and one event, and nothing else."""

    appeal = AppealIdField(
        queryset=Appeal.objects.none(),
        error_messages={
            "required": _("Unknown appeal."),
            "invalid_choice": _("Unknown appeal."),
        },
    )
    event = forms.ChoiceField(
        choices=[("view", _("View")), ("click", _("Click"))],
        error_messages={"required": _("Unknown event."), "invalid_choice": _("Unknown event.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Live now, at each request: a queryset built with the class would keep the time it
        # was imported, and count an appeal past its expiry.
        self.fields["appeal"].queryset = Appeal.objects.live()

    def clean(self):
        # A form reads the last of repeated values; a batch of events is refused instead.
        data = self.data
        if set(data) != set(self.fields) or any(len(data.getlist(name)) != 1 for name in data):
            raise ValidationError(_("Send exactly one appeal and one event."), code="fields")
        return super().clean()


class SuggestionForm(forms.Form):
    """A patron's topic suggestion. Stored as the plain text it is, and escaped wherever it
    is shown."""

    title = forms.CharField(
        label=_("Topic"),
        max_length=TOPIC_TITLE_MAX,
        error_messages={
            "required": _("Name the topic you would like us to cover."),
            "max_length": _("A topic has at most %(limit_value)d characters."),
        },
    )
    description = forms.CharField(
        label=_("Why it matters (optional)"),
        max_length=TOPIC_DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("A description has at most %(limit_value)d characters."),
        },
    )
