from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = LOCAL_CACHES  # noqa: F405 - even with REDIS_URL set
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Production's task table is in the test database from its creation, so the gunicorn servers
# that tests start with the production settings find it, and its content types are in the
# snapshot that serialized rollback restores (a `migrate` run by a test would commit new ones).
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
# Tests never reach the network: embeds come from a local finder.
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embed_finder.LocalEmbedFinder"}]
ALLOWED_HOSTS = ["*"]
# Serve static files straight from the apps; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The page cache is off here: most tests render a page, change it and render it again, and the
# query-count tests measure rendering. tests/test_page_cache.py switches it on.
ARTICLES_PAGE_CACHE = False
