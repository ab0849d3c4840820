"""The front page at 0, 1, 5 and 50 articles: never a heading over nothing, and the same
number of queries whatever the number of articles."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from newsroom.home.front_page import TAG_SECTION_SIZE, front_page, most_used_tags
from tests.articles.measure import count_queries
from tests.factories import ArticlePageFactory, ImageFactory

pytestmark = pytest.mark.django_db

# Routing and the page (site, root page, restrictions…), the news index URL, the latest
# listing and its renditions: 7; with more articles than the lead shows, the top tags, and the
# tag sections with their renditions: 10.
FRONT_PAGE_BUDGET = 10
TAGS = ["Russia", "Ukraine", "Korea", "Energy", "Courts"]


def make_articles(news, n, *, image=None):
    """`n` live articles, newest last; article i carries TAGS[i % 5] and, every third, a
    second tag, so the most used tags have many articles."""
    return [
        ArticlePageFactory(
            parent=news,
            title=f"Story {i}",
            tags=[TAGS[i % len(TAGS)]] + (["Russia"] if i % 3 == 0 else []),
            lead_image=image,
            with_revision=False,
        )
        for i in range(n)
    ]


def get_soup(client):
    response = client.get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def assert_no_heading_over_nothing(soup):
    for section in soup.select("main section"):
        heading = section.find(["h2", "h3"])
        assert heading is not None
        assert section.select("li, article"), f"empty section under {heading.get_text()!r}"


def headlines(soup):
    return [a.get_text(strip=True) for a in soup.select("main h3 a")]


def test_with_no_article_it_says_so_under_no_heading(client, home):
    soup = get_soup(client)
    assert "No articles have been published yet." in soup.get_text()
    assert not soup.select("main h2, main section")


def test_with_one_article_it_is_that_story_alone(client, news):
    make_articles(news, 1)
    soup = get_soup(client)
    assert headlines(soup) == ["Story 0"]
    assert not soup.select(".latest, .tag-section")
    assert not soup.select(".front-lead--with-latest")
    assert_no_heading_over_nothing(soup)


def test_with_five_articles_a_top_story_and_the_latest_beside_it(client, news):
    make_articles(news, 5)
    soup = get_soup(client)
    assert soup.select_one(".top-story h3").get_text(strip=True) == "Story 4"
    latest = [h.get_text(strip=True) for h in soup.select(".latest-list h3")]
    assert latest == ["Story 3", "Story 2", "Story 1", "Story 0"]
    # Every article is already shown: no tag section repeats them, none stands empty.
    assert not soup.select(".tag-section")
    assert_no_heading_over_nothing(soup)


def test_with_fifty_articles_sections_for_the_most_used_tags(client, news):
    make_articles(news, 50)
    soup = get_soup(client)
    assert_no_heading_over_nothing(soup)
    sections = soup.select(".tag-section")
    names = [s.h2.get_text(strip=True) for s in sections]
    assert names == ["Russia", "Courts", "Energy"]  # most used first, then by name
    assert sections[0].h2.a["href"] == "/tags/russia/"
    shown = headlines(soup)
    assert len(shown) == len(set(shown)), "an article shown twice"
    for section in sections:
        assert 1 <= len(section.select("li")) <= TAG_SECTION_SIZE


def test_sections_leave_out_drafts_and_private_articles(client, news):
    make_articles(news, 8)
    ArticlePageFactory(parent=news, title="Draft", tags=["Secret"], live=False)
    private = [
        ArticlePageFactory(parent=news, title=f"Private {i}", tags=["Secret"], with_revision=False)
        for i in range(3)
    ]
    PageViewRestriction.objects.create(page=private[0], restriction_type="login")
    PageViewRestriction.objects.create(page=private[1], restriction_type="login")
    PageViewRestriction.objects.create(page=private[2], restriction_type="login")
    assert "Secret" not in [tag.name for tag in most_used_tags(10)]
    assert "Private" not in get_soup(client).get_text()


def test_a_tag_whose_articles_are_all_shown_gets_no_section(news, home):
    make_articles(news, 7)  # the top story and six latest: everything
    assert front_page(home).sections == []


@pytest.mark.parametrize("images", [False, True])
def test_the_query_count_is_the_same_at_1_5_and_50_articles(client, news, images):
    image = ImageFactory() if images else None
    counts = []
    made = 0
    for n in (1, 5, 50):
        make_articles(news, n - made, image=image)
        made = n
        counts.append(count_queries(client, "/"))
    assert max(counts) <= FRONT_PAGE_BUDGET, counts
    # With sections (50) it costs at most the tag sections' listing more than with none.
    assert counts[2] - counts[0] <= 3, counts


def test_front_page_query_budget_holds(client, news, django_assert_max_num_queries):
    make_articles(news, 50, image=ImageFactory())
    client.get("/")  # warm: renditions, site root paths, footer links
    with django_assert_max_num_queries(FRONT_PAGE_BUDGET):
        assert client.get("/").status_code == 200
