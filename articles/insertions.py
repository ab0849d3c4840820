"""The body-insertion seam: other apps put content into articles without articles knowing them.

It is a Wagtail hook. A function registered for `HOOK_NAME` ("insert_into_article"), usually
in the app's wagtail_hooks.py, is called for every article rendered, e.g.

  @hooks.register("insert_into_article")  # wagtail.hooks
  def my_insertions(page, *, request, tags, preview):
      return ArticleExtras(head=[...], body=[Insertion(html, after_paragraph=3)])

`page` is the article, `request` the request (None outside one), `tags` the article's tags
(already loaded), and `preview` is True in the admin's preview. It returns `ArticleExtras` or
None; its HTML must be safe strings (render_to_string() and format_html() return them).

Articles place the head HTML in <head>, and each Insertion after paragraph N of the body or
at the end of the body. An inline insertion never stands next to a heading, image, quote,
embed or inline Read also block: it moves on to the next gap between two paragraphs. Blocks
that readers don't see (a Read also block whose article is hidden) don't count. Where there
is no such gap it goes to the end instead, once, even if the same `key` is also placed there.
"""

from dataclasses import dataclass, field

from wagtail import hooks

HOOK_NAME = "insert_into_article"
PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class Insertion:
    html: str
    after_paragraph: int | None = None  # None: at the end of the body
    key: str = ""  # the same key inline and at the end means the same content


@dataclass
class ArticleExtras:
    head: list = field(default_factory=list)
    body: list = field(default_factory=list)  # Insertions

    def extend(self, other):
        self.head.extend(other.head)
        self.body.extend(other.body)


def collect(page, *, request, tags, preview):
    """Every registered app's extras for `page`, in hook order."""
    extras = ArticleExtras()
    for insert in hooks.get_hooks(HOOK_NAME):
        result = insert(page, request=request, tags=tags, preview=preview)
        if result is not None:
            extras.extend(result)
    return extras


def inline_slot(block_types, after_paragraph):
    """Index of the block after which an inline insertion goes, or None if there is no slot.

    Starts after the `after_paragraph`-th paragraph block and moves on to the first gap
    that has a paragraph block on both sides.
    """
    if not after_paragraph or after_paragraph < 1:
        return None
    seen = 0
    for index, block_type in enumerate(block_types):
        if block_type != PARAGRAPH:
            continue
        seen += 1
        if seen < after_paragraph:
            continue
        if index + 1 < len(block_types) and block_types[index + 1] == PARAGRAPH:
            return index
    return None


@dataclass(frozen=True)
class BodyItem:
    block: object = None
    html: str = ""


def body_items(blocks, insertions, *, shown=None):
    """The article body as BodyItems, with the insertions placed among the blocks, and the
    HTML of the insertions that go at the end.

    `shown[i]` says whether readers see block i; blocks they don't see are skipped when
    looking for a slot, so an insertion lands where readers expect it.
    """
    blocks = list(blocks)
    if shown is None:
        shown = [True] * len(blocks)
    seen = [index for index, visible in enumerate(shown) if visible]
    seen_types = [blocks[index].block_type for index in seen]
    after = {}
    end = []
    end_keys = {insertion.key for insertion in insertions if insertion.after_paragraph is None}
    for insertion in insertions:
        if insertion.after_paragraph is None:
            end.append(insertion)
            continue
        slot = inline_slot(seen_types, insertion.after_paragraph)
        if slot is not None:
            after.setdefault(seen[slot], []).append(insertion)
        elif not insertion.key or insertion.key not in end_keys:
            end.append(insertion)
            end_keys.add(insertion.key)
    items = []
    for index, block in enumerate(blocks):
        items.append(BodyItem(block=block))
        items.extend(BodyItem(html=insertion.html) for insertion in after.get(index, ()))
    return items, [insertion.html for insertion in end]
