"""Turning the seed story's appeal passage into the default Appeal."""

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Site

SEED_APPEAL_NAME = "Patron appeal (from the seed story)"


def appeal_from_passage(sender, passage, path=None, update=False, **kwargs):
    """Receiver of articles.signals.appeal_passage_found.

    Creates the appeal, live and placed at the end, if it is missing, and makes it the
    default. A plain re-run never touches an appeal that exists, so editors' changes
    survive; with --update it is refreshed as a new revision, published only if the appeal
    was live. Returns a line for the report.
    """
    from .models import Appeal, MembershipSettings

    # By its name, or by its heading if an editor renamed it: never a second copy.
    appeal = (
        Appeal.objects.filter(name=SEED_APPEAL_NAME).first()
        or Appeal.objects.filter(heading=passage.heading).order_by("pk").first()
    )
    if appeal is not None and not update:
        return _("Appeal kept as it is: %(name)s") % {"name": appeal.name}

    created = appeal is None
    if created:
        appeal = Appeal(name=SEED_APPEAL_NAME, placement=Appeal.Placement.END, live=False)
    appeal.heading = passage.heading
    appeal.body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in passage.paragraphs)
    appeal.cta_label = passage.cta_label or _("Become a patron")
    appeal.secondary_label = passage.secondary_label
    # The revision captures the fields set on the instance; publishing writes them to the row.
    if created:
        appeal.save()  # a revision needs the appeal's id
        appeal.save_revision().publish()
    elif appeal.live:
        appeal.save_revision().publish()
    else:
        # An editor unpublished it (or it is scheduled, or expired): refresh it as a draft and
        # leave publishing to them. Like the admin's edit view, a draft's row follows its
        # latest revision.
        appeal.save()
        appeal.save_revision()

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        settings = MembershipSettings.for_site(site)
        if settings.default_appeal_id is None:
            settings.default_appeal = appeal
            settings.save()

    if created:
        return _("Appeal created: %(name)s") % {"name": appeal.name}
    if not appeal.live:
        return _("Appeal updated as a new draft revision, left unpublished: %(name)s") % {
            "name": appeal.name
        }
    return _("Appeal updated as a new revision: %(name)s") % {"name": appeal.name}
