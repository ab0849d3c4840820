"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from membership.assets import SCRIPTS, STATIC_DIR, file_hash

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name, default):
    """A yes/no variable: any case, surrounding spaces ignored; unset or empty is `default`."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: "
        f"use one of {', '.join(TRUE_WORDS + FALSE_WORDS)}."
    )


def env_int(name, default):
    """A whole number of at least 0; unset or empty is `default`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} is not a whole number (0 or more)."
        )
    return int(value)


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom",
    "newsroom.home",
    "articles",
    "membership",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so every response, a redirect to HTTPS included, has an id and an access line.
    "newsroom.request_id.RequestIdMiddleware",
    # The page cache (articles.page_cache): stores last, after every other middleware has
    # added its headers, and answers right after the redirect to HTTPS, so a hit skips the
    # rest (its stored response already carries their headers) and never touches the session.
    "articles.page_cache.UpdatePageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "articles.page_cache.FetchFromPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "newsroom.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Hands Wagtail's serve view the Site and page of a path served before (articles.routing).
    "articles.routing.RouteCacheMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site_name",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# SQLite in the repository folder by default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Locmem by default; REDIS_URL switches to Redis, shared by every app server. Pages read
# through "default", which fails open: with Redis down or hanging, reads miss and writes are
# dropped (newsroom.cache), so pages render from the database. Rate limits count in
# "ratelimit", where Redis errors raise, so a limiter can refuse what it cannot count.
LOCAL_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
    },
}
if os.environ.get("REDIS_URL"):
    redis_server = {
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        # Seconds: a dead or hanging Redis costs a fraction of a second, not a request.
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    CACHES = {
        "default": {"BACKEND": "newsroom.cache.FailOpenRedisCache", **redis_server},
        "ratelimit": {"BACKEND": "newsroom.cache.FailFastRedisCache", **redis_server},
    }
else:
    CACHES = LOCAL_CACHES
MEMBERSHIP_RATELIMIT_CACHE = "ratelimit"

# Payments: each part works when its own key is set, and is off without it.
MEMBERSHIP_STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
MEMBERSHIP_STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
MEMBERSHIP_PATREON_WEBHOOK_SECRET = os.environ.get("PATREON_WEBHOOK_SECRET", "")
MEMBERSHIP_PATREON_CAMPAIGN_URL = os.environ.get("PATREON_CAMPAIGN_URL", "")

# Background work (django-tasks): emails to members, and Wagtail's own index updates. Here it
# runs inline, in the request; production queues it in the database for a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_I18N_ENABLED = False
# The admin's dashboard asks wagtail.org for the latest release: a call to a third party from
# every editor's browser. Off unless asked for: a yes/no, or "lts" for long-term releases only.
WAGTAIL_ENABLE_UPDATE_CHECK = (
    "lts"
    if os.environ.get("WAGTAIL_ENABLE_UPDATE_CHECK", "").strip().lower() == "lts"
    else env_bool("WAGTAIL_ENABLE_UPDATE_CHECK", False)
)

# Tags: "Russia" and "russia" are one tag.
TAGGIT_CASE_INSENSITIVE = True

# Purging a CDN or reverse proxy when pages are published or unpublished
# (wagtail.contrib.frontend_cache). NEWSROOM_PURGE_URL is an HTTP cache that accepts PURGE
# requests, such as Varnish or nginx; without it, nothing is purged.
WAGTAILFRONTENDCACHE = {
    # The app's own page cache: the same purge list deletes its copies.
    "pages": {"BACKEND": "articles.page_cache.PageCacheBackend"},
}
if os.environ.get("NEWSROOM_PURGE_URL"):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["NEWSROOM_PURGE_URL"],
    }

# The proxies (CDN, load balancer) in front of gunicorn that append to X-Forwarded-For: the
# appeal beacon's rate limit keys on the address they saw.
MEMBERSHIP_TRUSTED_PROXY_COUNT = env_int("MEMBERSHIP_TRUSTED_PROXY_COUNT", 0)

# Where import_seed looks when it is given no path.
NEWSROOM_SEEDS_DIR = Path(os.environ.get("NEWSROOM_SEEDS_DIR", BASE_DIR / "seeds"))
ARTICLES_SEEDS_DIR = NEWSROOM_SEEDS_DIR

# Anonymous pages are the same for everyone, so shared caches (a CDN, a reverse proxy) may
# hold them; publishing purges them. Browsers keep a copy for half a minute.
NEWSROOM_PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 60)
ARTICLES_CACHE_S_MAXAGE = NEWSROOM_PAGE_CACHE_SECONDS
# The app's own page cache of anonymous pages (articles.page_cache), in the "default" cache for
# s-maxage: a hit costs no query. A session cookie, the patron cookie (patrons see no appeal)
# or a message waiting to be shown (Django's cookie message storage) bypasses it.
ARTICLES_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
ARTICLES_PAGE_CACHE_BYPASS_COOKIES = ["membership_patron", "messages"]

# Content Security Policy for the public site (django-csp). Scripts run only by hash: the
# appeal's and the topics page's scripts are loaded with integrity="" of the same hash
# (membership.assets, whose check fails if a script as served has another). No per-request
# nonce, so pages stay cacheable. The Wagtail admin and documents keep their own rules, and
# the error pages (newsroom.views.server_error) style themselves inline and carry no policy.
# NEWSROOM_CSP_REPORT_URI has browsers report what the policy blocks (or would block);
# NEWSROOM_CSP_REPORT_ONLY sends the policy as Content-Security-Policy-Report-Only, which
# blocks nothing: to try a change of policy on real readers first.
NEWSROOM_CSP = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/documents/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [f"'{file_hash(STATIC_DIR / script)}'" for script in SCRIPTS],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https:"],
        "media-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Stripe's Checkout and customer portal: our forms redirect there.
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
        "frame-ancestors": [SELF],
    },
}

if os.environ.get("NEWSROOM_CSP_REPORT_URI"):
    NEWSROOM_CSP["DIRECTIVES"]["report-uri"] = [os.environ["NEWSROOM_CSP_REPORT_URI"]]
if env_bool("NEWSROOM_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = NEWSROOM_CSP
else:
    CONTENT_SECURITY_POLICY = NEWSROOM_CSP
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# Our own loggers and third-party ones go to the console; Django's "django" logger keeps its
# own handlers (and stops there), so runserver lines are not printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
