"""Reference- and search-index updates for imported pages, once per page instead of per save.

Wagtail updates both indexes from `post_save`, and creating one draft stub saves the page
several times (the page, its revision pointer, its tags, its links): profiling an import of
one story with 50 new stubs showed those updates took about 60% of its time. The writer
pauses them while it writes a story, then brings both indexes up to date for the pages it
touched, in one batch. Stubs are drafts, yet the admin's page search and the Read also chooser
find drafts, and the admin's usage counts read the reference index: both stay complete.
"""

import logging
import threading
from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch import index as search_index
from modelsearch.backends import get_search_backends_with_name
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

logger = logging.getLogger(__name__)

_search_pause_lock = threading.Lock()
_search_pauses = {}  # model -> [number of pauses under way, whether the handler was connected]


@contextmanager
def index_updates_paused(model):
    """No index updates on saves inside the block; the caller indexes what it wrote.

    Wagtail's switch turns off reference-index updates in this thread (the writer saves only
    pages of `model`, their Read also links and tags inside the block, and `update_indexes()`
    records the links under their page). modelsearch has no switch, so its receiver is
    disconnected for `model` in the whole process while any import in it is writing.
    """
    with disable_reference_index_auto_update(), _search_updates_paused(model):
        yield


@contextmanager
def _search_updates_paused(model):
    with _search_pause_lock:
        pause = _search_pauses.setdefault(model, [0, False])
        if pause[0] == 0:
            pause[1] = post_save.disconnect(post_save_signal_handler, sender=model)
        pause[0] += 1
    try:
        yield
    finally:
        with _search_pause_lock:
            pause[0] -= 1
            if pause[0] == 0:
                del _search_pauses[model]
                if pause[1]:
                    post_save.connect(post_save_signal_handler, sender=model)


def update_indexes(model, pks):
    """Bring the reference and search indexes up to date for these pages of `model`."""
    pages = list(model.objects.filter(pk__in=pks).order_by("pk"))
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    if not search_index.class_is_indexed(model):
        return
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(model, pages)
        except Exception:
            # As modelsearch does on save: a search service (Elasticsearch) that is down must
            # not lose the import; a database backend's error is raised and rolls it back.
            if not backend.catch_indexing_errors:
                raise
            logger.exception(
                "Could not add %d imported pages to search backend %r", len(pages), name
            )
