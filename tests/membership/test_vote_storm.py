"""The issue's storm, on PostgreSQL over real HTTP: 50 active patrons on a tier of 3 votes a
round, each firing 10 simultaneous votes at 10 topics, with real sessions and CSRF tokens,
through a bounded pool of threads. bench/votes.py runs the same storm against gunicorn."""

import pytest

from tests.membership import vote_storm

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_storm_of_votes_never_overspends_duplicates_or_drifts(live_server, home):
    people, topics, topics_url = vote_storm.prepare(members=50, topics=10, parent=home)

    result = vote_storm.storm(live_server.url, people, topics, topics_url, workers=16)

    assert result.errors == []
    # Every request was answered: taken (200) or refused cleanly for want of votes (409).
    assert dict(result.statuses) == {200: 50 * 3, 409: 50 * 7}
    check = vote_storm.integrity(result, live_server.url)
    assert check.most_votes_by_one_member == 3
    assert check.duplicate_pairs == 0
    assert check.bad_answers == 0
    assert check.shown_equals_rows
