"""The forms a reader fills in to become a patron and to sign in.

Apart from membership.forms because these import no model: the SignupPage model builds its
form from here, and a module it imports must not import the models package back. The tiers
offered are given to the form by whoever builds it.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A field people never see (hidden by CSS and from assistive technology) and bots fill in.
HONEYPOT = "website"
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest forward path, less its angle brackets
MAX_NAME_LENGTH = 150


def email_field():
    return forms.EmailField(
        label=_("Email address"),
        max_length=MAX_EMAIL_LENGTH,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
            "max_length": _("An email address has at most %(limit_value)d characters."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignupForm(forms.Form):
    email = email_field()
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=MAX_NAME_LENGTH,
        required=False,
        error_messages={"max_length": _("A name has at most %(limit_value)d characters.")},
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a tier."),
            "invalid_choice": _("Choose one of the tiers shown."),
        },
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("We can only send you the link if you agree to receive our emails.")
        },
    )
    website = forms.CharField(required=False)

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers

    def clean_name(self):
        name = self.cleaned_data["name"]
        # A name is one line of text: no line breaks or other control characters, which
        # have no place in a greeting and could break an email's headers.
        if any(unicodedata.category(character) == "Cc" for character in name):
            raise ValidationError(_("Write your name on one line."), code="control_characters")
        return name


class EmailForm(forms.Form):
    """Asking for a sign-in link."""

    email = email_field()
