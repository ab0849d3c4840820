"""Turning a story's closing passage into a patron Appeal, when the seed importer finds one.

Each appeal remembers the story it came from (`Appeal.imported_from`), so a story's import
only ever finds and refreshes its own appeal. The first appeal imported becomes live and the
site's default; any later one is created as an unpublished draft for editors to review, so
that an import never changes what readers see site-wide.
"""

from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Site

from .models import Appeal, MembershipSettings
from .passage import parse_appeal

SEED_APPEAL_NAME = "Patron appeal (from the seed story)"
MAX_NAME = Appeal._meta.get_field("name").max_length


def appeal_from_passage(sender, lines, story_key, headline, update=False, **kwargs):
    """Receiver of articles.signals.closing_passage_found. Returns a line for the report.

    A plain run never touches an appeal that exists, so editors' changes survive; with
    --update, the story's own appeal is refreshed as a new revision, published only if it was
    live. Raises AppealPassageError or ValidationError when the passage cannot be an appeal,
    which stops the import.
    """
    passage = parse_appeal(lines)
    appeal = story_appeal(story_key, passage.heading)
    if appeal is None:
        return create_appeal(passage, story_key, headline)
    if not update:
        return _("Appeal kept as it is: %(name)s") % {"name": appeal.name}
    fill(appeal, passage)
    appeal.full_clean()
    if appeal.live:
        # The revision captures the fields set on the instance; publishing writes the row.
        appeal.save_revision().publish()
        return _("Appeal updated as a new revision: %(name)s") % {"name": appeal.name}
    # An editor unpublished it (or it is scheduled, or expired): refresh it as a draft and leave
    # publishing to them. Like the admin's edit view, a draft's row follows its latest revision.
    appeal.save()
    appeal.save_revision()
    return _("Appeal updated as a new draft revision, left unpublished: %(name)s") % {
        "name": appeal.name
    }


def story_appeal(story_key, heading):
    """The appeal imported from this story, if any.

    Appeals imported before they remembered their story have no key: one with this passage's
    heading is this story's, and keeps the key. Never by name alone: on such a database any
    story could otherwise claim the seed story's appeal and, with --update, rewrite it.
    """
    appeal = Appeal.objects.filter(imported_from=story_key).first()
    if appeal is not None:
        return appeal
    appeal = Appeal.objects.filter(imported_from="", heading=heading).order_by("pk").first()
    if appeal is not None:
        # Only the key is written: no revision, nothing an editor or reader sees.
        Appeal.objects.filter(pk=appeal.pk).update(imported_from=story_key)
        appeal.imported_from = story_key
    return appeal


def create_appeal(passage, story_key, headline):
    """A live default appeal if the site has no default yet; otherwise a draft to review."""
    site = Site.objects.filter(is_default_site=True).first()
    settings = MembershipSettings.for_site(site) if site is not None else None
    becomes_default = settings is not None and settings.default_appeal_id is None
    name = SEED_APPEAL_NAME
    if not becomes_default:
        name = (_("Patron appeal (from “%(headline)s”)") % {"headline": headline})[:MAX_NAME]
    appeal = Appeal(name=name, imported_from=story_key, placement=Appeal.Placement.END, live=False)
    fill(appeal, passage)
    appeal.full_clean()
    appeal.save()  # a revision needs the appeal's id
    revision = appeal.save_revision()
    if not becomes_default:
        return _(
            "Appeal created as an unpublished draft for editors to review (the site already "
            "has a default appeal): %(name)s"
        ) % {"name": appeal.name}
    revision.publish()
    settings.default_appeal = appeal
    settings.save()
    return _("Appeal created, published and made the site's default: %(name)s") % {
        "name": appeal.name
    }


def fill(appeal, passage):
    appeal.heading = passage.heading
    appeal.body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in passage.paragraphs)
    appeal.cta_label = passage.cta_label or _("Become a patron")
    appeal.secondary_label = passage.secondary_label
