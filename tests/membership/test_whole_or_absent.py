"""A request that dies part-way (a worker killed, a failure after the first write) leaves a
sign-up or a vote whole or absent: the writes of each share one transaction.

Each failure here is real and comes from outside our code: a receiver connected for the test
raises where the request's last step happens, as a lost connection or a full disk would."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models.signals import post_save
from django.test import Client
from django_tasks.signals import task_started

from membership.models import Membership, Vote
from tests.membership.factories import TopicFactory
from tests.membership.patrons import sign_up
from tests.membership.voters import signed_in_patron

BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class Killed(Exception):
    pass


@contextlib.contextmanager
def failing(signal, sender=None):
    def fail(**kwargs):
        raise Killed

    signal.connect(fail, sender=sender, weak=False, dispatch_uid="test_whole_or_absent")
    try:
        yield
    finally:
        signal.disconnect(sender=sender, dispatch_uid="test_whole_or_absent")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sign_up_whose_email_cannot_be_queued_leaves_nothing(signup_page, tier):
    """The member, their consent and the claimed email time are written first; queuing the
    email is the request's last step. It fails: none of it is kept."""
    client = Client(raise_request_exception=False)
    with failing(task_started):
        response = sign_up(client, signup_page, tier)

    assert response.status_code == 500
    assert not get_user_model().objects.exists()
    assert not Membership.objects.exists()
    assert mail.outbox == []

    # And the next try goes through whole, with its email (nothing half-kept holds it back).
    assert sign_up(client, signup_page, tier).status_code == 303
    assert Membership.objects.get().last_email_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_vote_that_fails_after_its_row_is_written_leaves_no_vote(
    topics_page, voting_round, three_votes
):
    topic = TopicFactory(round=voting_round, title="Ports")
    client = Client(raise_request_exception=False)
    signed_in_patron(client, "reader@example.org", three_votes)

    with failing(post_save, sender=Vote):
        response = client.post(
            f"/membership/topics/{topic.pk}/vote/", {"action": "vote", "notify": "1"}, **BROWSER
        )

    assert response.status_code == 500
    assert not Vote.objects.exists()
