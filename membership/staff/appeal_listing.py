"""The appeals listing: each appeal's status, whether it is the default, and where it shows.

The listing's queryset (`listing_queryset`) carries all three in a fixed number of queries,
whatever the number of appeals: an annotation for the scheduled date and the default, and one
prefetch each for the tags and pins.
"""

from django.db.models import CharField, Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.models import Revision

from ..models import Appeal, MembershipSettings

LIVE, SCHEDULED, DRAFT, EXPIRED = "live", "scheduled", "draft", "expired"


def appeal_status(*, live, expired, expire_at, scheduled_at, now):
    """(status, label) of an appeal: Live, Scheduled for <date>, Draft or Expired.

    Expiry counts from `expire_at` as readers see it, even before publish_scheduled has
    switched `live` off. A live appeal with newer changes scheduled is still Live.
    """
    if expired or (expire_at is not None and expire_at <= now):
        return EXPIRED, _("Expired")
    if live:
        return LIVE, _("Live")
    if scheduled_at is not None:
        when = format_date(timezone.localtime(scheduled_at), "j M Y, H:i")
        return SCHEDULED, _("Scheduled for %(date)s") % {"date": when}
    return DRAFT, _("Draft")


def listing_queryset(queryset=None):
    """Appeals with `_scheduled_at`, `_is_default` and their tags and pins prefetched."""
    queryset = Appeal.objects.all() if queryset is None else queryset
    scheduled = Revision.objects.filter(
        base_content_type__app_label=Appeal._meta.app_label,
        base_content_type__model=Appeal._meta.model_name,
        object_id=Cast(OuterRef("pk"), CharField()),
        approved_go_live_at__isnull=False,
    ).order_by("-created_at")
    return queryset.annotate(
        _scheduled_at=Subquery(scheduled.values("approved_go_live_at")[:1]),
        _is_default=Exists(MembershipSettings.objects.filter(default_appeal=OuterRef("pk"))),
    ).prefetch_related("include_tags", "exclude_tags", "pinned_pages")


def status_of(appeal, now=None):
    return appeal_status(
        live=appeal.live,
        expired=appeal.expired,
        expire_at=appeal.expire_at,
        scheduled_at=getattr(appeal, "_scheduled_at", None),
        now=now or timezone.now(),
    )


def tag_names(tags):
    return ", ".join(sorted(tag.name for tag in tags))


def placement_summary(appeal):
    """Where an appeal shows, in one line: its place in the article, then its targeting."""
    if appeal.placement == Appeal.Placement.END:
        parts = [_("End of article")]
    else:
        paragraph = appeal.inline_after_paragraph
        inline = (
            _("after paragraph %(number)s") % {"number": paragraph}
            if paragraph
            else _("after the default paragraph")
        )
        if appeal.placement == Appeal.Placement.BOTH:
            parts = [_("Inline %(where)s and at the end") % {"where": inline}]
        else:
            parts = [_("Inline %(where)s") % {"where": inline}]
    include = list(appeal.include_tags.all())
    exclude = list(appeal.exclude_tags.all())
    pins = list(appeal.pinned_pages.all())
    parts.append(
        _("articles tagged %(tags)s") % {"tags": tag_names(include)}
        if include
        else _("all articles")
    )
    if exclude:
        parts.append(_("not tagged %(tags)s") % {"tags": tag_names(exclude)})
    if pins:
        parts.append(
            ngettext("pinned to %(count)d article", "pinned to %(count)d articles", len(pins))
            % {"count": len(pins)}
        )
    return "; ".join(str(part) for part in parts)


class AppealStatusColumn(StatusTagColumn):
    def __init__(self, **kwargs):
        super().__init__(
            "status", label=_("Status"), primary=lambda appeal: status_of(appeal)[0] == LIVE
        )

    def get_value(self, instance):
        return status_of(instance)[1]


class DefaultAppealColumn(Column):
    def __init__(self, **kwargs):
        super().__init__("_is_default", label=_("Default"))

    def get_value(self, instance):
        return _("Default appeal") if getattr(instance, "_is_default", False) else ""


class PlacementColumn(Column):
    def __init__(self, **kwargs):
        super().__init__("placement", label=_("Where it shows"))

    def get_value(self, instance):
        return placement_summary(instance)
