"""The grammar of a story's closing passage, when it is a patron appeal.

The seed importer in `articles` hands over the passage's lines and knows nothing of their
meaning. Here: the first line is the heading, the others are paragraphs, and a closing
"<main> or <secondary>." sentence gives the labels of the two buttons.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The closing call to action: a last sentence of the form "<main> or <secondary>."
_CTA_RE = re.compile(
    r"(?:^|(?<=[.!?\u2026]))\s*(?P<sentence>(?P<cta>[^.!?\u2026]+?)\s+or\s+"
    r"(?P<secondary>[^.!?\u2026]+?)[.!?\u2026]*)\s*$"
)
MAX_CTA_WORDS = 8


class AppealPassageError(ValueError):
    """The passage cannot be an appeal. The message is one line."""


@dataclass(frozen=True)
class AppealPassage:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    # The labels of the closing "Become a patron or see other ways to support." sentence,
    # which is removed from the last paragraph. Empty when the passage has no such sentence.
    cta_label: str = ""
    secondary_label: str = ""


def parse_appeal(lines):
    """An AppealPassage from its lines: the first is the heading, the rest are paragraphs.

    A closing "<main> or <secondary>." sentence gives the button labels and is taken out of the
    last paragraph (the paragraph goes if nothing else is left in it). An appeal needs a body:
    a passage with nothing but its heading (and the buttons' sentence) is an AppealPassageError.
    """
    if not lines:
        raise AppealPassageError(_("the appeal passage is empty."))
    heading, paragraphs = lines[0], list(lines[1:])
    cta_label = secondary_label = ""
    match = _CTA_RE.search(paragraphs[-1]) if paragraphs else None
    if (
        match
        and len(match["cta"].split()) <= MAX_CTA_WORDS
        and len(match["secondary"].split()) <= MAX_CTA_WORDS
    ):
        cta_label = match["cta"].strip()
        secondary_label = match["secondary"].strip()
        rest = paragraphs.pop()[: match.start("sentence")].strip()
        if rest:
            paragraphs.append(rest)
    if not paragraphs:
        raise AppealPassageError(
            _("the appeal passage has a heading but no text after it: %(heading)s")
            % {"heading": heading}
        )
    return AppealPassage(
        heading=heading,
        paragraphs=paragraphs,
        cta_label=cta_label,
        secondary_label=secondary_label,
    )
