"""A topic saved as covered, wherever it is saved: one email to each voter who asked, the
covering articles purged and showing "Patrons voted for this"."""

import threading

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.test import Client
from wagtail.models import Site

from membership import voting
from membership.members import delete_member
from membership.models import Appeal, MembershipSettings, Topic, Vote
from membership.notices import send_coverage_notices
from tests.articles.measure import ARTICLE_QUERY_BUDGET, build_article, measure
from tests.factories import ArticlePageFactory
from tests.membership.factories import AppealFactory, TopicFactory, VotingRoundFactory
from tests.membership.voters import patron

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"


@pytest.fixture
def story(news):
    return ArticlePageFactory(parent=news, title="How the water gets to us")


@pytest.fixture
def topic(voting_round):
    return TopicFactory(round=voting_round, title="Where does our water come from?")


@pytest.fixture
def voters(topic, three_votes):
    """Two voters who asked to be told, one who did not, and a patron who did not vote."""
    asked = [patron(f"asked{i}@example.org", three_votes) for i in range(2)]
    quiet = patron("quiet@example.org", three_votes)
    patron("bystander@example.org", three_votes)
    for member in asked:
        voting.cast(member, topic, notify=True)
    voting.cast(quiet, topic)
    return asked


def cover(topic, *articles, note=""):
    """As the admin saves it: the topic, then its articles, in one transaction."""
    with transaction.atomic():
        topic.status = Topic.Status.COVERED
        topic.note = note
        topic.save()
        topic.covered_by.set(articles)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# --- Emails ---------------------------------------------------------------------------------


