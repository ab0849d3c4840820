"""A site that does not install `membership` still serves articles.

Django sets up its app registry and URLconf once per process, so the site without
membership runs in a subprocess, with tests/membership/settings_without_membership.py: it
migrates an in-memory SQLite database, adds an article through the models, and fetches it
with the test client.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.membership.settings_without_membership"

SCRIPT = """
import json

import django

django.setup()

from django.apps import apps
from django.core.management import call_command
from django.test import Client

call_command("check", verbosity=0)
call_command("migrate", verbosity=0, interactive=False)

from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, home_page

news = ArticleIndexPageFactory(parent=home_page())
page = ArticlePageFactory(parent=news, title="A story without appeals")
client = Client()
response = client.get(page.url)
html = response.content.decode()
print(json.dumps({
    "installed": apps.is_installed("membership"),
    "status": response.status_code,
    "title": "A story without appeals" in html,
    "appeal_markup": [w for w in ("patron-appeal", "appeal.js", "data-appeal") if w in html],
    "csp": response.headers.get("Content-Security-Policy", ""),
    "beacon": client.post("/membership/beacon/").status_code,
}))
"""


def test_articles_render_on_a_site_without_membership():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["installed"] is False
    assert report["status"] == 200
    assert report["title"] is True
    assert report["appeal_markup"] == []
    assert "script-src 'none'" in report["csp"]  # no appeal script to allow
    assert report["beacon"] == 404  # and no membership URLs
