"""The settings articles reads, each with its default, so the app works in any project."""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PAGE_CACHE_SECONDS = 60


def page_cache_seconds():
    """NEWSROOM_PAGE_CACHE_SECONDS: how long shared caches may keep an anonymous page."""
    return getattr(settings, "NEWSROOM_PAGE_CACHE_SECONDS", DEFAULT_PAGE_CACHE_SECONDS)


def site_name():
    """WAGTAIL_SITE_NAME, which feeds and JSON-LD name the publisher by; "News" without it."""
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or _("News")


def seeds_dir():
    """ARTICLES_SEEDS_DIR: where import_seed looks when it is given no path; seeds/ by default."""
    return Path(getattr(settings, "ARTICLES_SEEDS_DIR", None) or Path.cwd() / "seeds")
