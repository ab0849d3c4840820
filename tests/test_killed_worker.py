"""A gunicorn worker killed (SIGKILL) in the middle of a request loses nothing: a sign-up or a
vote is whole or absent, and the same request made again, to the worker gunicorn starts in its
place, goes through whole.

How a request is stopped mid-transaction, with no hook in the app: the test holds, in a
connection of its own, a lock that the request needs for a *later* write, and waits until
PostgreSQL shows the request's backend waiting for it (pg_locks). By then the request's earlier
writes are done, uncommitted, and PostgreSQL shows their write locks and the transaction id a
first write assigns. Then the worker is killed and the lock let go: the backend finishes the
statement, finds its client gone, and rolls the transaction back.

- Sign-up (membership.views.signup.sign_up): it writes the user and the member (consent, tier,
  the time its email was claimed), then queues the email, a row in django-tasks-db's table, as
  the last step of one transaction. The test locks that table against writes (EXCLUSIVE mode;
  reads still pass): the request stops with the member written and the email not yet queued.
  This test fails if the sign-up were not one transaction. Tried without the view's
  `transaction.atomic()`, then reverted: `signup.sign_up` commits the member before the email
  is queued, so the waiting INSERT has no written transaction behind it (the first check
  fails), and with that check left out, the killed request leaves its user and member, whose
  email never went out and whose claim would hold back the next sign-up's email.
- Vote (membership.voting.cast): it locks the member's and the topic's rows, checks the budget,
  and inserts the vote row, its only data write and its last. Nothing it does later needs a lock
  it does not hold already, so the test adds a gate in the database, not in the app: a trigger
  on the vote table, created here and dropped afterwards, that waits after the row is inserted
  for an advisory lock the test holds. The request stops with its vote row written,
  uncommitted, and the member's row locked. A vote is a single INSERT, which PostgreSQL makes
  whole or absent even outside a transaction, so this half does not tell a transactional vote
  from one that is not; it shows that the killed worker's vote and its row locks go with it
  (the next vote would otherwise wait on the member's row) and the count is unchanged.
"""

import os
import signal
import threading
import time

import psycopg
import pytest
import requests
from django.contrib.auth import get_user_model
from django.db import connection

from membership import voting
from membership.models import Membership, Vote
from tests.gunicorn_servers import (
    TIMEOUT,
    Browser,
    RedisKeys,
    Server,
    database_url,
    prepare,
    production_env,
    sign_in_as_patron,
    stop_all,
)
from tests.membership.factories import (
    SignupPageFactory,
    TierFactory,
    TopicFactory,
    TopicsPageFactory,
    VotingRoundFactory,
)
from tests.membership.patrons import form_data
from tests.membership.voters import patron

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASKS_TABLE = "django_tasks_database_dbtaskresult"
GATE_KEY = 461_100_201  # the vote gate's advisory lock
WAIT_SECONDS = 10


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One server for both tests: collecting static files and starting take most of the time."""
    folder = tmp_path_factory.mktemp("killed-worker")
    with RedisKeys() as keys:
        prepare(production_env(keys.prefix, folder))
        server = Server(keys.prefix, folder)
        try:
            server.wait_until_up()
            yield server
        finally:
            stop_all([server])


@pytest.fixture
def watch():
    """A connection outside Django's that reads PostgreSQL's view of the other backends (in
    autocommit: within a transaction, pg_stat_activity would not change)."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        yield conn


@pytest.fixture
def gate():
    """A connection outside Django's, in whose open transaction the test holds its lock."""
    with psycopg.connect(database_url()) as conn:
        yield conn


