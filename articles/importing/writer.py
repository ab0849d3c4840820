"""Writing parsed stories to the page tree, in one transaction: `SeedImporter` and its report."""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from wagtail.models import Site

from ..models import ArticleIndexPage, ArticlePage, ReadAlsoLink
from ..signals import closing_passage_found
from .files import SeedError, load_seed_files
from .indexing import index_updates_paused, update_indexes
from .parsing import normalise_title

# The key of PostgreSQL's advisory lock that serialises imports: "seed" in ASCII.
IMPORT_LOCK_KEY = 0x73656564


@dataclass(frozen=True)
class ReportEntry:
    title: str
    kind: str  # translated: "story", "draft stub", …
    page_id: int | None = None
    reason: str = ""


@dataclass
class ImportReport:
    created: list[ReportEntry] = field(default_factory=list)
    updated: list[ReportEntry] = field(default_factory=list)
    skipped: list[ReportEntry] = field(default_factory=list)
    conflicts: list[ReportEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # closing passages, and receivers' lines

    def lines(self):
        """What the command prints: one line each for created, updated, skipped, conflicts."""
        out = []
        for label, entries in (
            (_("Created"), self.created),
            (_("Updated"), self.updated),
            (_("Skipped"), self.skipped),
            (_("Conflicts"), self.conflicts),
        ):
            titles = "; ".join(
                _("%(title)s (%(kind)s)") % {"title": e.title, "kind": e.reason or e.kind}
                for e in entries
            )
            out.append(
                _("%(label)s (%(count)d): %(titles)s")
                % {"label": label, "count": len(entries), "titles": titles or _("none")}
            )
        return out + self.notes


class SeedImporter:
    """Writes parsed seed files to the page tree, in one transaction.

    * Imports run one at a time: each waits for the one before to commit, then reads.
    * The News index (an ArticleIndexPage under the default site's root) is created if missing.
    * A story whose headline matches no article is created and published. One that matches a
      draft stub fills the stub, unless an editor saved the stub since, which is a conflict.
      One that matches a published article is skipped, or with `update=True` refreshed as a
      new revision and published.
    * Read also headlines that match no article become draft stubs under News.
    * A story's closing passage is sent with `closing_passage_found`, for other apps to use.
    * Nothing else in the tree is touched: the front page's top story is the editor's choice
      (when it is empty, the newest live article leads), so the importer never pins one.
    """

    def __init__(self, *, update=False):
        self.update = update

    def run(self, paths=None):
        return self.import_files(load_seed_files(paths))

    def import_files(self, files):
        """Write `files`; on any error, SeedError (a one-line message) and nothing written."""
        self.report = ImportReport()
        path = None  # the file being written, named in error messages
        try:
            with transaction.atomic():
                lock_imports()
                self.index = self._news_index()
                self._pages_by_key = self._index_articles()
                for seed in files:
                    path = seed.path
                    self._import_story(seed)
                path = None
        except ValidationError as error:
            raise SeedError(path, describe(error)) from None
        except DatabaseError as error:  # IntegrityError, OperationalError ("database is locked")…
            raise SeedError(
                path,
                _("the database refused the import (%(error)s); nothing was imported.")
                % {"error": describe(error)},
            ) from None
        return self.report

    # The tree.

    def _news_index(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise SeedError(None, _("there is no default site to import into."))
        root = site.root_page.specific
        children = ArticleIndexPage.objects.child_of(root).order_by("path")
        index = children.filter(slug="news").first() or children.first()
        if index is None:
            index = ArticleIndexPage.objects.descendant_of(root).order_by("path").first()
        if index is not None:
            return index
        index = ArticleIndexPage(title=_("News"))
        if not root.get_children().filter(slug="news").exists():
            index.slug = "news"
        root.add_child(instance=index)
        index.save_revision().publish()
        self.report.created.append(ReportEntry(index.title, _("index"), index.pk))
        return ArticleIndexPage.objects.get(pk=index.pk)

    def _index_articles(self):
        """Normalised title -> article id, preferring live articles, then the oldest."""
        pages = {}
        for pk, title in ArticlePage.objects.order_by("-live", "pk").values_list("pk", "title"):
            pages.setdefault(normalise_title(title), pk)
        return pages

    def _find(self, key):
        pk = self._pages_by_key.get(key)
        return ArticlePage.objects.get(pk=pk) if pk else None

    # Stories.

    def _import_story(self, seed):
        story = seed.story
        page = self._find(story.key)
        action = self._action(page)
        if action == "skip":
            self.report.skipped.append(ReportEntry(page.title, _("already imported"), page.pk))
        elif action == "conflict":
            reason = _("an editor has changed this draft since it was imported; left alone")
            self.report.conflicts.append(
                ReportEntry(page.title, _("draft stub"), page.pk, reason=reason)
            )
        else:
            page = self._write_story(story, page)
            if action == "create":
                self.report.created.append(ReportEntry(page.title, _("story"), page.pk))
            elif action == "fill":
                self.report.updated.append(
                    ReportEntry(page.title, _("draft stub filled in"), page.pk)
                )
            else:
                self.report.updated.append(ReportEntry(page.title, _("story"), page.pk))
        if story.closing_lines:
            self._hand_over_closing_passage(seed)

    def _action(self, page):
        if page is None:
            return "create"
        if page.live or page.first_published_at:
            return "update" if self.update else "skip"
        if page.revisions.filter(user__isnull=False).exists():
            return "conflict"
        return "fill"

    def _write_story(self, story, page):
        """Create or refresh the story and its new stubs, then index them once each."""
        self._touched = []
        with index_updates_paused(ArticlePage):
            page = self._save_story(story, page)
        update_indexes(ArticlePage, self._touched)
        return page

    def _save_story(self, story, page):
        targets = [self._resolve(item, story) for item in story.read_also]
        is_new = page is None
        if is_new:
            page = ArticlePage(live=False)
        page.title = story.headline
        page.draft_title = story.headline
        page.standfirst = story.standfirst
        if story.source_label is not None:
            page.source_label = story.source_label
        if story.source_url is not None:
            page.source_url = story.source_url
        page.body = json.dumps(story.body_stream_data([t.pk for t in targets]))
        if story.tags is not None:
            page.tags.clear()
            page.tags.add(*story.tags)
        page.read_also_links = [
            ReadAlsoLink(target=target, sort_order=i) for i, target in enumerate(targets)
        ]
        if is_new:
            self.index.add_child(instance=page)
            self._pages_by_key[story.key] = page.pk
        page.save_revision().publish()
        self._touched.append(page.pk)
        # The instance in hand still says live=False: fetch what was published.
        return ArticlePage.objects.get(pk=page.pk)

    def _resolve(self, item, story):
        page = self._find(item.key)
        if page is not None:
            return page
        stub = ArticlePage(title=item.title, source_label=item.source_label, live=False)
        if story.tags:
            stub.tags.add(*story.tags)
        self.index.add_child(instance=stub)
        stub.save_revision(clean=False)
        self._pages_by_key[item.key] = stub.pk
        self._touched.append(stub.pk)
        self.report.created.append(ReportEntry(stub.title, _("draft stub"), stub.pk))
        return stub

    def _hand_over_closing_passage(self, seed):
        """Send the closing passage to the apps that use it; report what they did with it."""
        story = seed.story
        self.report.notes.append(
            _("Closing passage found: %(line)s") % {"line": story.closing_lines[0]}
        )
        try:
            responses = closing_passage_found.send(
                sender=type(self),
                lines=story.closing_lines,
                appeal_starts=story.appeal_starts,
                story_key=story.key,
                headline=story.headline,
                path=seed.path,
                update=self.update,
            )
        except SeedError:
            raise
        except Exception as error:  # whatever a receiver raises ends as the one-line message
            raise SeedError(seed.path, describe(error)) from None
        # A receiver may return a line for the report ("Appeal created: …").
        notes = [str(line) for _receiver, line in responses if isinstance(line, Promise | str)]
        self.report.notes.extend(
            notes or [_("No installed app uses the closing passage: it is left out.")]
        )


def lock_imports():
    """Wait here, before reading anything, until any other import has committed.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. SQLite has
    one write lock for the whole database: take it now, with a write that changes nothing,
    rather than at the first save. A run that waits longer than SQLite's timeout fails with
    "database is locked", which the importer reports as its one-line error.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
    elif connection.vendor == "sqlite":
        Site.objects.filter(is_default_site=True).update(is_default_site=True)


def describe(error):
    """An exception as one short line: a ValidationError's messages, or its text."""
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(
                f"{key}: {msg}" for key, msgs in error.message_dict.items() for msg in msgs
            )
        return "; ".join(error.messages)
    return " ".join(str(error).split()) or type(error).__name__
