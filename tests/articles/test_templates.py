"""articles is a reusable app: its templates include only templates it ships itself.

A project provides base.html (which the page templates extend) and may override any template;
the card and the pagination nav come with the app, under articles/includes/.
"""

import re
from pathlib import Path

import pytest

import articles
from tests.factories import ArticlePageFactory

APP_TEMPLATES = Path(articles.__file__).parent / "templates"
INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")


def test_every_include_in_the_articles_templates_is_shipped_by_the_app():
    includes = {
        (path.relative_to(APP_TEMPLATES).as_posix(), name)
        for path in APP_TEMPLATES.rglob("*.html")
        for name in INCLUDE.findall(path.read_text(encoding="utf-8"))
    }
    assert includes, "no includes found: the pattern is out of date"
    for template, name in includes:
        assert (APP_TEMPLATES / name).is_file(), f"{template} includes {name}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/news/", "/tags/russia/", "/search/?q=Listed", "/search/?q=Listed&page=2"]
)
def test_every_listing_uses_the_apps_card_and_pagination(client, news, settings, url):
    from articles.models import ArticleSettings

    article_settings = ArticleSettings.for_site(news.get_site())
    article_settings.articles_per_page = 1
    article_settings.save()
    # Eight: more than the front page's lead (top story and latest list) holds, so it shows
    # cards in a tag section too.
    for i in range(8):
        ArticlePageFactory(parent=news, title=f"Listed {i}", tags=["Russia"], with_revision=False)

    response = client.get(url)

    assert response.status_code == 200
    used = {template.name for template in response.templates}
    assert "articles/includes/article_card.html" in used
    assert "includes/article_card.html" not in used
    assert "includes/pagination.html" not in used
    if url != "/":  # the front page has no pagination
        assert "articles/includes/pagination.html" in used
