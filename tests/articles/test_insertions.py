"""The articles body-insertion seam: where insertions go, and articles without a provider."""

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from articles import insertions
from articles.insertions import Insertion, body_items, inline_slot
from articles.models import ArticlePage
from membership.models import Appeal, MembershipSettings
from membership.placement import appeal_insertions
from tests.factories import ArticlePageFactory, paragraph_body
from tests.membership.factories import AppealFactory

P, H, IMG, Q, EMB, RA = "paragraph", "heading", "image", "quote", "embed", "read_also"
ARTICLES_DIR = Path(__file__).resolve().parents[2] / "articles"


# --- inline_slot: pure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "after", "slot"),
    [
        ([P, P, P, P, P], 1, 0),
        ([P, P, P, P, P], 3, 2),
        ([P, P, P, P, P], 4, 3),
        # After the last paragraph there is nothing to stand between.
        ([P, P, P, P, P], 5, None),
        ([P, P, P], 4, None),
        ([P, P, P], 100, None),
        # Never straight after a paragraph that a heading, image, quote, embed or Read also follows.
        ([P, H, P, P], 1, 2),
        ([P, IMG, P, P], 1, 2),
        ([P, Q, P, P], 1, 2),
        ([P, EMB, P, P], 1, 2),
        ([P, RA, P, P], 1, 2),
        # N counts paragraph blocks, not blocks.
        ([H, P, IMG, P, P, P], 1, 3),
        ([H, P, IMG, P, P, P], 2, 3),
        ([H, P, IMG, P, P, P], 3, 4),
        ([H, P, IMG, P, P, P], 4, None),
        # Moves on to the *next* gap between two paragraphs, never back.
        ([P, P, P, H, P, Q, P, P], 3, 6),
        ([P, P, P, H, P, Q, P, P], 2, 1),
        # The seed story's shape: paragraph, Read also, paragraph, paragraph.
        ([P, RA, P, P], 1, 2),
        ([P, RA, P, P], 2, 2),
        ([P, RA, P, P], 3, None),
        # No two paragraphs side by side: no slot at all.
        ([P, IMG, P, Q, P, EMB, P, RA, P, H, P], 1, None),
        ([P], 1, None),
        ([], 1, None),
        ([H, IMG], 1, None),
    ],
)
def test_inline_slot(types, after, slot):
    assert inline_slot(types, after) == slot
    if slot is not None:
        assert types[slot] == P and types[slot + 1] == P


@pytest.mark.parametrize("after", [0, -1, None])
def test_inline_slot_needs_a_positive_paragraph_number(after):
    assert inline_slot([P, P, P], after) is None


# --- body_items: pure --------------------------------------------------------------------------


def blocks(*types):
    return [
        SimpleNamespace(block_type=block_type, name=f"{block_type}{i}")
        for i, block_type in enumerate(types)
    ]


def layout(items):
    """The body as a list of block names and insertion HTML, in order."""
    return [item.html if item.html else item.block.name for item in items]


def both(after, key="appeal-1"):
    return [
        Insertion(html="INLINE", after_paragraph=after, key=key),
        Insertion(html="END", key=key),
    ]


def test_inline_insertion_goes_after_paragraph_n():
    items, end = body_items(blocks(P, P, P, P), [Insertion(html="X", after_paragraph=2, key="a")])
    assert layout(items) == ["paragraph0", "paragraph1", "X", "paragraph2", "paragraph3"]
    assert end == []


def test_inline_insertion_moves_past_a_read_also_in_the_seed_shape():
    items, end = body_items(blocks(P, RA, P, P), [Insertion(html="X", after_paragraph=1, key="a")])
    assert layout(items) == ["paragraph0", "read_also1", "paragraph2", "X", "paragraph3"]
    assert end == []


