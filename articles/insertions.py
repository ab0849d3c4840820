"""The body-insertion seam: other apps put content into articles without articles knowing them.

A provider is a callable `provider(page, *, request, tags, preview)` that returns
`ArticleExtras` (or None). It is registered once, usually from an AppConfig.ready():

    from articles import insertions
    insertions.register(my_provider)

Articles then place the provider's HTML in <head>, after paragraph N of the body, or at the
end of the body. An inline insertion never stands next to a heading, image, quote, embed or
inline Read also block: it moves on to the next gap between two paragraphs. Where there is
no such gap it goes to the end instead, once, even if the same `key` is also placed there.
"""

from dataclasses import dataclass, field

PARAGRAPH = "paragraph"

_providers = []


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


def register(provider):
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider):
    if provider in _providers:
        _providers.remove(provider)


def collect(page, *, request=None, tags=(), preview=False):
    extras = ArticleExtras()
    for provider in _providers:
        result = provider(page, request=request, tags=tags, preview=preview)
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


def body_items(blocks, insertions):
    """The article body as a list of blocks with the insertions placed among them."""
    blocks = list(blocks)
    block_types = [block.block_type for block in blocks]
    after = {}
    end = []
    end_keys = {insertion.key for insertion in insertions if insertion.after_paragraph is None}
    for insertion in insertions:
        if insertion.after_paragraph is None:
            end.append(insertion)
            continue
        slot = inline_slot(block_types, insertion.after_paragraph)
        if slot is not None:
            after.setdefault(slot, []).append(insertion)
        elif not insertion.key or insertion.key not in end_keys:
            end.append(insertion)
            end_keys.add(insertion.key)
    items = []
    for index, block in enumerate(blocks):
        items.append(BodyItem(block=block))
        items.extend(BodyItem(html=insertion.html) for insertion in after.get(index, ()))
    return items, [insertion.html for insertion in end]
