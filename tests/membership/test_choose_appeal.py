"""choose_appeal: the stable weighted pick, a pure function. No database."""

import datetime
import itertools
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from membership.selection import choose_appeal

DAY = datetime.date(2024, 11, 5)
KEYS = range(1, 10_001)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shares(candidates, *, date=DAY, keys=KEYS):
    counts = Counter(choose_appeal(key, date, candidates) for key in keys)
    return {appeal_id: counts[appeal_id] / len(keys) for appeal_id in counts}


def test_same_inputs_give_the_same_appeal():
    candidates = [(7, 1), (9, 3), (12, 2)]
    first = [choose_appeal(key, DAY, candidates) for key in range(200)]
    again = [choose_appeal(key, DAY, list(candidates)) for key in range(200)]
    assert first == again
    # Different articles get different appeals: the pick is per article, not global.
    assert len(set(first)) == 3


def test_candidate_order_does_not_matter():
    candidates = [(7, 1), (9, 3), (12, 2), (30, 5)]
    for key in range(300):
        expected = choose_appeal(key, DAY, candidates)
        for order in itertools.permutations(candidates):
            assert choose_appeal(key, DAY, list(order)) == expected


def test_stable_across_processes():
    """Python's hash() is salted per process; the pick must not be."""
    code = (
        "import datetime, django;"
        "django.setup();"
        "from membership.selection import choose_appeal;"
        "print([choose_appeal(k, datetime.date(2024, 11, 5), [(1, 1), (2, 1), (3, 2)])"
        " for k in range(50)])"
    )
    outputs = {
        subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT,
            env={"PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test"},
        ).stdout
        for seed in ("1", "2", "random")
    }
    assert len(outputs) == 1
    expected = [choose_appeal(k, DAY, [(1, 1), (2, 1), (3, 2)]) for k in range(50)]
    assert outputs.pop().strip() == str(expected)


def test_the_day_changes_the_pick():
    candidates = [(1, 1), (2, 1)]
    today = [choose_appeal(key, DAY, candidates) for key in range(200)]
    tomorrow = [
        choose_appeal(key, DAY + datetime.timedelta(days=1), candidates) for key in range(200)
    ]
    assert today != tomorrow


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        ([(1, 1), (2, 3)], {1: 0.25, 2: 0.75}),
        ([(1, 1), (2, 1), (3, 2)], {1: 0.25, 2: 0.25, 3: 0.50}),
        ([(10, 1), (20, 1)], {10: 0.5, 20: 0.5}),
        ([(4, 1), (5, 9)], {4: 0.1, 5: 0.9}),
    ],
)
def test_distribution_follows_the_weights(candidates, expected):
    observed = shares(candidates)
    assert set(observed) == set(expected)
    for appeal_id, share in expected.items():
        assert abs(observed[appeal_id] - share) <= 0.03, (appeal_id, observed)


def test_distribution_holds_on_another_day_and_with_large_ids():
    observed = shares(
        [(1_000_001, 1), (1_000_002, 3)],
        date=datetime.date(2031, 2, 28),
        keys=range(500_000, 510_000),
    )
    assert abs(observed[1_000_001] - 0.25) <= 0.03
    assert abs(observed[1_000_002] - 0.75) <= 0.03


@pytest.mark.parametrize("bad_weight", [0, -1, -100])
def test_zero_and_negative_weights_are_never_chosen(bad_weight):
    candidates = [(1, bad_weight), (2, 1), (3, bad_weight), (4, 2)]
    chosen = {choose_appeal(key, DAY, candidates) for key in range(2000)}
    assert chosen == {2, 4}


def test_only_zero_or_negative_weights_give_none():
    assert choose_appeal(1, DAY, [(1, 0), (2, -5)]) is None


@pytest.mark.parametrize("empty", [[], (), iter(())])
def test_no_candidates_give_none(empty):
    assert choose_appeal(1, DAY, empty) is None


def test_a_single_candidate_always_wins():
    assert {choose_appeal(key, DAY, [(99, 1)]) for key in range(1000)} == {99}
    assert {choose_appeal(key, DAY, [(99, 1000)]) for key in range(1000)} == {99}


def test_duplicate_ids_do_not_raise():
    # An id listed twice still returns that id, never something that was not a candidate.
    assert {choose_appeal(key, DAY, [(1, 1), (1, 1), (2, 1)]) for key in range(300)} <= {1, 2}