@pytest.mark.parametrize("neighbour", [H, IMG, Q, EMB, RA])
def test_inline_insertion_never_stands_next_to_other_blocks(neighbour):
    types = [P, neighbour, P, neighbour, P, P, neighbour]
    items, _end = body_items(blocks(*types), [Insertion(html="X", after_paragraph=1, key="a")])
    names = layout(items)
    at = names.index("X")
    assert names[at - 1].startswith(P) and names[at + 1].startswith(P)
    assert names[at - 1] == "paragraph4"


def test_both_with_a_slot_shows_inline_and_at_the_end():
    items, end = body_items(blocks(P, P, P), both(1))
    assert layout(items) == ["paragraph0", "INLINE", "paragraph1", "paragraph2"]
    assert end == ["END"]


@pytest.mark.parametrize("types", [(P, IMG, P), (P,), (), (P, P), (H, RA)])
def test_both_without_a_slot_renders_once_at_the_end(types):
    items, end = body_items(blocks(*types), both(2))
    assert all(not item.html for item in items)
    assert end == ["END"]


def test_both_without_a_slot_renders_once_whatever_the_order():
    inline, at_end = both(1)
    items, end = body_items(blocks(P, H, P), [at_end, inline])
    assert all(not item.html for item in items)
    assert end == ["END"]


def test_inline_only_without_a_slot_falls_back_to_the_end_once():
    items, end = body_items(blocks(P, IMG, P), [Insertion(html="X", after_paragraph=1, key="a")])
    assert all(not item.html for item in items)
    assert end == ["X"]


def test_different_insertions_without_a_slot_all_reach_the_end():
    items, end = body_items(
        blocks(P, Q, P),
        [
            Insertion(html="A", after_paragraph=1, key="a"),
            Insertion(html="B", after_paragraph=1, key="b"),
            Insertion(html="C", after_paragraph=1),
            Insertion(html="D", after_paragraph=1),
        ],
    )
    assert end == ["A", "B", "C", "D"]


def test_body_items_keeps_every_block_in_order():
    body = blocks(H, P, IMG, P, P, Q, P, RA, P)
    items, _end = body_items(body, [Insertion(html="X", after_paragraph=2, key="a")])
    assert [item.block for item in items if not item.html] == body


def test_body_items_accepts_a_generator_and_no_insertions():
    items, end = body_items(iter(blocks(P, P)), [])
    assert layout(items) == ["paragraph0", "paragraph1"]
    assert end == []


# --- The membership provider through the seam --------------------------------------------------


pytestmark_db = pytest.mark.django_db


def seed_shaped_body(target):
    return json.dumps(
        [
            {"type": "paragraph", "value": "<p>First.</p>"},
            {"type": "read_also", "value": {"article": target.pk}},
            {"type": "paragraph", "value": "<p>Second.</p>"},
            {"type": "paragraph", "value": "<p>Third.</p>"},
        ]
    )


def context_for(page):
    page = ArticlePage.objects.get(pk=page.pk)
    return page.get_context(RequestFactory().get(page.url))


def context_layout(context):
    out = []
    for item in context["body_items"]:
        if item.html:
            out.append("INLINE" if "patron-appeal--inline" in item.html else "?")
        else:
            out.append(item.block.block_type)
    return out


@pytestmark_db
def test_inline_appeal_in_the_seed_shaped_body(news):
    target = ArticlePageFactory(parent=news)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(target))
    AppealFactory(placement=Appeal.Placement.INLINE, inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, RA, P, "INLINE", P]
    assert context["body_end"] == []


@pytestmark_db
def test_both_in_the_seed_shaped_body_past_the_last_gap_renders_once(news):
    target = ArticlePageFactory(parent=news)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(target))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=3)
    context = context_for(page)
    assert context_layout(context) == [P, RA, P, P]
    assert len(context["body_end"]) == 1
    assert "patron-appeal--end" in context["body_end"][0]


@pytestmark_db
def test_both_with_a_slot_shows_twice(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("One.", "Two.", "Three."))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, "INLINE", P, P]
    assert len(context["body_end"]) == 1


