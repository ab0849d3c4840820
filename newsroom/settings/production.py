import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set it in the environment to a long random value, e.g. "
        "export SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# A load balancer probes the health check over plain HTTP, on the server's own address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Each worker keeps its database connection for a minute instead of opening one per request
# (bench/run.py: about 2 ms of an uncached page's server CPU on SQLite, more over the network to
# PostgreSQL); Django checks a kept connection before a request reuses it, so a database restart
# fails no request. DATABASE_CONN_MAX_AGE=0 opens one per request again.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Background work (emails to members, Wagtail's index updates) waits in the database until
# `manage.py db_worker` runs it, so a slow mail server never holds a request.
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)  # noqa: F405
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # noqa: F405
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Seconds: a mail server that hangs must not hold the worker for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # noqa: F405

# Uploaded images and documents (and Wagtail's renditions): files under MEDIA_ROOT, which every
# app server must then share (a network volume), or, when MEDIA_S3_BUCKET is set, objects in an
# S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, ...) through django-storages. Credentials
# are boto3's own: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or the
# machine's role. Media URLs carry no signature, so the bucket (or the CDN at
# MEDIA_S3_CUSTOM_DOMAIN) serves them publicly; an upload never replaces another's file.
# Static files stay with whitenoise.
if MEDIA_S3_BUCKET := os.environ.get("MEDIA_S3_BUCKET", "").strip():
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": MEDIA_S3_BUCKET,
                # Empty: AWS itself, in the region below.
                "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL", "").strip() or None,
                "region_name": os.environ.get("MEDIA_S3_REGION", "").strip() or None,
                # e.g. media.example.org, a CDN or the bucket's public host: media URLs use it.
                "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "").strip() or None,
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,  # the bucket's policy decides who reads
            },
        },
    }

# JSON lines to stdout, each with its request's id (newsroom.logging), and one access line per
# request from newsroom.request_id (gunicorn's own access log is off: it would print addresses
# and query strings). NEWSROOM_ACCESS_LOG=false leaves the access lines out.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "newsroom.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "newsroom.access": {
            "handlers": ["stdout"],
            "level": "INFO" if env_bool("NEWSROOM_ACCESS_LOG", True) else "WARNING",  # noqa: F405
            "propagate": False,
        },
    },
}
