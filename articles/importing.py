"""The seed importer: story files (plus optional TOML sidecars) into articles.

Two halves:

* Pure parsing. `read_story_file()` reads and checks a file, `parse_sidecar()` and
  `parse_story()` turn text into dataclasses, `normalise_title()` and `split_source()` decide how
  headlines match. Nothing here touches the database, so every file of a run is parsed and
  validated before anything is written.
* `SeedImporter`, which writes the parsed stories in one transaction and returns an
  `ImportReport`. The `import_seed` management command is a thin wrapper around it.

A story file is UTF-8 text (a BOM and CRLF line ends are accepted; blank lines are skipped):

    Headline
    Standfirst
    Body paragraph, one per line…
    Read also:
    - Source: A headline from another outlet
    - One of our headlines
    The patron appeal's heading
    Its paragraphs, the last ending with "Become a patron or see other ways to support."

The appeal never becomes part of the article: it is handed to whoever listens to
`articles.signals.appeal_passage_found` (the membership app), so `articles` never imports it.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Site

from .models import ArticleIndexPage, ArticlePage, ReadAlsoLink
from .signals import appeal_passage_found

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB
STORY_SUFFIX = ".txt"
SIDECAR_SUFFIX = ".toml"
READ_ALSO_MARKER = "read also"
MAX_SOURCE_PREFIX_WORDS = 3
SIDECAR_KEYS = ("tags", "source", "appeal_starts", "sources")

# Field limits, taken from the models so that a long line fails before anything is written.
MAX_TITLE = ArticlePage._meta.get_field("title").max_length
MAX_STANDFIRST = ArticlePage._meta.get_field("standfirst").max_length
MAX_SOURCE_LABEL = ArticlePage._meta.get_field("source_label").max_length
MAX_TAG = 100  # taggit's Tag.name

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_SOURCE_PREFIX_RE = re.compile(r"^\s*(?P<prefix>[^:]+?)\s*:\s+(?P<title>\S.*?)\s*$", re.DOTALL)
_ITEM_RE = re.compile(r"^-\s+(?P<text>\S.*)$")
# The appeal's closing call to action: a last sentence of the form "<main> or <secondary>."
_CTA_RE = re.compile(
    r"(?:^|(?<=[.!?\u2026]))\s*(?P<sentence>(?P<cta>[^.!?\u2026]+?)\s+or\s+"
    r"(?P<secondary>[^.!?\u2026]+?)[.!?\u2026]*)\s*$"
)
MAX_CTA_WORDS = 8
# Control characters other than tab and line ends: a sign of a binary file.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class SeedError(Exception):
    """A problem with one input file. `str()` is a one-line message naming the file."""

    def __init__(self, path, message):
        self.path = Path(path) if path is not None else None
        self.message = " ".join(str(message).split())
        super().__init__(f"{self.path}: {self.message}" if self.path else self.message)


class StoryError(ValueError):
    """A problem found while parsing text; the caller adds the file name."""


# --- Parsed data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealPassage:
    """The patron appeal found at the end of a story. Sent with `appeal_passage_found`."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    # The labels of the closing "Become a patron or see other ways to support." sentence,
    # which is removed from the last paragraph. Empty when the passage has no such sentence.
    cta_label: str = ""
    secondary_label: str = ""


@dataclass(frozen=True)
class Sidecar:
    """The optional `<story>.toml` next to a story file. None means "not given"."""

    tags: tuple[str, ...] | None = None
    source: str | None = None
    appeal_starts: str | None = None
    sources: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ParsedReadAlso:
    """One item of a story's "Read also:" list, as written in the file."""

    text: str  # as written in the file, without the "- "
    title: str  # the headline, without a source prefix
    source_label: str  # the source prefix ("Bloomberg"), or ""

    @property
    def key(self):
        return normalise_title(self.text)


@dataclass(frozen=True)
class ParsedBlock:
    """A paragraph, or (when `read_also` is set) an inline Read also block."""

    text: str
    read_also: int | None = None  # index into Story.read_also

    @property
    def is_paragraph(self):
        return self.read_also is None


