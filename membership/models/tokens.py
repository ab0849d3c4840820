"""The links emailed to members that have been used: each works once (membership.tokens)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedToken(models.Model):
    """A used link, kept as the SHA-256 of its token (never the token itself) until it would
    have expired anyway."""

    digest = models.CharField(_("token digest"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self):
        return self.digest[:12]