@pytestmark_db
def test_end_placement_is_never_inline(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("One.", "Two.", "Three."))
    AppealFactory(placement=Appeal.Placement.END, inline_after_paragraph=1)
    context = context_for(page)
    assert context_layout(context) == [P, P, P]
    assert len(context["body_end"]) == 1


@pytestmark_db
def test_paragraph_number_comes_from_the_appeal_else_the_settings(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("1", "2", "3", "4", "5"))
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_inline_paragraph = 2
    settings.save()
    appeal = AppealFactory(placement=Appeal.Placement.INLINE, inline_after_paragraph=None)
    extras = appeal_insertions(page, tags=[])
    assert [insertion.after_paragraph for insertion in extras.body] == [2]
    assert context_layout(context_for(page)) == [P, P, "INLINE", P, P, P]

    settings.default_inline_paragraph = 4
    settings.save()
    assert context_layout(context_for(page)) == [P, P, P, P, "INLINE", P]

    appeal.inline_after_paragraph = 1
    appeal.save_revision().publish()
    assert context_layout(context_for(page)) == [P, "INLINE", P, P, P, P]


# --- A site without the membership provider ------------------------------------------------------


@pytest.fixture
def without_membership():
    assert appeal_insertions in insertions._providers
    insertions.unregister(appeal_insertions)
    yield
    insertions.register(appeal_insertions)
    assert appeal_insertions in insertions._providers


@pytestmark_db
def test_articles_render_without_the_membership_provider(news, client, without_membership):
    page = ArticlePageFactory(parent=news, title="Quiet story", body=paragraph_body("A.", "B."))
    AppealFactory(heading="Please support us", placement=Appeal.Placement.BOTH)
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quiet story" in html
    assert "Please support us" not in html
    assert "patron-appeal" not in html
    context = context_for(page)
    assert context["head_extras"] == []
    assert context["body_end"] == []
    assert context_layout(context) == [P, P]


def test_unregister_is_safe_twice_and_register_does_not_duplicate():
    before = list(insertions._providers)

    def provider(page, **kwargs):
        return None

    insertions.register(provider)
    insertions.register(provider)
    assert insertions._providers.count(provider) == 1
    insertions.unregister(provider)
    insertions.unregister(provider)
    assert insertions._providers == before


def test_articles_never_import_membership():
    for path in ARTICLES_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "membership" for name in names), path


def test_article_templates_never_load_membership_tags():
    for path in ARTICLES_DIR.rglob("*.html"):
        assert "membership" not in path.read_text(), path


# --- Query count ---------------------------------------------------------------------------------


