from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealDay(models.Model):
    """Totals for one appeal on one day. Nothing about individual readers is kept."""

    appeal = models.ForeignKey("membership.Appeal", on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    views = models.PositiveIntegerField(_("views"), default=0)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    signups = models.PositiveIntegerField(_("sign-ups"), default=0)

    class Meta:
        verbose_name = _("appeal day")
        verbose_name_plural = _("appeal days")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "date"], name="appeal_day_unique"),
        ]
        ordering = ["-date"]

    def __str__(self):
        return f"{self.appeal_id} {self.date}"
