"""Keep the cached appeal snapshot in step with editors' changes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import published, unpublished

from articles import page_cache

from . import selection
from .models import Appeal, MembershipSettings


def invalidate():
    # Now, and again when the editor's transaction commits: a reader who rebuilt the snapshot
    # in between read the old rows and cached them under the new version.
    selection.invalidate()
    transaction.on_commit(selection.invalidate)


@receiver(post_save, sender=MembershipSettings)
def settings_changed(sender, created=False, raw=False, **kwargs):
    # for_site() creates a row of defaults on first use; that changes nothing readers see.
    if not created:
        invalidate()


@receiver(post_save, sender=Appeal)
@receiver(post_delete, sender=Appeal)
@receiver(published, sender=Appeal)
@receiver(unpublished, sender=Appeal)
def appeals_changed(sender, **kwargs):
    invalidate()
    # An appeal shows on many articles (by tags, pins, or as the default): every page goes.
    page_cache.clear()


for through in (
    Appeal.include_tags.through,
    Appeal.exclude_tags.through,
    Appeal.pinned_pages.through,
):
    m2m_changed.connect(appeals_changed, sender=through, dispatch_uid=f"appeals_{through.__name__}")
