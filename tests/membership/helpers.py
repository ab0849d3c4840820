"""Shared checks for what the membership provider gives an article."""

import re

COUNTER = re.compile(
    r'^<script src="[^"]*membership/appeal\.js" integrity="sha256-[^"]+" data-appeal=""'
    r'(?: data-preview="1")?></script>$'
)


def counts_the_view_only(extras):
    """True when the article gets no appeal, only the head script that counts its view."""
    return (
        extras is not None
        and extras.body == []
        and len(extras.head) == 1
        and COUNTER.match(extras.head[0].strip()) is not None
    )
