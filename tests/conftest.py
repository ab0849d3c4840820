import os

import pytest
from django.core.cache import caches

from tests.factories import ArticleIndexPageFactory, home_page

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _clear_cache():
    # Every alias: the page and snapshot cache, and the rate limiter's counts.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def home(db):
    return home_page()


@pytest.fixture
def news(home):
    return ArticleIndexPageFactory(parent=home)


def pytest_collection_modifyitems(config, items):
    # Under pytest-xdist (--dist loadgroup) the browser journeys run in one worker, one after
    # another: they share Chromium's CPU and must not time out against each other.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
