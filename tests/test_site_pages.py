"""The public site as a reader (and a crawler) meets it: pages, feeds, meta and caching."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.template import loader
from django.urls import reverse
from wagtail.models import Site

from articles.models import ArticlePage, ArticleSettings
from tests.factories import (
    ArticlePageFactory,
    AuthorFactory,
    ImageFactory,
    add_read_also,
    paragraph_body,
)

pytestmark = pytest.mark.django_db

SEED_TITLE = "North Korea ships “7,000 containers of military aid to Russia”"
SEED_STANDFIRST = (
    "South Korea claims that North Korea has sent around 7,000 containers of munitions "
    "and military equipment to Russia since last year."
)
RSS_NS = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Document(HTMLParser):
    """Just enough of the DOM to check what a page declares: tags, attributes and text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs) in document order
        self.text_by_tag = {}
        self.scripts = []
        self._open = []
        self._script = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._script = {"attrs": attrs, "text": ""}
        if tag in {"h1", "h2", "h3", "title", "label", "a", "time", "p", "li", "figcaption"}:
            self._open.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                name, text = self._open.pop(i)
                self.text_by_tag.setdefault(name, []).append(" ".join(text.split()))
                break

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data
        for item in self._open:
            item[1] += data

    def find_all(self, tag, **attrs):
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def meta(self, key):
        """The content of <meta property=key> or <meta name=key>."""
        for t, a in self.elements:
            if t == "meta" and key in (a.get("property"), a.get("name")):
                return a.get("content")
        return None

    def texts(self, tag):
        return self.text_by_tag.get(tag, [])

    def json_ld(self):
        return [
            json.loads(s["text"])
            for s in self.scripts
            if s["attrs"].get("type") == "application/ld+json"
        ]