def test_voters_who_asked_get_one_email_once_it_is_committed(
    topics_page, topic, voters, story, committed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        cover(topic, story, note="It took us a month.")
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert recipients() == ["asked0@example.org", "asked1@example.org"]
    message = mail.outbox[0]
    assert message.subject == "We covered “Where does our water come from?”, which you voted for"
    assert f"{ROOT}{story.url}" in message.body
    results = f"{ROOT}/topics/results/{topic.round_id}/#topic-{topic.pk}"
    assert results in message.body
    assert "It took us a month." in message.body
    [(html, _type)] = message.alternatives
    assert f'href="{ROOT}{story.url}"' in html
    assert Vote.objects.filter(notified_at__isnull=False).count() == 2


def test_saving_the_covered_topic_again_sends_nothing_more(topic, voters, story, committed):
    with committed():
        cover(topic, story)
    with committed():
        topic.note = "Updated."
        topic.save()
        Topic.objects.get(pk=topic.pk).save()
    assert recipients() == ["asked0@example.org", "asked1@example.org"]


def test_the_task_run_twice_sends_once(topic, voters, story):
    cover(topic, story)  # no commit here: the task is run by hand
    assert send_coverage_notices.call(topic.pk) == 2
    assert send_coverage_notices.call(topic.pk) == 0
    assert len(mail.outbox) == 2


def test_a_voter_who_asks_after_the_email_went_out_is_told_on_the_next_save(
    topic, voters, story, three_votes, committed
):
    with committed():
        cover(topic, story)
    late = patron("late@example.org", three_votes)
    Vote.objects.create(member=late, topic=topic, notify=True)
    with committed():
        topic.save()
    assert recipients() == ["asked0@example.org", "asked1@example.org", "late@example.org"]


def test_no_email_for_a_topic_that_is_not_covered(topic, voters, story, committed):
    with committed():
        topic.status = Topic.Status.PLANNED
        topic.save()
        topic.covered_by.add(story)
    assert mail.outbox == []
    assert send_coverage_notices.call(topic.pk) == 0


def test_a_member_who_deleted_their_data_is_not_emailed(topic, voters, story, committed):
    delete_member(voters[0])
    with committed():
        cover(topic, story)
    assert recipients() == ["asked1@example.org"]


class FailingForOneAddress(EmailBackend):
    """The mail server hangs up on one address (the edge of a third-party service)."""

    def send_messages(self, messages):
        if any("asked1@example.org" in message.to for message in messages):
            raise ConnectionError("the mail server hung up")
        return super().send_messages(messages)


def test_a_failed_send_waits_for_the_next_run_and_the_others_stay_sent(
    settings, topic, voters, story
):
    cover(topic, story)
    settings.EMAIL_BACKEND = f"{__name__}.FailingForOneAddress"
    with pytest.raises(ConnectionError):
        send_coverage_notices.call(topic.pk)
    assert recipients() == ["asked0@example.org"]
    assert Vote.objects.get(member=voters[0]).notified_at
    assert not Vote.objects.get(member=voters[1]).notified_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_coverage_notices.call(topic.pk) == 1
    assert send_coverage_notices.call(topic.pk) == 0
    assert recipients() == ["asked0@example.org", "asked1@example.org"]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_send_each_email_once(three_votes):
    voting_round = VotingRoundFactory()
    topic = TopicFactory(round=voting_round)
    for i in range(10):
        voting.cast(patron(f"asked{i}@example.org", three_votes), topic, notify=True)
    Topic.objects.filter(pk=topic.pk).update(status=Topic.Status.COVERED)
    barrier = threading.Barrier(2)
    sent = []

    def run():
        try:
            barrier.wait()
            sent.append(send_coverage_notices.call(topic.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 10
    assert len(mail.outbox) == 10
    assert len(set(recipients())) == 10


# --- Purges ---------------------------------------------------------------------------------


def test_covering_purges_the_articles_and_the_topics_page_once_committed(
    topics_page, topic, story, news, purged, django_capture_on_commit_callbacks
):
    other = ArticlePageFactory(parent=news, title="Unrelated")
    purged.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        cover(topic, story)
        assert purged == []
    for callback in callbacks:
        callback()
    assert {
        f"{ROOT}{story.url}",
        f"{ROOT}/topics/",
        f"{ROOT}/topics/results/{topic.round_id}/",
    } <= set(purged)
    assert f"{ROOT}{other.url}" not in purged


def test_an_article_taken_off_a_topic_is_purged(topic, story, news, purged, committed):
    second = ArticlePageFactory(parent=news, title="Second story")
    cover(topic, story, second)
    purged.clear()
    with committed():
        topic.covered_by.remove(second)
    assert f"{ROOT}{second.url}" in purged
    purged.clear()
    with committed():
        topic.covered_by.clear()
    assert f"{ROOT}{story.url}" in purged


def test_linking_from_the_article_s_side_purges_it_too(topic, story, purged, committed):
    cover(topic)
    purged.clear()
    with committed():
        story.covering_topics.add(topic)
    assert f"{ROOT}{story.url}" in purged


def test_deleting_a_covered_topic_purges_its_articles(topic, story, purged, committed):
    cover(topic, story)
    purged.clear()
    with committed():
        topic.delete()
    assert f"{ROOT}{story.url}" in purged


# --- "Patrons voted for this" ---------------------------------------------------------------


def voted_note(client, article):
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    return page.select_one(".article-body .patron-voted")


def test_a_covering_article_says_patrons_voted_for_it(client, topics_page, topic, story, news):
    other = ArticlePageFactory(parent=news, title="Unrelated")
    cover(topic, story)

    note = voted_note(client, story)
    assert note.get_text(" ", strip=True).startswith("Patrons voted for this")
    link = note.select_one("a")
    assert link.get_text() == topic.title
    assert link["href"] == f"/topics/results/{topic.round_id}/#topic-{topic.pk}"
    assert client.get(link["href"].split("#")[0]).status_code == 200
    assert voted_note(client, other) is None


def test_the_note_comes_and_goes_with_the_status(client, topics_page, topic, story):
    topic.covered_by.add(story)
    assert voted_note(client, story) is None  # open, not covered yet
    cover(topic, story)
    assert voted_note(client, story) is not None
    topic.status = Topic.Status.PLANNED
    topic.save()
    assert voted_note(client, story) is None


def test_the_note_follows_the_topic_s_title_and_the_topics_page(client, topics_page, topic, story):
    cover(topic, story)
    assert voted_note(client, story).select_one("a").get_text() == topic.title
    topic.title = "Renamed"
    topic.save()
    assert voted_note(client, story).select_one("a").get_text() == "Renamed"
    topics_page.unpublish()
    note = voted_note(client, story)
    assert note.select_one("a") is None
    assert "Renamed" in note.get_text()


def test_articles_with_no_promotions_still_say_it(client, topics_page, topic, news):
    sensitive = ArticlePageFactory(parent=news, no_promotions=True)
    cover(topic, sensitive)
    assert voted_note(client, sensitive) is not None


def test_the_covered_article_is_the_same_for_every_anonymous_reader(
    client, topics_page, topic, story, three_votes
):
    cover(topic, story)
    first = client.get(story.url)
    second = Client().get(story.url, REMOTE_ADDR="10.0.0.7")
    assert first.content == second.content
    assert "Cookie" not in first.get("Vary", "")
    assert "public" in first["Cache-Control"]


def test_the_note_costs_no_query_on_a_warm_cache(client, topics_page, voting_round, news):
    # The article that spends the whole budget with the appeal (tests/articles/measure.py).
    default_appeal = AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = default_appeal
    settings.save()
    plain = build_article(news, tags=1, links=1, blocks=7)
    before, _soup = measure(client, plain.url)
    covering = TopicFactory(round=voting_round, title="Measured topic")
    cover(covering, plain)
    after, soup = measure(client, plain.url)
    assert soup.select_one(".patron-voted a").get_text() == "Measured topic"
    assert soup.select_one(".patron-appeal--end")
    assert after == before <= ARTICLE_QUERY_BUDGET
