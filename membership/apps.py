from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.signals import closing_passage_found

        from . import coverage, seed, signal_handlers  # noqa: F401 - connect their receivers

        closing_passage_found.connect(seed.appeal_from_passage, dispatch_uid="membership_seed")