def get_doc(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response, Document(response.content.decode())


def heading_levels(doc):
    return [int(t[1]) for t, _ in doc.elements if t in {"h1", "h2", "h3", "h4", "h5", "h6"}]


def assert_accessible_skeleton(doc):
    """Landmarks, one h1, no skipped heading levels, a skip link, alt on every image."""
    tags = [t for t, _ in doc.elements]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags, f"missing <{landmark}>"
    assert len(doc.texts("h1")) == 1, doc.texts("h1")
    levels = heading_levels(doc)
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading order jumps: {levels}"
    assert doc.find_all("a", href="#main"), "no skip link"
    assert doc.find_all("main", id="main")
    for attrs in doc.find_all("img"):
        assert "alt" in attrs, attrs
    html_attrs = doc.find_all("html")[0]
    assert html_attrs.get("lang") == "en"


@pytest.fixture
def seed_story(news):
    """The seed story, as the importer would leave it (headline, standfirst, source, tags)."""
    return ArticlePageFactory(
        parent=news,
        title=SEED_TITLE,
        slug="north-korea-ships-7000-containers",
        standfirst=SEED_STANDFIRST,
        source_label="Sky News",
        body=paragraph_body(
            "South Korea has claimed that North Korea has sent approximately 7,000 containers "
            "filled with munitions and military equipment to Russia since last year, "
            "Sky News reports.",
            "Mr. Shin stated that North Korea initially used ships.",
        ),
        tags=["North Korea", "Russia", "Україна"],
    )


@pytest.fixture
def per_page(home):
    def set_per_page(n):
        settings = ArticleSettings.for_site(Site.objects.get(is_default_site=True))
        settings.articles_per_page = n
        settings.save()

    return set_per_page


# The front page


def test_front_page_leads_with_the_top_story_then_latest_cards(client, news, seed_story):
    older = ArticlePageFactory(parent=news, title="An older story", standfirst="Older news.")
    ArticlePage.objects.filter(pk=older.pk).update(
        first_published_at=seed_story.first_published_at - timedelta(days=1)
    )
    response, doc = get_doc(client, "/")
    html = response.content.decode()
    assert_accessible_skeleton(doc)
    assert SEED_TITLE in doc.texts("h3")[0]
    assert SEED_STANDFIRST in html
    assert doc.find_all("a", href=seed_story.url)
    # The latest list beside it: each headline with its link, date and source (no standfirst:
    # a compact list).
    assert "An older story" in doc.texts("h3")
    assert doc.find_all("a", href=older.url)
    assert "Older news." not in html
    assert "Source: Sky News" in html
    assert doc.find_all("time")
    # A way on to the full listing.
    assert doc.find_all("a", href=news.url)
    assert doc.texts("title") == ["Newsroom"]


def test_front_page_honours_the_editors_top_story(client, home, news, seed_story):
    chosen = ArticlePageFactory(parent=news, title="The editor's pick")
    ArticlePage.objects.filter(pk=chosen.pk).update(
        first_published_at=seed_story.first_published_at - timedelta(days=3)
    )
    home.top_story = chosen
    home.save_revision().publish()
    _, doc = get_doc(client, "/")
    assert doc.texts("h3")[0] == "The editor's pick"


def test_front_page_without_articles_says_so(client, home):
    response, doc = get_doc(client, "/")
    assert_accessible_skeleton(doc)
    assert "No articles have been published yet." in response.content.decode()


def test_cards_show_the_lead_image_from_the_prefetched_renditions(client, news):
    image = ImageFactory(title="Containers at the port")
    ArticlePageFactory(parent=news, title="With a picture", lead_image=image)
    response, doc = get_doc(client, "/")
    imgs = doc.find_all("img")
    assert imgs and imgs[0]["alt"] == "Containers at the port"
    assert "fill-480x270" in imgs[0]["src"] or "fill-480x270" in imgs[0].get("srcset", "")


# The news listing


def test_news_listing_paginates_with_an_accessible_nav(client, news, per_page):
    per_page(2)
    for i in range(5):
        ArticlePageFactory(parent=news, title=f"Story {i}")
    _, first = get_doc(client, news.url)
    assert_accessible_skeleton(first)
    assert len(first.texts("h2")) == 2
    assert first.find_all("nav", aria_label="Pages")
    assert first.find_all("a", rel="next", href="?page=2")
    assert not first.find_all("a", rel="prev")
    assert first.find_all("a", aria_current="page")

    _, second = get_doc(client, news.url + "?page=2")
    assert len(second.texts("h2")) == 2
    assert second.find_all("a", rel="prev", href=news.url)
    assert second.find_all("a", rel="next", href="?page=3")
    canonical = second.find_all("link", rel="canonical")[0]["href"]
    assert canonical.endswith(news.url + "?page=2")


@pytest.mark.parametrize(("query", "expected_page"), [("x", 1), ("999", 3), ("-1", 3), ("", 1)])
def test_news_listing_bad_page_numbers_fall_back_gracefully(
    client, news, per_page, query, expected_page
):
    per_page(2)
    for i in range(5):
        ArticlePageFactory(parent=news, title=f"Story {i}")
    response, doc = get_doc(client, f"{news.url}?page={query}")
    assert f"Page {expected_page} of 3" in response.content.decode()


@pytest.mark.parametrize(
    ("page", "shown"),
    [(None, 1), ("2", 2), ("x", 1), ("", 1), ("0", 3), ("-1", 3), ("999", 3), ("1.5", 1)],
)
@pytest.mark.parametrize("url", ["/news/", "/tags/russia/"])
def test_any_page_number_shows_a_page_of_the_listing(client, news, per_page, url, page, shown):
    """A bad or out-of-range ?page= falls back to the first or the last page, never a 404."""
    per_page(1)
    for i in range(3):
        ArticlePageFactory(parent=news, title=f"Listed {i}", tags=["Russia"], with_revision=False)
    query = {} if page is None else {"page": page}
    response = client.get(url, query)
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


def test_tag_pages_paginate_with_plain_page_links(client, news, per_page):
    per_page(1)
    ArticlePageFactory(parent=news, title="Tagged one", tags=["Russia"])
    ArticlePageFactory(parent=news, title="Tagged two", tags=["Russia"])
    ArticlePageFactory(parent=news, title="Untagged")
    response, doc = get_doc(client, "/tags/russia/")
    assert "Untagged" not in response.content.decode()
    assert doc.find_all("a", rel="next", href="?page=2")
    response, doc = get_doc(client, "/tags/russia/?page=2")
    assert doc.find_all("a", rel="prev", href="/tags/russia/")


def test_a_hostile_tag_in_the_old_news_filter_is_a_plain_404(client, news):
    ArticlePageFactory(parent=news, title="Some story")
    response = client.get(news.url + "?tag=<nope>", follow=True)
    assert response.redirect_chain == [("/tags/%3Cnope%3E/", 301)]
    assert response.status_code == 404
    assert "<nope>" not in response.content.decode()


# Tag pages


def test_tag_page_lists_its_articles_and_links_its_feed(client, news, seed_story):
    ArticlePageFactory(parent=news, title="Not about Russia", tags=["Sport"])
    response, doc = get_doc(client, "/tags/russia/")
    html = response.content.decode()
    assert_accessible_skeleton(doc)
    assert doc.texts("h1") == ["Articles tagged Russia"]
    assert SEED_TITLE in doc.texts("h2")
    assert "Not about Russia" not in html
    feed_url = reverse("articles:tag_feed", args=["russia"])
    assert doc.find_all("a", href=feed_url)
    assert doc.find_all("link", rel="alternate", href=feed_url)
    canonical = doc.find_all("link", rel="canonical")[0]["href"]
    assert canonical == "http://localhost/tags/russia/"


def test_a_unicode_tag_has_its_own_page(client, seed_story):
    url = reverse("articles:tag", args=["україна"])
    assert url == "/tags/%D1%83%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0/"
    _, doc = get_doc(client, url)
    assert doc.texts("h1") == ["Articles tagged Україна"]
    assert SEED_TITLE in doc.texts("h2")
    # The article links to the same address.
    _, article = get_doc(client, seed_story.url)
    assert article.find_all("a", href=url)


def test_unknown_tag_and_draft_only_tag_are_not_found(client, news):
    ArticlePageFactory(parent=news, title="Draft", tags=["Secret"], live=False)
    client.get("/tags/no-such-tag/")
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/tags/secret/").status_code == 404


def test_tag_page_paginates(client, news, per_page):
    per_page(2)
    for i in range(3):
        ArticlePageFactory(parent=news, title=f"Russia story {i}", tags=["Russia"])
    _, doc = get_doc(client, "/tags/russia/?page=2")
    assert len(doc.texts("h2")) == 1
    assert doc.find_all("a", rel="prev", href="/tags/russia/")
    assert client.get("/tags/russia/?page=x").status_code == 200
    assert client.get("/tags/russia/?page=999").status_code == 200


# Search


def test_search_finds_an_article_by_a_word_of_its_body(client, seed_story):
    response, doc = get_doc(client, "/search/?q=containers")
    html = response.content.decode()
    assert_accessible_skeleton(doc)
    assert "1 result for “containers”" in html
    assert doc.find_all("a", href=seed_story.url)
    # The search field is labelled and keeps the query.
    assert doc.find_all("label", **{"for": "search-q"})
    assert doc.find_all("input", id="search-q", value="containers")
    assert doc.meta("robots") == "noindex"


def test_search_without_a_query_shows_the_form(client, home):
    response, doc = get_doc(client, "/search/")
    assert "Type a word or two" in response.content.decode()
    assert doc.find_all("input", id="search-q")
    response, _ = get_doc(client, "/search/?q=")
    assert "Type a word or two" in response.content.decode()
    response, _ = get_doc(client, "/search/?q=%20%20%20")
    assert "Type a word or two" in response.content.decode()


def test_search_with_no_match_says_so(client, seed_story):
    response, _ = get_doc(client, "/search/?q=zebra")
    html = response.content.decode()
    assert "0 results for “zebra”" in html
    assert "No articles match your search." in html


@pytest.mark.parametrize(
    "query",
    [
        "containers " * 2000,
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "' OR 1=1 --",
        'AND OR NOT ( ) " * : ^ ~ - + | & !',
        "Україна 🇺🇦",
        '"',
        "\\",
    ],
)
def test_search_survives_huge_and_hostile_queries(client, seed_story, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


def test_search_with_a_nul_character_is_a_bad_request_not_an_error(client, seed_story):
    # RejectNullCharactersMiddleware answers 400 before the search runs.
    assert client.get("/search/", {"q": "\x00"}).status_code == 400


def test_search_paginates_and_keeps_the_query(client, news, per_page):
    per_page(2)  # the search view has its own page size; only the links are checked here
    for i in range(25):
        ArticlePageFactory(parent=news, title=f"Containers story {i}")
    _, doc = get_doc(client, "/search/?q=containers")
    assert doc.find_all("a", rel="next", href="?q=containers&page=2")
    _, second = get_doc(client, "/search/?q=containers&page=2")
    assert second.find_all("a", rel="prev", href="?q=containers")
    assert client.get("/search/?q=containers&page=x").status_code == 200
    assert client.get("/search/?q=containers&page=999").status_code == 200


# Feeds, sitemap, robots


def parse_rss(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "rss"
    return root.find("channel")


def test_site_feed_is_well_formed_rss_with_the_latest_articles(client, news, seed_story):
    ArticlePageFactory(parent=news, title="A draft", live=False)
    ArticlePageFactory(parent=news, title="Fish & <chips>", standfirst="Tom & Jerry <3")
    channel = parse_rss(client.get("/feed/"))
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert SEED_TITLE in titles
    assert "Fish & <chips>" in titles
    assert "A draft" not in titles
    item = next(i for i in channel.findall("item") if i.findtext("title") == SEED_TITLE)
    assert item.findtext("link").endswith(seed_story.url)
    assert item.findtext("description") == SEED_STANDFIRST
    assert item.findtext("pubDate")


def test_tag_feed_is_well_formed_and_only_has_that_tag(client, news, seed_story):
    ArticlePageFactory(parent=news, title="Sport story", tags=["Sport"])
    channel = parse_rss(client.get("/tags/russia/feed/"))
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [SEED_TITLE]
    assert "Russia" in channel.findtext("title")
    channel = parse_rss(client.get(reverse("articles:tag_feed", args=["україна"])))
    assert [item.findtext("title") for item in channel.findall("item")] == [SEED_TITLE]
    assert client.get("/tags/no-such-tag/feed/").status_code == 404


def test_every_page_links_the_site_feed(client, seed_story):
    for url in ("/", seed_story.url, "/tags/russia/", "/search/?q=x"):
        _, doc = get_doc(client, url)
        assert doc.find_all("link", rel="alternate", type="application/rss+xml", href="/feed/")


def test_sitemap_lists_live_pages_only(client, news, seed_story):
    ArticlePageFactory(parent=news, title="Unpublished", slug="unpublished", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    locations = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert seed_story.full_url in locations
    assert not any("unpublished" in loc for loc in locations)


def test_robots_txt_points_at_the_sitemap(client, home):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.parametrize("url", ["/search/", "/search/?q=containers", "/robots.txt"])
def test_head_requests_are_answered_like_get(client, seed_story, url):
    # Monitors, caches and link checkers send HEAD.
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""
    assert client.post(url).status_code == 405


# Errors


def test_404_page_is_in_the_site_style(client, home):
    response, doc = get_doc(client, "/no/such/page/", status=404)
    assert_accessible_skeleton(doc)
    assert doc.texts("h1") == ["Page not found"]
    assert doc.find_all("input", id="search-q")
    assert doc.meta("robots") == "noindex"


def test_500_page_renders_with_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    doc = Document(html)
    assert doc.texts("h1") == ["Something went wrong"]
    assert doc.find_all("a", href="/")
    assert "{{" not in html and "{%" not in html


# The article page


@pytest.fixture
def full_article(news):
    image = ImageFactory(title="Containers")
    author = AuthorFactory(name="Olena Kovalenko", bio="Covers the war.")
    target = ArticlePageFactory(parent=news, title="Mapping the ammo route", tags=["Russia"])
    page = ArticlePageFactory(
        parent=news,
        title="Shipments continue",
        slug="shipments-continue",
        standfirst="More containers went by rail.",
        source_label="Sky News",
        lead_image=image,
        lead_image_alt="Shipping containers on a quay",
        lead_image_caption="The port of Rajin",
        lead_image_credit="Reuters",
        tags=["Russia", "North Korea"],
        body=json.dumps(
            [
                {"type": "paragraph", "value": "<p>First paragraph.</p>"},
                {"type": "heading", "value": "What we know"},
                {"type": "quote", "value": {"text": "It goes on.", "attribution": "Mr. Shin"}},
                {"type": "read_also", "value": {"article": target.pk}},
                {"type": "paragraph", "value": "<p>Last paragraph.</p>"},
            ]
        ),
    )
    from articles.models import ArticleAuthor

    page.article_authors = [ArticleAuthor(author=author, sort_order=0)]
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk), target


def test_article_page_shows_the_story(client, full_article):
    page, target = full_article
    response, doc = get_doc(client, page.url)
    html = response.content.decode()
    assert_accessible_skeleton(doc)
    assert doc.texts("h1") == ["Shipments continue"]
    assert "More containers went by rail." in html
    assert "By Olena Kovalenko" in doc.texts("p")
    assert "Source: Sky News" in doc.texts("p")
    times = doc.find_all("time")
    assert times[0]["datetime"].startswith(str(page.first_published_at.year))
    assert "Updated" not in html
    # Lead image with its alt text, caption and credit.
    lead = doc.find_all("img", alt="Shipping containers on a quay")
    assert lead and "srcset" in lead[0]
    assert "The port of Rajin Photo: Reuters" in doc.texts("figcaption")
    # Body blocks in order, the heading as an h2, the quote as a blockquote.
    assert (
        html.index("First paragraph.") < html.index("What we know") < html.index("Last paragraph.")
    )
    assert "What we know" in doc.texts("h2")
    assert doc.find_all("blockquote")
    assert "Read also: Mapping the ammo route" in doc.texts("p")
    # Tags link to their pages; the Read also aside links the related story.
    assert doc.find_all("a", href="/tags/russia/", rel="tag")
    assert doc.find_all("a", href="/tags/north-korea/", rel="tag")
    assert "Read also" in doc.texts("h2")
    assert doc.find_all("a", href=target.url)
    # About the author.
    assert "About the author" in doc.texts("h2")
    assert "Olena Kovalenko" in doc.texts("h3")
    assert "Covers the war." in html


def test_article_shows_when_it_was_updated(client, full_article):
    page, _ = full_article
    ArticlePage.objects.filter(pk=page.pk).update(
        last_published_at=page.first_published_at + timedelta(hours=2)
    )
    response, doc = get_doc(client, page.url)
    assert "Updated" in response.content.decode()
    assert len(doc.find_all("time")) == 2


def test_read_also_leaves_out_drafts_for_readers(client, news):
    draft = ArticlePageFactory(parent=news, title="Still a draft", live=False)
    live = ArticlePageFactory(parent=news, title="Already out")
    page = add_read_also(ArticlePageFactory(parent=news, title="Main story"), draft, live)
    response, doc = get_doc(client, page.url)
    html = response.content.decode()
    assert "Already out" in html
    assert "Still a draft" not in html
    assert "hidden from readers" not in html


def test_article_has_canonical_open_graph_and_twitter_meta(client, full_article):
    page, _ = full_article
    _, doc = get_doc(client, page.url)
    canonical = doc.find_all("link", rel="canonical")
    assert [link["href"] for link in canonical] == [page.full_url]
    assert page.full_url.startswith("http://localhost/")
    assert doc.meta("description") == "More containers went by rail."
    assert doc.meta("og:type") == "article"
    assert doc.meta("og:title") == "Shipments continue"
    assert doc.meta("og:description") == "More containers went by rail."
    assert doc.meta("og:url") == page.full_url
    assert doc.meta("og:site_name") == "Newsroom"
    og_image = doc.meta("og:image")
    assert og_image.startswith("http://localhost/") and "fill-1200x630" in og_image
    assert doc.meta("og:image:alt") == "Shipping containers on a quay"
    assert doc.meta("twitter:card") == "summary_large_image"
    assert doc.meta("twitter:image") == og_image
    assert doc.meta("article:published_time")
    assert doc.texts("title") == ["Shipments continue | Newsroom"]


def test_article_has_news_article_json_ld(client, full_article):
    page, _ = full_article
    _, doc = get_doc(client, page.url)
    (data,) = doc.json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Shipments continue"
    assert data["description"] == "More containers went by rail."
    assert data["datePublished"] == page.first_published_at.isoformat()
    assert data["dateModified"] == page.last_published_at.isoformat()
    assert data["image"] == [doc.meta("og:image")]
    assert data["author"] == [{"@type": "Person", "name": "Olena Kovalenko"}]
    assert data["publisher"]["name"] == "Newsroom"
    assert data["mainEntityOfPage"]["@id"] == page.full_url


def test_seo_fields_win_over_headline_and_standfirst(client, news):
    page = ArticlePageFactory(
        parent=news,
        title="Headline",
        seo_title="Search headline",
        search_description="Search description",
    )
    _, doc = get_doc(client, page.url)
    assert doc.texts("title") == ["Search headline | Newsroom"]
    assert doc.meta("description") == "Search description"
    assert doc.json_ld()[0]["description"] == "Search description"


XSS = '<script>alert("x")</script>'


def test_hostile_title_standfirst_and_tag_are_escaped_everywhere(client, news):
    page = ArticlePageFactory(
        parent=news,
        title=f"Title {XSS}",
        standfirst=f'Standfirst "><img src=x onerror=alert(1)> {XSS}',
        source_label=XSS,
        lead_image_alt=XSS,
        tags=[f"Tag {XSS}"],
    )
    tag = page.tags.get()
    urls = [
        "/",
        news.url,
        page.url,
        reverse("articles:tag", args=[tag.slug]),
        "/search/?q=Title",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url
    # JSON-LD stays parseable and cannot close its <script> element.
    response, doc = get_doc(client, page.url)
    (data,) = doc.json_ld()
    assert data["headline"] == f"Title {XSS}"
    assert "\\u003c/script\\u003e" in response.content.decode()
    # Feeds escape it as XML.
    channel = parse_rss(client.get("/feed/"))
    assert channel.find("item").findtext("title") == f"Title {XSS}"


# Caching: the same bytes for every anonymous reader


def public_urls(news, page):
    return ["/", news.url, news.url + "?page=2", page.url, "/tags/russia/", "/search/?q=ships"]


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_it(client, news, full_article):
    page, _ = full_article
    for url in public_urls(news, page):
        response = client.get(url)
        assert response.status_code == 200, url
        vary = response.get("Vary", "")
        assert "Cookie" not in vary, (url, vary)
        assert "csrftoken" not in response.cookies, url
        assert "sessionid" not in response.cookies, url
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html, url
        assert "wagtail-userbar" not in html, url


def test_anonymous_html_is_byte_identical_for_every_reader(client, news, full_article):
    from django.test import Client

    page, _ = full_article
    for url in public_urls(news, page):
        first = Client().get(url)
        second = Client(HTTP_ACCEPT_LANGUAGE="en-GB", HTTP_USER_AGENT="Other").get(url)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content, url


def test_public_pages_are_cacheable(client, news, full_article):
    page, _ = full_article
    for url in ("/", news.url, page.url, "/tags/russia/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "public" in cache_control, url
        assert "max-age" in cache_control, url


def test_the_imported_seed_story_with_its_appeal_is_still_the_same_for_every_reader(client, home):
    from django.core.management import call_command
    from django.test import Client

    call_command("import_seed", verbosity=0)
    story = ArticlePage.objects.live().get(title=SEED_TITLE)
    first = Client().get(story.url)
    second = Client(HTTP_USER_AGENT="Another reader").get(story.url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "Cookie" not in first.get("Vary", "")
    assert "csrftoken" not in first.cookies
    doc = Document(first.content.decode())
    assert doc.texts("h1") == [SEED_TITLE]
    assert "Source: Sky News" in doc.texts("p")
    # The appeal passage shows only inside the appeal, never as a paragraph of the story.
    html = first.content.decode()
    outside_appeals = re.sub(r'<aside class="patron-appeal.*?</aside>', "", html, flags=re.S)
    assert "You could close this page" not in outside_appeals
    assert doc.find_all("a", href="/tags/russia/", rel="tag")
