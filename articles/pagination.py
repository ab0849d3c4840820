"""A paginator whose count of items is kept in Django's cache until any article changes.

Counting a popular tag's articles is most of a tag page's time in a large archive (tens of
thousands of rows to join and check, bench/README.md, "The archive"), and the count only changes
when an article is published, unpublished, saved, moved or deleted, or a view restriction
changes: the same events that start a new generation of Read also lists (read_also's
generation, bumped by signal_handlers). So the count is kept under that generation.
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import read_also


class CachedCountPaginator(Paginator):
    """A Paginator whose `count` is cached under `count_key` until articles change."""

    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        key = f"articles:count:{self.count_key}:{read_also.plan_generation()}"
        count = cache.get(key)
        if count is None:
            count = self.object_list.count()
            cache.set(key, count, read_also.PLAN_TIMEOUT)
        return count