@pytest.fixture
def vote_gate():
    """A trigger that makes each vote INSERT wait, after its row is written, for the advisory
    lock GATE_KEY (shared: it waits only while the test holds it exclusively)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION killed_worker_gate() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_advisory_xact_lock_shared({GATE_KEY}); RETURN NULL; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER killed_worker_gate AFTER INSERT ON {Vote._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION killed_worker_gate()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER killed_worker_gate ON {Vote._meta.db_table}")
            cursor.execute("DROP FUNCTION killed_worker_gate()")


def poll(find):
    deadline = time.monotonic() + WAIT_SECONDS
    while (found := find()) is None:
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)
    return found


def waiting_backend(watch, lock):
    """The pid of the backend waiting for a lock matching `lock` (SQL on pg_locks), or None."""
    row = watch.execute(f"SELECT pid FROM pg_locks WHERE NOT granted AND {lock}").fetchone()  # noqa: S608 - the test's own SQL
    return row[0] if row else None


def tables_written(watch, pid):
    """The tables the backend holds write locks on, in a transaction that has written (has a
    transaction id)."""
    [xid] = watch.execute(
        "SELECT backend_xid FROM pg_stat_activity WHERE pid = %s", [pid]
    ).fetchone()
    assert xid is not None, "the transaction has written nothing yet"
    rows = watch.execute(
        "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
        [pid],
    ).fetchall()
    return {name for (name,) in rows}


def gone(watch, pid):
    row = watch.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return True if row is None else None


def killed_mid_transaction(server, watch, gate, lock, send):
    """Send the request (`send()`, in a thread) while `gate` holds a lock it needs; once its
    backend waits for that lock, SIGKILL the worker serving it, then let the lock go and wait
    until the backend has ended. The tables the request had written to by then."""
    [worker] = server.workers()
    answers = []

    def request():
        try:
            answers.append(send())
        except requests.ConnectionError as error:
            answers.append(error)

    thread = threading.Thread(target=request)
    thread.start()
    try:
        backend = poll(lambda: waiting_backend(watch, lock))
        written = tables_written(watch, backend)
        os.kill(worker, signal.SIGKILL)
        thread.join(TIMEOUT)
    finally:
        gate.rollback()  # lets the lock go
    assert not thread.is_alive()
    [answer] = answers
    assert isinstance(answer, requests.ConnectionError), answer  # the client got no answer
    poll(lambda: gone(watch, backend))
    # gunicorn starts a worker in the killed one's place.
    server.wait_until_up()
    assert worker not in server.workers()
    return written


def queued_tasks():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TASKS_TABLE}")  # noqa: S608 - a fixed name
        return cursor.fetchone()[0]


def test_a_sign_up_killed_mid_transaction_is_absent_then_whole(server, watch, gate):
    tier = TierFactory(name="Coffee")
    signup_page = SignupPageFactory()
    reader = Browser()
    token = reader.csrf_token(f"{server.url}{signup_page.url}")
    data = {"csrfmiddlewaretoken": token, **form_data(tier)}

    def send():
        return reader.post(f"{server.url}/membership/sign-up/{signup_page.pk}/", data)

    tasks = queued_tasks()  # the test settings leave the table out, so no test empties it
    gate.execute(f"LOCK TABLE {TASKS_TABLE} IN EXCLUSIVE MODE")
    lock = f"locktype = 'relation' AND relation = '{TASKS_TABLE}'::regclass"
    written = killed_mid_transaction(server, watch, gate, lock, send)

    # It had written the user and the member, and was queuing the email.
    assert {"auth_user", Membership._meta.db_table} <= written
    assert not get_user_model().objects.filter(email=data["email"]).exists()
    assert not Membership.objects.exists()
    assert queued_tasks() == tasks

    response = send()
    assert response.status_code == 303, response.text
    member = Membership.objects.get(user__email=data["email"])
    assert member.consented_at is not None
    assert member.tier == tier
    assert member.last_email_at is not None
    assert queued_tasks() == tasks + 1  # its email


def test_a_vote_killed_mid_transaction_is_absent_then_whole(server, watch, gate, vote_gate):
    tier = TierFactory(name="Coffee", votes_per_round=2)
    topics_page = TopicsPageFactory()
    topic = TopicFactory(round=VotingRoundFactory(title="What next?"), title="Ports")
    voting.cast(patron("other@example.org", tier), topic)
    reader_member = patron("reader@example.org", tier)
    reader = Browser()
    sign_in_as_patron(reader, server, reader_member.user)
    token = reader.csrf_token(f"{server.url}{topics_page.url}")

    def send():
        data = {"csrfmiddlewaretoken": token, "action": "vote"}
        return reader.post(f"{server.url}/membership/topics/{topic.pk}/vote/", data)

    gate.execute("SELECT pg_advisory_xact_lock(%s)", [GATE_KEY])
    lock = f"locktype = 'advisory' AND classid = 0 AND objid = {GATE_KEY}"
    written = killed_mid_transaction(server, watch, gate, lock, send)

    assert Vote._meta.db_table in written  # its row was in, uncommitted
    assert not Vote.objects.filter(member=reader_member).exists()
    assert voting.count(topic) == 1  # the other patron's

    response = send()
    assert response.status_code == 303, response.text
    assert Vote.objects.filter(member=reader_member, topic=topic).count() == 1
    assert voting.count(topic) == 2
    assert voting.votes_left(reader_member, topic.round) == 1