def warm_count(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytestmark_db
def test_an_appeal_costs_no_queries_on_a_warm_cache(news, client, django_assert_max_num_queries):
    page = ArticlePageFactory(parent=news, tags=["Russia"], body=paragraph_body("A", "B", "C"))
    without_count, _html = warm_count(client, page.url)
    AppealFactory(heading="Join us", placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    assert appeal_insertions(page, tags=[]) is not None
    with_count, _html = warm_count(client, page.url)
    assert with_count == without_count
    with django_assert_max_num_queries(without_count):
        response = client.get(page.url)
    assert response.status_code == 200
    assert len(context_for(page)["body_end"]) == 1


@pytestmark_db
def test_an_appeal_costs_the_same_whichever_rule_picks_it(news, client):
    pinned_page = ArticlePageFactory(parent=news, tags=["Russia"])
    default_page = ArticlePageFactory(parent=news, tags=["Ukraine"])
    none_page = ArticlePageFactory(parent=news, tags=["Ukraine"], no_promotions=True)
    AppealFactory(pinned_pages=[pinned_page])
    settings = MembershipSettings.for_site(Site.objects.get(is_default_site=True))
    settings.default_appeal = AppealFactory()
    settings.save()
    counts = {warm_count(client, page.url)[0] for page in (pinned_page, default_page, none_page)}
    assert len(counts) == 1


# --- Cacheable HTML and previews -----------------------------------------------------------------


@pytestmark_db
def test_article_html_with_an_appeal_is_the_same_for_every_anonymous_reader(news):
    from django.test import Client

    from membership.assets import script_hash

    page = ArticlePageFactory(parent=news, body=paragraph_body("A", "B", "C"))
    AppealFactory(placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    first = Client(REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="One/1.0").get(page.url)
    patron = Client(REMOTE_ADDR="192.0.2.2", HTTP_USER_AGENT="Two/2.0")
    patron.cookies["membership_patron"] = "1"
    second = patron.get(page.url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    for response in (first, second):
        assert "Cookie" not in response.headers.get("Vary", "")
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
    # The appeal's script is allowed by its hash, not by a per-request nonce.
    assert f"'{script_hash()}'" in first.headers["Content-Security-Policy"]
    assert "nonce-" not in first.headers["Content-Security-Policy"]


@pytestmark_db
@pytest.mark.parametrize("why", ["no_promotions", "no_matching_appeal"])
def test_an_article_without_an_appeal_still_counts_the_view(news, why):
    from django.test import Client
    from taggit.models import Tag

    from membership.assets import script_hash

    if why == "no_promotions":
        # A live appeal for every article, switched off on this one.
        AppealFactory(heading="Only for sport")
        page = ArticlePageFactory(
            parent=news, no_promotions=True, body=paragraph_body("A", "B", "C")
        )
    else:
        # A live appeal that targets other articles, and no default.
        sport = Tag.objects.create(name="Sport", slug="sport")
        AppealFactory(heading="Only for sport", include_tags=[sport])
        page = ArticlePageFactory(
            parent=news, tags=["Politics"], body=paragraph_body("A", "B", "C")
        )
    first = Client(REMOTE_ADDR="192.0.2.1").get(page.url)
    patron = Client(REMOTE_ADDR="192.0.2.2")
    patron.cookies["membership_patron"] = "1"
    second = patron.get(page.url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    html = first.content.decode()
    # The head script, with no appeal: it counts the view toward the caps, and stops.
    assert html.count("membership/appeal.js") == 1
    assert f'integrity="{script_hash()}" data-appeal=""></script>' in html
    assert "data-frequency" not in html
    assert "patron-appeal" not in html
    assert "Only for sport" not in html
    assert "membership/appeal.css" not in html
    assert f"'{script_hash()}'" in first.headers["Content-Security-Policy"]
    context = context_for(page)
    assert context["body_end"] == []
    assert context_layout(context) == [P, P, P]


@pytestmark_db
def test_preview_of_an_article_shows_the_appeal_without_the_beacon(news):
    page = ArticlePageFactory(parent=news, body=paragraph_body("A", "B", "C"))
    AppealFactory(heading="Preview me", placement=Appeal.Placement.BOTH, inline_after_paragraph=1)
    request = RequestFactory().get(page.url)
    request.is_preview = True
    context = ArticlePage.objects.get(pk=page.pk).get_context(request)
    html = "".join(item.html for item in context["body_items"]) + "".join(context["body_end"])
    assert html.count("Preview me") == 2
    assert "data-beacon" not in html
    # The head script is told it is a preview: it applies no caps and counts nothing.
    assert 'data-preview="1"' in "".join(context["head_extras"])
    # ...while readers' HTML keeps the beacon, and the caps.
    context = context_for(page)
    assert "data-beacon" in context["body_end"][0]
    assert "data-preview" not in "".join(context["head_extras"])


@pytestmark_db
def test_preview_of_an_unsaved_article_does_not_fail(news):
    AppealFactory(heading="Preview me")
    page = ArticlePage(title="Not saved yet", body=paragraph_body("A", "B"))
    request = RequestFactory().get("/")
    request.is_preview = True
    extras = appeal_insertions(page, request=request, tags=[], preview=True)
    assert extras is not None
    assert "Preview me" in extras.body[0].html
    assert "data-beacon" not in extras.body[0].html
