"""When a topic is covered, whoever saves it (the admin, the shell, a script):

- voters who asked to be told get one email (membership.notices, a background task,
  enqueued once the save is committed; it sends each vote's email once, so saving the topic
  again sends nothing);
- the articles that covered it, and the topics page, are purged from the frontend cache
  once the change is committed, so readers see "Patrons voted for this" (and stop seeing it
  on an article taken off the topic);
- the cached map of covered articles (membership.article_coverage) is renewed.

Receivers of Topic's post_save / pre_delete and of `covered_by`'s m2m_changed, connected in
MembershipConfig.ready(). The admin's form saves the topic, then its articles: both arrive
here, so no view needs code of its own.
"""

from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .models import Topic, TopicsPage
from .notices import send_coverage_notices
from .signal_handlers import invalidate


def purge_urls(pages, round_ids):
    """The live pages' URLs, and the topics pages with these rounds' results."""
    urls = {page.get_full_url() for page in pages if page.live}
    for topics_page in TopicsPage.objects.live():
        urls.add(topics_page.get_full_url())
        urls.update(topics_page.results_url(round_id, full=True) for round_id in round_ids)
    urls.discard(None)
    urls.discard("")
    return urls


def purge_on_commit(pages, round_ids):
    """Purge once the change is committed: a cache that refetched any earlier would store the
    old page again. The URLs are worked out now, from what the transaction sees."""
    if apps.is_installed("wagtail.contrib.frontend_cache"):
        transaction.on_commit(PurgeBatch(purge_urls(pages, round_ids)).purge)


@receiver(post_save, sender=Topic, dispatch_uid="membership_topic_saved")
def topic_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    invalidate()
    purge_on_commit(list(instance.covered_by.all()), {instance.round_id})
    if instance.status == Topic.Status.COVERED:
        transaction.on_commit(partial(send_coverage_notices.enqueue, instance.pk))


@receiver(pre_delete, sender=Topic, dispatch_uid="membership_topic_deleted")
def topic_deleted(sender, instance, **kwargs):
    # Before the delete: its links to articles go with it, without an m2m signal.
    invalidate()
    purge_on_commit(list(instance.covered_by.all()), {instance.round_id})


@receiver(m2m_changed, sender=Topic.covered_by.through, dispatch_uid="membership_covered_by")
def covering_articles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Articles added to or taken off a topic (`topic.covered_by`), or topics added to or
    taken off an article (`page.covering_topics`)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # `instance` is the article; pk_set (None when cleared) the topics
        pages = [instance]
        topics = (
            instance.covering_topics.all()
            if pk_set is None
            else Topic.objects.filter(pk__in=pk_set)
        )
        round_ids = set(topics.values_list("round_id", flat=True))
    else:
        pages = instance.covered_by.all() if pk_set is None else Page.objects.filter(pk__in=pk_set)
        round_ids = {instance.round_id}
    invalidate()
    purge_on_commit(list(pages), round_ids)


@receiver(page_published, sender=TopicsPage, dispatch_uid="membership_topics_page_published")
@receiver(page_unpublished, sender=TopicsPage, dispatch_uid="membership_topics_page_unpublished")
@receiver(post_delete, sender=TopicsPage, dispatch_uid="membership_topics_page_deleted")
def topics_page_changed(sender, **kwargs):
    """Articles link the topics page: a new address, or none, renews the map."""
    invalidate()