@dataclass(frozen=True)
class Story:
    headline: str
    standfirst: str
    body: list[ParsedBlock]
    read_also: list[ParsedReadAlso] = field(default_factory=list)
    appeal: AppealPassage | None = None
    tags: tuple[str, ...] | None = None  # None: the sidecar says nothing about tags
    source_label: str | None = None  # None: the sidecar says nothing about the source

    @property
    def key(self):
        return normalise_title(self.headline)

    @property
    def paragraphs(self):
        return [item.text for item in self.body if item.is_paragraph]

    def body_stream_data(self, targets):
        """Raw StreamField data; `targets` are the page ids the Read also items resolve to."""
        data = []
        for item in self.body:
            if item.is_paragraph:
                data.append({"type": "paragraph", "value": f"<p>{escape(item.text)}</p>"})
            else:
                data.append({"type": "read_also", "value": {"article": targets[item.read_also]}})
        return data


@dataclass(frozen=True)
class SeedFile:
    path: Path
    story: Story
    sidecar_path: Path | None = None


# --- Titles -----------------------------------------------------------------------------------


def split_source(item, sources=None):
    """Split "Bloomberg: EU leaders…" into ("Bloomberg", "EU leaders…").

    Without `sources`, a prefix of at most three words before ": " counts as the source.
    With `sources` (the sidecar's list), only those names count, matched case-insensitively,
    and the sidecar's spelling is returned. Anything else comes back as ("", item).
    """
    text = " ".join(str(item).split())
    match = _SOURCE_PREFIX_RE.match(text)
    if not match:
        return "", text
    prefix, title = match["prefix"], match["title"]
    if sources is None:
        if 1 <= len(prefix.split()) <= MAX_SOURCE_PREFIX_WORDS:
            return prefix, title
        return "", text
    wanted = prefix.casefold()
    for source in sources:
        if " ".join(source.split()).casefold() == wanted:
            return source, title
    return "", text


def _plain_key(text):
    """Case, quotes, whitespace and punctuation ignored: only letters and digits remain."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def normalise_title(s):
    """The key two headlines match by.

    Case, curly or straight quotes, whitespace and punctuation are ignored, and a short source
    prefix ("Bloomberg: ") is stripped, so "Bloomberg: EU leaders…" matches "EU leaders…".
    The prefix is always guessed the default way (at most three words), whatever a sidecar says,
    so that matching is the same from every file.
    """
    return _plain_key(split_source(s)[1])


# --- Reading files ----------------------------------------------------------------------------


def read_text_file(path):
    """The text of `path`, checked: exists, at most 1 MiB, not binary, UTF-8 (BOM allowed)."""
    path = Path(path)
    try:
        if not path.exists():
            raise SeedError(path, _("no such file."))
        if not path.is_file():
            raise SeedError(path, _("not a file."))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SeedError(
                path,
                _("the file is too large (%(size)d bytes; the limit is %(limit)d bytes, 1 MiB).")
                % {"size": size, "limit": MAX_FILE_BYTES},
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        message = _("cannot read the file: %(error)s") % {"error": error.strerror or error}
        raise SeedError(path, message) from None
    if len(data) > MAX_FILE_BYTES:
        raise SeedError(path, _("the file is too large (the limit is 1 MiB)."))
    if not data:
        raise SeedError(path, _("the file is empty."))
    if b"\x00" in data:
        raise SeedError(path, _("the file is binary (it contains NUL bytes), not text."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SeedError(
            path,
            _("the file is not UTF-8 text (invalid byte at position %(position)d).")
            % {"position": error.start},
        ) from None
    control = _CONTROL_RE.search(text)
    if control:
        raise SeedError(
            path,
            _("the file is binary or contains a control character (U+%(code)04X on line %(line)d).")
            % {"code": ord(control.group()), "line": _line_number(text, control.start())},
        )
    if not text:
        raise SeedError(path, _("the file is empty."))
    return text


def _line_number(text, position):
    return len(_split_lines(text[:position]))


def _split_lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_sidecar(text):
    """A Sidecar from TOML text; StoryError when it is malformed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StoryError(_("invalid TOML: %(error)s") % {"error": error}) from None
    return sidecar_from_mapping(data)


def sidecar_from_mapping(data):
    if not isinstance(data, Mapping):
        raise StoryError(_("the sidecar must be a TOML table."))
    unknown = sorted(set(data) - set(SIDECAR_KEYS))
    if unknown:
        raise StoryError(
            _("unknown sidecar key %(key)s (expected one of: %(keys)s).")
            % {"key": repr(unknown[0]), "keys": ", ".join(SIDECAR_KEYS)}
        )
    tags = _string_list(data, "tags", MAX_TAG)
    if tags is not None:
        seen, unique = set(), []
        for tag in tags:
            if tag.casefold() not in seen:  # tags are case-insensitive
                seen.add(tag.casefold())
                unique.append(tag)
        tags = tuple(unique)
    sources = _string_list(data, "sources", MAX_SOURCE_LABEL)
    return Sidecar(
        tags=tags,
        source=_string(data, "source", MAX_SOURCE_LABEL, allow_empty=True),
        appeal_starts=_string(data, "appeal_starts", None),
        sources=tuple(sources) if sources is not None else None,
    )


