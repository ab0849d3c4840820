"""The admin's forms for tiers and members."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..members import find_or_create_member, get_member
from ..models import Membership, Tier


class TierForm(WagtailAdminModelForm):
    # Stripe and Patreon take ISO 4217 codes; the order is set by dragging in the listing.
    currency = forms.CharField(
        label=_("currency"),
        max_length=3,
        initial="EUR",
        help_text=Tier._meta.get_field("currency").help_text,
        validators=[RegexValidator(r"^[A-Za-z]{3}$", _("Enter a three-letter code, e.g. EUR."))],
    )

    class Meta:
        model = Tier
        fields = [
            "name",
            "amount",
            "currency",
            "description",
            "perks",
            "votes_per_round",
            "active",
            "stripe_price_id",
            "patreon_tier_id",
        ]

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class MembershipForm(WagtailAdminModelForm):
    """Editing a member. The status changes through its own buttons (membership.staff.status),
    and the email is the member's identity, so neither is here."""

    class Meta:
        model = Membership
        fields = ["name", "tier"]

    def save(self, commit=True):
        membership = super().save(commit=False)
        if commit:
            # Only these: a status that a payment event changed meanwhile is not written back.
            membership.save(update_fields=self.Meta.fields)
        return membership


class NewMemberForm(WagtailAdminModelForm):
    """A member added by hand: created pending with the source "staff"; the view then sets
    the status chosen, through the same change (and audit log entry) as the status buttons."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    status = forms.ChoiceField(
        label=_("status"),
        choices=Membership.Status.choices,
        initial=Membership.Status.PENDING,
        help_text=_("Payments at Stripe or Patreon are not changed."),
    )

    class Meta:
        model = Membership
        fields = ["email", "name", "tier", "status"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if get_member(email) is not None:
            raise forms.ValidationError(_("A member with this email already exists."))
        return email

    def save(self, commit=True):
        membership, _created = find_or_create_member(
            self.cleaned_data["email"],
            name=self.cleaned_data["name"],
            source=Membership.Source.STAFF,
        )
        tier = self.cleaned_data["tier"]
        if tier is not None and membership.tier_id != tier.pk:
            membership.tier = tier
            membership.save(update_fields=["tier"])
        self.instance = membership
        return membership
