"""Telling voters that a topic they voted for has been covered: one email per vote that asked
for it (Vote.notify), once.

A django-tasks task, enqueued when a topic is saved as covered (membership.coverage), so the
admin's save never waits for a mail server. Each vote is claimed in its own transaction:
its row is locked (select_for_update), checked still unsent, the email sent, and the time
noted in Vote.notified_at before the lock is let go. So a topic saved as covered again, or
the task run twice (even at once), sends nothing more; a send that fails leaves its vote
unsent for the next run, and the votes already sent stay sent.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.models import Page, Site

from articles import conf as articles_conf

from .emails import one_line
from .models import Topic, Vote
from .topic_listing import topics_page

SUBJECT = _("We covered “%(topic)s”, which you voted for")


def _links(topic, site):
    """Absolute URLs of the live articles that covered `topic`, and of its round's results."""
    articles = [
        {"title": page.title, "url": page.get_full_url()}
        for page in Page.objects.live().public().filter(covering_topics=topic).order_by("pk")
    ]
    page = topics_page(site)
    results_url = page.results_url(topic.round_id, full=True) if page else ""
    return articles, f"{results_url}#topic-{topic.pk}" if results_url else ""


def _send(vote, context):
    membership = vote.member
    context = {**context, "name": membership.name}
    subject = one_line(SUBJECT % {"topic": context["topic"]})
    text = render_to_string("membership/emails/covered.txt", context)
    html = render_to_string("membership/emails/covered.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [membership.user.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_coverage_notices(topic_id):
    """Email every voter of the covered topic who asked to be told and was not yet.
    Returns how many emails went out."""
    topic = (
        Topic.objects.select_related("round")
        .filter(pk=topic_id, status=Topic.Status.COVERED)
        .first()
    )
    if topic is None:
        return 0  # no longer covered: nothing to tell
    site = Site.objects.filter(is_default_site=True).first()
    articles, results_url = _links(topic, site)
    context = {
        "topic": topic.title,
        "round": topic.round.title,
        "note": topic.note,
        "articles": articles,
        "results_url": results_url,
        "site_name": one_line(articles_conf.site_name(site)),
    }
    waiting = (
        Vote.objects.filter(topic=topic, notify=True, notified_at__isnull=True)
        .filter(member__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for vote_id in list(waiting):
            with transaction.atomic():
                vote = (
                    Vote.objects.select_for_update(of=("self",))
                    .select_related("member__user")
                    .filter(pk=vote_id, notified_at__isnull=True, member__isnull=False)
                    .first()
                )
                if vote is None or not vote.member.user.email:
                    continue  # sent by another run meanwhile, or its member was deleted
                _send(vote, context)
                vote.notified_at = timezone.now()
                vote.save(update_fields=["notified_at"])
            sent += 1
    return sent