def _string(data, key, max_length, allow_empty=False):
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, str):
        raise StoryError(_("sidecar key %(key)s must be a string.") % {"key": repr(key)})
    value = " ".join(value.split())
    if not value and not allow_empty:
        raise StoryError(_("sidecar key %(key)s is empty.") % {"key": repr(key)})
    if max_length and len(value) > max_length:
        raise StoryError(
            _("sidecar key %(key)s is longer than %(max)d characters.")
            % {"key": repr(key), "max": max_length}
        )
    return value


def _string_list(data, key, max_length):
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise StoryError(_("sidecar key %(key)s must be a list of strings.") % {"key": repr(key)})
    items = [" ".join(item.split()) for item in value]
    if not all(items):
        raise StoryError(_("sidecar key %(key)s holds an empty string.") % {"key": repr(key)})
    for item in items:
        if len(item) > max_length:
            raise StoryError(
                _("an item of sidecar key %(key)s is longer than %(max)d characters.")
                % {"key": repr(key), "max": max_length}
            )
    return items


# --- Parsing a story --------------------------------------------------------------------------


def _is_marker(line):
    return line.rstrip(":").strip().casefold() == READ_ALSO_MARKER and line.endswith(":")


def parse_story(text, sidecar=None):
    """A Story from the text of a story file and its sidecar (a Sidecar, a mapping or None).

    Raises StoryError with a one-line message when the story is malformed.
    """
    if sidecar is None:
        sidecar = Sidecar()
    elif not isinstance(sidecar, Sidecar):
        sidecar = sidecar_from_mapping(sidecar)
    if text.startswith("\ufeff"):
        text = text[1:]

    # (line number in the file, text), blank lines left out.
    lines = [(n, line.strip()) for n, line in enumerate(_split_lines(text), start=1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise StoryError(_("no headline: the file has no text."))
    texts = [line for _n, line in lines]

    headline = texts[0]
    if len(texts) < 2 or _is_marker(texts[1]):
        raise StoryError(_("the headline has no standfirst (line 2) after it."))
    standfirst = texts[1]
    _check_length(headline, MAX_TITLE, _("the headline"))
    _check_length(standfirst, MAX_STANDFIRST, _("the standfirst"))
    if not _plain_key(headline):
        raise StoryError(_("the headline has no letters or digits."))

    appeal_at = None
    if sidecar.appeal_starts:
        wanted = _plain_key(sidecar.appeal_starts)
        appeal_at = next((i for i in range(2, len(texts)) if _plain_key(texts[i]) == wanted), None)
        if appeal_at is None:
            raise StoryError(
                _("the sidecar's appeal_starts line is not in the story: %(line)s")
                % {"line": sidecar.appeal_starts}
            )
    marker_at = next((i for i in range(2, len(texts)) if _is_marker(texts[i])), None)
    if appeal_at is not None and appeal_at == marker_at:
        raise StoryError(_("the sidecar's appeal_starts names the Read also: line."))

    def stray(index):
        return StoryError(
            _("unexpected text on line %(line)d, after the Read also list: %(text)s")
            % {"line": lines[index][0], "text": texts[index]}
        )

    item_lines = []
    appeal_lines = []
    ends = [i for i in (marker_at, appeal_at) if i is not None]
    body_lines = texts[2 : min(ends, default=len(texts))]
    if marker_at is not None:
        stop = len(texts)
        if appeal_at is not None and appeal_at > marker_at:
            stop = appeal_at
        end = marker_at + 1
        while end < stop and _ITEM_RE.match(texts[end]):
            item_lines.append(_ITEM_RE.match(texts[end])["text"])
            end += 1
        if appeal_at is None:
            appeal_lines = texts[end:]
        elif appeal_at > marker_at:
            if end != appeal_at:
                raise stray(end)
            appeal_lines = texts[appeal_at:]
        else:
            # The appeal comes before the Read also list and ends at it.
            if end != len(texts):
                raise stray(end)
            appeal_lines = texts[appeal_at:marker_at]
    elif appeal_at is not None:
        appeal_lines = texts[appeal_at:]

    read_also = []
    seen = {}
    for text_ in item_lines:
        source_label, title = split_source(text_, sidecar.sources)
        item = ParsedReadAlso(text=text_, title=title, source_label=source_label)
        _check_length(title, MAX_TITLE, _("the Read also headline %(title)s") % {"title": title})
        _check_length(
            source_label, MAX_SOURCE_LABEL, _("the source %(source)s") % {"source": source_label}
        )
        if not item.key:
            raise StoryError(
                _("the Read also item %(item)s has no letters or digits.") % {"item": text_}
            )
        if item.key == normalise_title(headline):
            raise StoryError(
                _("the Read also list names the story itself: %(item)s") % {"item": text_}
            )
        if item.key in seen:  # The same article twice: one link is enough.
            continue
        seen[item.key] = len(read_also)
        read_also.append(item)

    body = []
    for line in body_lines:
        index = seen.get(normalise_title(line)) if seen else None
        body.append(ParsedBlock(text=line, read_also=index))
    if not any(item.is_paragraph for item in body):
        raise StoryError(_("the story has a headline and standfirst but no body paragraphs."))

    return Story(
        headline=headline,
        standfirst=standfirst,
        body=body,
        read_also=read_also,
        appeal=parse_appeal(appeal_lines) if appeal_lines else None,
        tags=sidecar.tags,
        source_label=sidecar.source,
    )


def _check_length(text, max_length, what):
    if len(text) > max_length:
        raise StoryError(
            _("%(what)s is longer than %(max)d characters.") % {"what": what, "max": max_length}
        )


def parse_appeal(lines):
    """An AppealPassage from its lines: the first is the heading, the rest are paragraphs.

    A closing "<main> or <secondary>." sentence gives the button labels and is taken out of the
    last paragraph (the paragraph goes if nothing else is left in it).
    """
    heading, paragraphs = lines[0], list(lines[1:])
    cta_label = secondary_label = ""
    if paragraphs:
        match = _CTA_RE.search(paragraphs[-1])
        if (
            match
            and len(match["cta"].split()) <= MAX_CTA_WORDS
            and len(match["secondary"].split()) <= MAX_CTA_WORDS
        ):
            cta_label = match["cta"].strip()
            secondary_label = match["secondary"].strip()
            rest = paragraphs[-1][: match.start("sentence")].strip()
            if rest:
                paragraphs[-1] = rest
            else:
                paragraphs.pop()
    return AppealPassage(
        heading=heading,
        paragraphs=paragraphs,
        cta_label=cta_label,
        secondary_label=secondary_label,
    )


def sidecar_path_for(path):
    return Path(path).with_suffix(SIDECAR_SUFFIX)


def load_seed_file(path):
    """Read, check and parse one story file and its sidecar. Raises SeedError."""
    path = Path(path)
    if path.suffix.lower() == SIDECAR_SUFFIX:
        raise SeedError(path, _("this is a sidecar; give the story file (.txt) instead."))
    sidecar = None
    sidecar_path = sidecar_path_for(path)
    if sidecar_path.exists():
        try:
            sidecar = parse_sidecar(read_text_file(sidecar_path))
        except StoryError as error:
            raise SeedError(sidecar_path, str(error)) from None
    else:
        sidecar_path = None
    text = read_text_file(path)
    try:
        story = parse_story(text, sidecar)
    except StoryError as error:
        raise SeedError(path, str(error)) from None
    return SeedFile(path=path, story=story, sidecar_path=sidecar_path)


def seeds_dir():
    return Path(getattr(settings, "NEWSROOM_SEEDS_DIR", None) or Path.cwd() / "seeds")


def story_paths(paths=None):
    """The story files to import: the given paths (a folder stands for its *.txt), or seeds/."""
    if not paths:
        paths = [seeds_dir()]
    result = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (p for p in path.glob(f"*{STORY_SUFFIX}") if p.is_file()), key=lambda p: p.name
            )
            if not found:
                raise SeedError(path, _("no story files (*.txt) in this folder."))
            result.extend(found)
        else:
            result.append(path)  # read_text_file() reports a missing path.
    unique, seen = [], set()
    for path in result:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


def load_seed_files(paths=None):
    """Parse and validate every file before anything is written. Raises SeedError."""
    files = [load_seed_file(path) for path in story_paths(paths)]
    headlines = {}
    for seed in files:
        other = headlines.setdefault(seed.story.key, seed)
        if other is not seed:
            raise SeedError(
                seed.path,
                _("the same headline as %(other)s: %(headline)s")
                % {"other": other.path, "headline": seed.story.headline},
            )
    return files


# --- Writing ----------------------------------------------------------------------------------


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
    appeals: list[tuple[Path, AppealPassage]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines returned by signal receivers

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
        for _path, passage in self.appeals:
            out.append(_("Appeal passage found: %(heading)s") % {"heading": passage.heading})
        out.extend(self.notes)
        return out


class SeedImporter:
    """Writes parsed seed files to the page tree, in one transaction.

    * The News index (an ArticleIndexPage under the default site's root) is created if missing.
    * A story whose headline matches no article is created and published. One that matches a
      draft stub fills the stub, unless an editor saved the stub since, which is a conflict.
      One that matches a published article is skipped, or with `update=True` refreshed as a
      new revision and published.
    * Read also headlines that match no article become draft stubs under News.
    * Nothing else in the tree is touched: the front page's top story is the editor's choice
      (when it is empty, the newest live article leads), so the importer never pins one.
    """

    def __init__(self, *, update=False):
        self.update = update

    def run(self, paths=None):
        files = load_seed_files(paths)
        return self.import_files(files)

    @transaction.atomic
    def import_files(self, files):
        self.report = ImportReport()
        self.root = self._site_root()
        self.index = self._news_index()
        self._pages_by_key = self._index_articles()
        for seed in files:
            try:
                self._import_story(seed)
            except ValidationError as error:
                raise SeedError(seed.path, "; ".join(_flatten(error))) from None
        return self.report

    # The tree.

    def _site_root(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise SeedError(None, _("there is no default site to import into."))
        return site.root_page.specific

    def _news_index(self):
        children = ArticleIndexPage.objects.child_of(self.root).order_by("path")
        index = children.filter(slug="news").first() or children.first()
        if index is None:
            index = ArticleIndexPage.objects.descendant_of(self.root).order_by("path").first()
        if index is not None:
            return index
        index = ArticleIndexPage(title=_("News"))
        if not self.root.get_children().filter(slug="news").exists():
            index.slug = "news"
        self.root.add_child(instance=index)
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
        if page is None:
            action = "create"
        elif page.live or page.first_published_at:
            action = "update" if self.update else "skip"
        elif page.revisions.filter(user__isnull=False).exists():
            action = "conflict"
        else:
            action = "fill"

        if action == "skip":
            self.report.skipped.append(ReportEntry(page.title, _("already imported"), page.pk))
        elif action == "conflict":
            self.report.conflicts.append(
                ReportEntry(
                    page.title,
                    _("draft stub"),
                    page.pk,
                    reason=_("an editor has changed this draft since it was imported; left alone"),
                )
            )
        else:
            page = self._write_story(story, page)
            entry = ReportEntry(page.title, _("story"), page.pk)
            if action == "create":
                self.report.created.append(entry)
            elif action == "fill":
                self.report.updated.append(
                    ReportEntry(page.title, _("draft stub filled in"), page.pk)
                )
            else:
                self.report.updated.append(entry)

        if story.appeal is not None:
            self.report.appeals.append((seed.path, story.appeal))
            responses = appeal_passage_found.send(
                sender=type(self), passage=story.appeal, path=seed.path, update=self.update
            )
            # A receiver may return a line for the report ("Appeal created: …").
            self.report.notes.extend(
                str(response)
                for _receiver, response in responses
                if isinstance(response, Promise | str)
            )

    def _write_story(self, story, page):
        targets = [self._resolve(item, story) for item in story.read_also]
        is_new = page is None
        if is_new:
            page = ArticlePage(live=False)
        page.title = story.headline
        page.draft_title = story.headline
        page.standfirst = story.standfirst
        if story.source_label is not None:
            page.source_label = story.source_label
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
        self.report.created.append(ReportEntry(stub.title, _("draft stub"), stub.pk))
        return stub


def _flatten(error):
    if hasattr(error, "message_dict"):
        return [f"{key}: {msg}" for key, msgs in error.message_dict.items() for msg in msgs]
    return list(error.messages)


def import_seeds(paths=None, *, update=False):
    """Parse every file, then import them all in one transaction. Raises SeedError."""
    return SeedImporter(update=update).run(paths)


__all__ = [
    "AppealPassage",
    "ImportReport",
    "ParsedBlock",
    "ParsedReadAlso",
    "SeedError",
    "SeedFile",
    "SeedImporter",
    "Sidecar",
    "Story",
    "StoryError",
    "import_seeds",
    "load_seed_file",
    "load_seed_files",
    "normalise_title",
    "parse_appeal",
    "parse_sidecar",
    "parse_story",
    "read_text_file",
    "split_source",
]
