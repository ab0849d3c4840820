"""An appeal's text, split for a compact appeal: the first block shows, the rest waits behind
"Read more" (a <details> element, so no script is needed)."""

from bs4 import BeautifulSoup, NavigableString


def split_first_block(html):
    """Rich text (Wagtail's stored HTML) as (first block, the rest), both HTML strings.

    A block is a top-level element (a paragraph, a list, a heading…); stray top-level text
    counts as one. The rest is "" when the text has one block, so the caller can leave the
    disclosure out. Whitespace between blocks is dropped; nothing else is changed.
    """
    soup = BeautifulSoup(html or "", "html.parser")
    blocks = [
        str(node)
        for node in soup.contents
        if not (isinstance(node, NavigableString) and not node.strip())
    ]
    if not blocks:
        return "", ""
    return blocks[0], "".join(blocks[1:])
