"""A storm of votes over real HTTP: many active patrons, each firing votes at many topics at
once, each with a real session and a CSRF token. Used by the PostgreSQL test
(test_vote_storm.py) and by the benchmark (bench/votes.py).

prepare() builds the patrons, the round and the topics page in the database; storm() sends
the votes through a bounded pool of threads (PostgreSQL here accepts 100 connections) and
times them; integrity() checks the outcome against the rules and the vote rows.
"""

import datetime
import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django.utils import timezone

from membership.members import change_status, find_or_create_member
from membership.models import Membership, Tier, Topic, TopicsPage, Vote, VotingRound
from membership.session import LOGIN_BACKEND

VOTES_PER_ROUND = 3
COUNT = re.compile(r'id="topic-(\d+)".*?<span data-count>(\d+)</span>', re.DOTALL)


@dataclass
class Storm:
    members: list
    topics: list
    topics_url: str
    statuses: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self):
        return sum(self.statuses.values())


def prepare(*, members=50, topics=10, parent=None):
    """Active patrons on a tier of 3 votes a round, an open round of `topics` topics, and a
    live topics page under `parent` (a Wagtail page)."""
    tier = Tier.objects.create(name="Storm", amount="5.00", votes_per_round=VOTES_PER_ROUND)
    now = timezone.now()
    voting_round = VotingRound.objects.create(
        title="Storm round",
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    topic_list = [
        Topic.objects.create(round=voting_round, title=f"Storm topic {i}") for i in range(topics)
    ]
    page = TopicsPage.objects.first()
    if page is None:
        page = TopicsPage(title="Topics", slug="topics")
        parent.add_child(instance=page)
        page.save_revision().publish()
    people = []
    for n in range(members):
        membership, _ = find_or_create_member(f"storm-{n}@example.org")
        change_status(membership, Membership.Status.ACTIVE, tier=tier)
        people.append(membership)
    return people, topic_list, TopicsPage.objects.get(pk=page.pk).url


def session_key(membership):
    """A real session of this member, as Django's login() stores one."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(membership.user.pk)
    store[BACKEND_SESSION_KEY] = LOGIN_BACKEND
    store[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
    store.save()
    return store.session_key


def signed_in(base_url, membership, topics_url):
    """(cookies, CSRF token) of a patron's browser that has opened the topics page."""
    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, session_key(membership))
    response = http.get(base_url + topics_url, timeout=30)
    response.raise_for_status()
    return dict(http.cookies), http.cookies[settings.CSRF_COOKIE_NAME]


def storm(base_url, people, topics, topics_url, *, workers=16, seed=0):
    """Every member votes for every topic, all requests at once through `workers` threads."""
    browsers = {m.pk: signed_in(base_url, m, topics_url) for m in people}
    shots = [(m.pk, topic.pk) for m in people for topic in topics]
    random.Random(seed).shuffle(shots)
    result = Storm(members=people, topics=topics, topics_url=topics_url)
    lock = threading.Lock()
    start = threading.Event()

    def vote(shot):
        member_pk, topic_pk = shot
        cookies, token = browsers[member_pk]
        start.wait()
        try:
            response = requests.post(
                f"{base_url}/membership/topics/{topic_pk}/vote/",
                data={"action": "vote"},
                cookies=cookies,
                headers={"X-CSRFToken": token, "Accept": "application/json"},
                timeout=60,
            )
            status = response.status_code
            problem = None if status < 500 else response.text[:200]
        except requests.RequestException as error:
            status, problem = "error", repr(error)
        with lock:
            result.statuses[status] += 1
            if problem:
                result.errors.append(problem)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(vote, shot) for shot in shots]
        began = time.perf_counter()
        start.set()
        for future in futures:
            future.result()
        result.seconds = time.perf_counter() - began
    return result


def shown_counts(base_url, topics_url):
    """{topic id: count} as the topics page shows an anonymous reader."""
    html = requests.get(base_url + topics_url, timeout=30).text
    return {int(pk): int(n) for pk, n in COUNT.findall(html)}


@dataclass(frozen=True)
class Integrity:
    most_votes_by_one_member: int
    duplicate_pairs: int
    bad_answers: int  # 5xx or no answer
    shown_equals_rows: bool

    @property
    def ok(self):
        return (
            self.most_votes_by_one_member <= VOTES_PER_ROUND
            and self.duplicate_pairs == 0
            and self.bad_answers == 0
            and self.shown_equals_rows
        )


def integrity(result, base_url):
    per_member = (
        Vote.objects.filter(member__in=result.members).values("member").annotate(n=Count("pk"))
    )
    pairs = (
        Vote.objects.filter(member__in=result.members)
        .values("member", "topic")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    rows = {
        topic.pk: Vote.objects.filter(topic=topic, counts=True).count() for topic in result.topics
    }
    bad = sum(n for status, n in result.statuses.items() if status == "error" or status >= 500)
    return Integrity(
        most_votes_by_one_member=max((row["n"] for row in per_member), default=0),
        duplicate_pairs=pairs.count(),
        bad_answers=bad,
        shown_equals_rows=shown_counts(base_url, result.topics_url) == rows,
    )
