"""articles.pagination.paginate: the requested page of a listing, whatever ?page= says."""

import pytest
from django.test import RequestFactory

from articles import pagination
from articles.models import pages


@pytest.mark.parametrize(
    ("page", "expected"),
    [(None, 1), ("2", 2), ("x", 1), ("", 1), ("0", 3), ("-1", 3), ("999", 3), ("1.5", 1)],
)
def test_paginate_falls_back_gracefully(page, expected):
    query = {} if page is None else {"page": page}
    request = RequestFactory().get("/", query)
    result = pagination.paginate(request, list(range(25)), 10)
    assert result.number == expected
    assert result.paginator.num_pages == 3


def test_paginate_is_defined_once_outside_the_models():
    assert pagination.paginate.__module__ == "articles.pagination"
    # The models use it; they don't define their own.
    assert getattr(pages, "paginate", pagination.paginate) is pagination.paginate
