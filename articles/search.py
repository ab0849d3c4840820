"""Reader search over live, public articles."""

import re

from .models import ArticlePage
from .queries import CARD_IMAGE_SPECS, renditions_prefetch

MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+")


def search_terms(query):
    """The words of a reader's query. Operators and punctuation mean something to the
    database's full-text syntax (SQLite FTS, PostgreSQL tsquery), so only words go through."""
    return " ".join(_WORD.findall((query or "")[:MAX_QUERY_LENGTH]))


def search_articles(query):
    """Search results for `query`, best match first; nothing when it holds no words."""
    terms = search_terms(query)
    if not terms:
        return ArticlePage.objects.none()
    # The search backend filters on indexed fields only, so privacy is checked with
    # public() here rather than with the Exists() filter that listings use.
    return (
        ArticlePage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("lead_image")
        .prefetch_related(renditions_prefetch("lead_image__renditions", CARD_IMAGE_SPECS))
        .search(terms)
    )
