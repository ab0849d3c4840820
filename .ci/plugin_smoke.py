"""The fresh-site check's smoke test: runs inside a `wagtail start` project with the apps
installed as README says (`.ci/plugin-check` feeds it to `manage.py shell`).

Creates a News page and two tagged articles, one with a curated Read also link to the other,
renders the article through Django's test client, renders a template with the appeal tags,
and imports the repository's seed stories from their path (NEWSROOM_SEEDS). Any failure
raises, so the shell exits non-zero.
"""

import json
import os
import re
from pathlib import Path

from django.core.management import call_command
from django.template import engines
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from wagtail.models import Page, Site

import articles
import membership
from articles.models import ArticleIndexPage, ArticlePage, ReadAlsoLink
from membership.models import Appeal, MembershipSettings

setup_test_environment()  # the test client's `context`, and "testserver" in ALLOWED_HOSTS


def check(condition, message):
    if not condition:
        raise SystemExit(f"plugin smoke test: {message}")
    print("ok:", message)


def body(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs])


for app in (articles, membership):
    check("site-packages" in app.__file__, f"{app.__name__} comes from the wheel ({app.__file__})")

site = Site.objects.get(is_default_site=True)
home = site.root_page.specific
news = home.add_child(instance=ArticleIndexPage(title="News", slug="news"))
news.save_revision().publish()

older = news.add_child(
    instance=ArticlePage(
        title="Harbour masters count the ships",
        slug="harbour-masters",
        standfirst="Ships left at dawn.",
        body=body("The first ships left at dawn.", "More followed by noon."),
    )
)
older.tags.add("Shipping")
older.save_revision().publish()

article = ArticlePage(
    title="Ports reopen after the storm",
    slug="ports-reopen",
    standfirst="Shipping resumed three days after the storm.",
    body=body("Shipping resumed on Tuesday.", "Insurers expect claims.", "Fishermen wait."),
)
news.add_child(instance=article)
article.tags.add("Storm", "Shipping")
article.read_also_links = [ReadAlsoLink(target=older, sort_order=0)]
article.save_revision().publish()
article.refresh_from_db()
check(article.live and article.url, "the article is published and has a URL")

appeal = Appeal(
    name="Default",
    heading="Support our reporting",
    body="<p>We depend on readers like you.</p>",
    cta_label="Become a patron",
    cta_url="https://example.org/support/",
    placement=Appeal.Placement.END,
    weight=1,
    live=False,
)
appeal.save()
appeal.save_revision().publish()
appeal.refresh_from_db()
appeal_settings = MembershipSettings.for_site(site)
appeal_settings.default_appeal = appeal
appeal_settings.save()

client = Client()
response = client.get(article.url)
check(response.status_code == 200, f"GET {article.url} answers 200 ({response.status_code})")
html = response.content.decode()
check(older.url in html and older.title in html, "the article shows its Read also link")
check("Storm" in html and "Shipping" in html, "the article shows its tags")
check("Support our reporting" in html, "the article shows the default appeal")
check("articles/article.css" in html, "base.html's head_extra carries the article's stylesheet")

response = client.get("/tags/storm/")
check(response.status_code == 200 and article.title in response.content.decode(), "tag page")
title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
check(title and "Storm" in title.group(1), "the tag page has a title in a plain base.html")
response = client.get(reverse("membership:sign_in"))
check(response.status_code == 200, "the patrons' sign-in page renders")

template = engines["django"].from_string(
    "{% load membership_tags %}<head>{% patron_appeal_head page %}</head>"
    "<main>{% patron_appeal page %}</main>"
)
page = Page.objects.get(pk=home.pk).specific
request = client.get("/").wsgi_request
rendered = template.render({"page": page, "request": request}, request)
check("Support our reporting" in rendered, "the appeal tag renders the appeal on another page")
check("membership/appeal" in rendered, "the appeal head tag adds its stylesheet or script")

seeds = Path(os.environ["NEWSROOM_SEEDS"])
first_story = sorted(seeds.glob("*.txt"))[0]
title = first_story.read_text(encoding="utf-8-sig").splitlines()[0].strip()
call_command("import_seed", str(seeds))
imported = ArticlePage.objects.live().filter(title=title)
check(imported.count() == 1, f"import_seed {seeds} imported “{title}”")
response = client.get(imported.get().url)
check(response.status_code == 200, "the imported story renders")
print("plugin smoke test: passed")
