"""`manage.py run_periodic_jobs`: every periodic job once, by one server at a time."""

import contextlib
import datetime
import threading
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

from articles.models import ArticlePage
from newsroom.periodic import jobs_to_run, periodic_jobs_lock
from tests.factories import ArticlePageFactory
from tests.membership.factories import TopicsPageFactory, VotingRoundFactory


def run_jobs():
    out = StringIO()
    call_command("run_periodic_jobs", stdout=out)
    return out.getvalue()


def scheduled_article(news, title="Harbour reopens at dawn"):
    """A draft article whose scheduled go-live time has just passed."""
    page = ArticlePageFactory(parent=news, title=title, live=False)
    page.save_revision(
        approved_go_live_at=timezone.now() - datetime.timedelta(seconds=30), clean=True
    )
    return ArticlePage.objects.get(pk=page.pk)


def published_entries(page):
    return PageLogEntry.objects.filter(page=page, action__startswith="wagtail.publish").count()


def test_a_scheduled_article_goes_live_once_however_often_the_jobs_run(news):
    page = scheduled_article(news)

    first = run_jobs()
    second = run_jobs()

    page.refresh_from_db()
    assert page.live
    assert published_entries(page) == 1
    assert "Periodic jobs done." in first
    assert "Periodic jobs done." in second


def test_a_round_that_just_closed_has_its_topics_pages_purged_and_no_email_goes_out(home, purged):
    topics = TopicsPageFactory(parent=home)
    now = timezone.now()
    closed = VotingRoundFactory(
        opens_at=now - datetime.timedelta(days=7), closes_at=now - datetime.timedelta(minutes=1)
    )
    VotingRoundFactory(  # closed long ago: its pages were purged then
        opens_at=now - datetime.timedelta(days=30), closes_at=now - datetime.timedelta(days=20)
    )
    purged.clear()

    output = run_jobs()

    results = topics.results_url(closed.pk, full=True)
    assert set(purged) == {topics.get_full_url(), results}
    assert "pages purged: 1" in output
    assert mail.outbox == []


def test_task_results_are_pruned_only_where_the_database_keeps_them(settings):
    # The test settings install django-tasks-db (its table is in the test database) but run
    # tasks at once; production queues them in that table.
    assert "prune_task_results" not in [job.name for job in jobs_to_run()]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert "prune_task_results" in [job.name for job in jobs_to_run()]


def test_expired_sessions_are_cleared(db):
    expired = SessionStore()
    expired.set_expiry(-60)
    expired.create()
    current = SessionStore()
    current.create()

    run_jobs()

    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


@contextlib.contextmanager
def lock_held_elsewhere():
    """The jobs' lock, held by another thread with its own database connection (on
    PostgreSQL, one session may take its advisory lock twice)."""
    held, done = threading.Event(), threading.Event()

    def hold():
        try:
            with periodic_jobs_lock() as acquired:
                assert acquired
                held.set()
                done.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(timeout=30)
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=30)


def test_a_run_while_another_holds_the_lock_does_nothing_and_says_so(news):
    page = scheduled_article(news)

    with lock_held_elsewhere():
        output = run_jobs()

    assert output.startswith("Skipped: another server is running the periodic jobs now")
    page.refresh_from_db()
    assert not page.live
    run_jobs()  # the lock is let go: the next run does the work
    page.refresh_from_db()
    assert page.live


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_job_does_not_stop_the_others_and_the_run_fails(news):
    page = scheduled_article(news)
    # The sessions table is gone: clearsessions fails, as against a broken database.
    with connection.schema_editor() as editor:
        editor.delete_model(Session)
    try:
        with pytest.raises(CommandError, match="Periodic jobs failed: clear_sessions$"):
            run_jobs()
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(Session)
    page.refresh_from_db()
    assert page.live


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_servers_running_the_jobs_at_once_publish_once(news):
    """The second server's run starts while the first is publishing: it skips."""
    page = scheduled_article(news)
    other_server = []

    def start_the_other_server(sender, **kwargs):
        def run():
            try:
                other_server.append(run_jobs())
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=60)

    page_published.connect(start_the_other_server, weak=False, dispatch_uid="test_two_servers")
    try:
        output = run_jobs()
    finally:
        page_published.disconnect(dispatch_uid="test_two_servers")

    assert "Periodic jobs done." in output
    assert len(other_server) == 1
    assert other_server[0].startswith("Skipped: another server is running the periodic jobs")
    page.refresh_from_db()
    assert page.live
    assert published_entries(page) == 1
