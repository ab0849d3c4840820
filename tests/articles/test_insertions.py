"""The articles body-insertion seam: where insertions go, and the insert_into_article hook."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from wagtail import hooks

from articles.insertions import HOOK_NAME, ArticleExtras, Insertion, body_items, inline_slot
from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, paragraph_body, seed_shaped_body

P, H, IMG, Q, EMB, RA = "paragraph", "heading", "image", "quote", "embed", "read_also"


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


def test_blocks_readers_do_not_see_are_skipped_when_placing():
    # Paragraph, a Read also block whose article readers can't see, paragraph, paragraph.
    items, end = body_items(
        blocks(P, RA, P, P),
        [Insertion(html="X", after_paragraph=1, key="a")],
        shown=[True, False, True, True],
    )
    assert layout(items) == ["paragraph0", "X", "read_also1", "paragraph2", "paragraph3"]
    assert end == []


# --- The insert_into_article hook ------------------------------------------------------------


def context_for(page, *, preview=False):
    page = ArticlePage.objects.get(pk=page.pk)
    request = RequestFactory().get(page.url)
    request.is_preview = preview
    return page.get_context(request)


def context_layout(context):
    return [item.html or item.block.block_type for item in context["body_items"]]


CALLS = []


def box_after_paragraph_one(page, *, request, tags, preview):
    CALLS.append((page.pk, [tag.name for tag in tags], preview))
    return ArticleExtras(
        head=[mark_safe('<meta name="box">')],
        body=[
            Insertion(html=mark_safe("BOX"), after_paragraph=1, key="box"),
            Insertion(html=mark_safe("END"), key="box"),
        ],
    )


@pytest.fixture
def box_hook():
    CALLS.clear()
    with hooks.register_temporarily(HOOK_NAME, box_after_paragraph_one):
        yield CALLS


@pytest.mark.django_db
def test_a_hook_places_its_insertions_in_the_article(news, client, box_hook):
    page = ArticlePageFactory(
        parent=news, tags=["Russia"], body=paragraph_body("One.", "Two.", "Three.")
    )
    html = client.get(page.url).content.decode()
    head, body = html.split("</head>")
    assert '<meta name="box">' in head
    assert body.index("One.") < body.index("BOX") < body.index("Two.") < body.index("END")
    # The hook gets the article, its tags (already loaded) and whether it is a preview.
    assert box_hook == [(page.pk, ["Russia"], False)]


@pytest.mark.django_db
@pytest.mark.parametrize("preview", [False, True])
def test_an_inline_insertion_skips_a_read_also_block_readers_cannot_see(news, box_hook, preview):
    """The seed story's shape: its inline Read also points at a draft, which readers don't see,
    so "after paragraph 1" is straight after the first paragraph, in preview too."""
    draft = ArticlePageFactory(parent=news, live=False)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(draft))
    assert context_layout(context_for(page, preview=preview)) == [P, "BOX", RA, P, P]


@pytest.mark.django_db
def test_an_inline_insertion_moves_past_a_read_also_block_readers_see(news, box_hook):
    target = ArticlePageFactory(parent=news)
    page = ArticlePageFactory(parent=news, body=seed_shaped_body(target))
    assert context_layout(context_for(page)) == [P, RA, P, "BOX", P]
