"""Voting on the topics the newsroom covers next: rounds, their topics, and patrons' votes.

The rules (who may vote, the budget, withdrawing, lapses, merging, suggestions, coverage)
live in `membership.voting`; these models only hold the rows counts are computed from.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOPIC_TITLE_MAX = 120
TOPIC_DESCRIPTION_MAX = 1000
# The largest primary key a URL may name: a bigger number would overflow the database's
# 64-bit integer (a 500), so it is simply not found.
MAX_ID = 2**63 - 1


class VotingRoundQuerySet(models.QuerySet):
    def open_at(self, when):
        return self.filter(opens_at__lte=when, closes_at__gt=when)

    def current(self, when=None):
        """The round open now; if several are, the one that closes first."""
        when = when or timezone.now()
        return self.open_at(when).order_by("closes_at", "pk").first()


class VotingRound(models.Model):
    class Results(models.TextChoices):
        LIVE = "live", _("Live: counts shown while the round is open")
        SEALED = "sealed", _("Sealed: counts hidden until the round closes")

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("intro"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results = models.CharField(
        _("results"), max_length=10, choices=Results.choices, default=Results.LIVE
    )

    objects = VotingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="voting_round_closes_after_it_opens"
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, when=None):
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    def has_closed(self, when=None):
        return (when or timezone.now()) >= self.closes_at

    def shows_counts(self, when=None):
        return self.results == self.Results.LIVE or self.has_closed(when)


class Topic(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed (waiting for moderation)")
        OPEN = "open", _("Open for votes")
        PLANNED = "planned", _("Planned")
        COVERED = "covered", _("Covered")
        DECLINED = "declined", _("Declined")
        MERGED = "merged", _("Merged into another topic")

    round = models.ForeignKey(
        VotingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=TOPIC_TITLE_MAX)
    description = models.TextField(_("description"), max_length=TOPIC_DESCRIPTION_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_topics",
    )
    covered_by = models.ManyToManyField(
        "wagtailcore.Page",
        verbose_name=_("covered by"),
        blank=True,
        related_name="covering_topics",
        help_text=_("The articles that covered this topic."),
    )
    note = models.TextField(
        _("editor's note"), blank=True, help_text=_("Shown to readers with the results.")
    )
    suggested_by = models.ForeignKey(
        "membership.Membership",
        verbose_name=_("suggested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_topics",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["round", "created_at", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        permissions = [("view_voters", _("Can view voters"))]

    def __str__(self):
        return self.title


class Vote(models.Model):
    """One member's vote for one topic.

    `member` is emptied when the patron deletes their data: the vote stays counted with no
    link to anyone. `counts` is False while the member's membership is not active and the
    round is still open (membership.voting keeps it in step); a closed round's votes are frozen.
    """

    member = models.ForeignKey(
        "membership.Membership",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="votes",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="votes"
    )
    created_at = models.DateTimeField(_("cast"), default=timezone.now)
    notify = models.BooleanField(_("tell them when it is covered"), default=False)
    counts = models.BooleanField(_("counts"), default=True)
    notified_at = models.DateTimeField(_("told it was covered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "topic"], name="one_vote_per_member_per_topic"
            )
        ]
        indexes = [models.Index(fields=["topic", "counts"])]

    def __str__(self):
        return f"{self.topic_id} ← {self.member_id or '-'}"
