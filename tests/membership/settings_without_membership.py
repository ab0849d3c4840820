"""The test settings of a site that does not install `membership`.

Used by tests/membership/test_without_membership.py in a subprocess: Django's app registry
and URLconf are set up once per process, so "not installed" needs a process of its own.
"""

from newsroom.settings.test import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "membership"]  # noqa: F405
# No appeal script to allow.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,  # noqa: F405
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "script-src": ["'none'"]},  # noqa: F405
}
# A database of its own, in memory: migrated and thrown away by the subprocess.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
