"""Story files and sidecars as text, turned into dataclasses. Nothing here touches the database.

A story file (README.md, "Importing stories", is the reference):

    Headline
    Standfirst
    Body paragraph, one per line…
    Read also:
    - Source: A headline from another outlet
    - One of our headlines
    A closing passage, only where the sidecar's appeal_starts says it starts…

The closing passage never becomes part of the article. `articles` does not know what it is
for: the writer hands its lines to whoever receives `articles.signals.closing_passage_found`.
"""

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape
from django.utils.translation import gettext as _

from ..models import ArticlePage

READ_ALSO_MARKER = "read also"
MAX_READ_ALSO = 50  # items in one story's list: each new one is a page to create
MAX_SOURCE_PREFIX_WORDS = 3
SIDECAR_KEYS = ("tags", "source", "source_url", "appeal_starts", "sources")

# Field limits, taken from the models so that a long line fails before anything is written.
MAX_TITLE = ArticlePage._meta.get_field("title").max_length
MAX_STANDFIRST = ArticlePage._meta.get_field("standfirst").max_length
MAX_SOURCE_LABEL = ArticlePage._meta.get_field("source_label").max_length
MAX_SOURCE_URL = ArticlePage._meta.get_field("source_url").max_length
URL_SCHEMES = ("http", "https")
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


class StoryError(ValueError):
    """A problem found while parsing text; the caller adds the file name."""


# --- Parsed data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sidecar:
    """The optional `<story>.toml` next to a story file. None means "not given"."""

    tags: tuple[str, ...] | None = None
    source: str | None = None
    source_url: str | None = None
    appeal_starts: str | None = None
    sources: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Line:
    """A non-blank line of a story file, stripped, with its line number in the file."""

    number: int
    text: str


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
    # The closing passage: the lines from the sidecar's appeal_starts on. Empty without one.
    closing_lines: tuple[str, ...] = ()
    appeal_starts: str | None = None
    tags: tuple[str, ...] | None = None  # None: the sidecar says nothing about tags
    source_label: str | None = None  # None: the sidecar says nothing about the source
    source_url: str | None = None  # None: the sidecar says nothing; "": no URL

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


def plain_key(text):
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
    return plain_key(split_source(s)[1])


# --- Sidecars ---------------------------------------------------------------------------------


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
        # Tags are case-insensitive: keep the first spelling of each.
        first_spelling = {}
        for tag in tags:
            first_spelling.setdefault(tag.casefold(), tag)
        tags = tuple(first_spelling.values())
    sources = _string_list(data, "sources", MAX_SOURCE_LABEL)
    appeal_starts = _string(data, "appeal_starts", None)
    if appeal_starts is not None and not plain_key(appeal_starts):
        raise StoryError(_("sidecar key 'appeal_starts' has no letters or digits."))
    return Sidecar(
        tags=tags,
        source=_string(data, "source", MAX_SOURCE_LABEL, allow_empty=True),
        source_url=_url(data, "source_url", MAX_SOURCE_URL),
        appeal_starts=appeal_starts,
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


def _url(data, key, max_length):
    """An http(s) URL, "" (no URL), or None (not given)."""
    value = _string(data, key, max_length, allow_empty=True)
    if not value:
        return value
    try:
        URLValidator(schemes=URL_SCHEMES)(value)
    except ValidationError:
        raise StoryError(
            _("sidecar key %(key)s must be an http:// or https:// URL, not %(value)s.")
            % {"key": repr(key), "value": repr(value[:80])}
        ) from None
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


# --- Stories ----------------------------------------------------------------------------------


def parse_story(text, sidecar=None):
    """A Story from the text of a story file and its sidecar (a Sidecar, a mapping or None).

    Raises StoryError with a one-line message when the story is malformed.
    """
    if not isinstance(sidecar, Sidecar):
        sidecar = sidecar_from_mapping(sidecar or {})
    lines = numbered_lines(text)
    headline, standfirst = head(lines)
    body_lines, item_lines, closing_lines = split_sections(lines[2:], sidecar.appeal_starts)
    read_also = read_also_items(item_lines, headline, sidecar.sources)
    return Story(
        headline=headline,
        standfirst=standfirst,
        body=body_blocks(body_lines, read_also),
        read_also=read_also,
        closing_lines=tuple(line.text for line in closing_lines),
        appeal_starts=sidecar.appeal_starts,
        tags=sidecar.tags,
        source_label=sidecar.source,
        source_url=sidecar.source_url,
    )


def split_lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def numbered_lines(text):
    """The non-blank lines of a story, stripped and numbered as in the file (BOM ignored)."""
    lines = [
        Line(number, line.strip())
        for number, line in enumerate(split_lines(text.removeprefix("\ufeff")), start=1)
    ]
    lines = [line for line in lines if line.text]
    if not lines:
        raise StoryError(_("no headline: the file has no text."))
    return lines


def head(lines):
    """The headline and the standfirst: the first two lines."""
    headline = lines[0].text
    if len(lines) < 2 or is_read_also_marker(lines[1].text):
        raise StoryError(_("the headline has no standfirst (line 2) after it."))
    standfirst = lines[1].text
    _check_length(headline, MAX_TITLE, _("the headline"))
    _check_length(standfirst, MAX_STANDFIRST, _("the standfirst"))
    if not plain_key(headline):
        raise StoryError(_("the headline has no letters or digits."))
    return headline, standfirst


def split_sections(lines, appeal_starts):
    """The lines after the standfirst, as (body, list items, closing passage).

    The body runs until the "Read also:" line or the closing passage, whichever comes first.
    The closing passage starts at the line the sidecar's appeal_starts names and runs to the
    end, or to the "Read also:" line when the list comes after it. Only list items follow
    the "Read also:" line.
    """
    marker = next((i for i, line in enumerate(lines) if is_read_also_marker(line.text)), None)
    closing = closing_start(lines, appeal_starts)
    if marker is not None and closing == marker:
        raise StoryError(_("the sidecar's appeal_starts names the Read also: line."))
    body = lines[: min(i for i in (marker, closing, len(lines)) if i is not None)]
    if marker is None:
        return body, [], lines[closing:] if closing is not None else []
    if closing is not None and closing < marker:
        return body, list_items(lines[marker + 1 :], appeal_starts), lines[closing:marker]
    end = closing if closing is not None else len(lines)
    return body, list_items(lines[marker + 1 : end], appeal_starts), lines[end:]


def is_read_also_marker(text):
    return text.endswith(":") and text.rstrip(":").strip().casefold() == READ_ALSO_MARKER


def closing_start(lines, appeal_starts):
    """The index of the line the sidecar's appeal_starts names; None without one."""
    if appeal_starts is None:
        return None
    wanted = plain_key(appeal_starts)
    for i, line in enumerate(lines):
        if plain_key(line.text) == wanted:
            return i
    raise StoryError(
        _("the sidecar's appeal_starts line is not in the story: %(line)s")
        % {"line": appeal_starts}
    )


def list_items(lines, appeal_starts):
    """The "- " items of a Read also list, as Lines without the dash. Anything else is an error."""
    items = []
    for line in lines:
        match = _ITEM_RE.match(line.text)
        if match is None:
            raise stray_line_error(line, appeal_starts)
        items.append(Line(line.number, match["text"]))
    return items


def stray_line_error(line, appeal_starts):
    message = _("unexpected text on line %(line)d, after the Read also list: %(text)s") % {
        "line": line.number,
        "text": line.text,
    }
    if appeal_starts is None:
        message += " " + _(
            "(only “- ” items may follow the list; text after it is kept apart from the "
            "article only from the line the sidecar's appeal_starts names)"
        )
    return StoryError(message)


def read_also_items(lines, headline, sources):
    """The Read also list: at most MAX_READ_ALSO items, each article once, never the story."""
    if len(lines) > MAX_READ_ALSO:
        raise StoryError(
            _("the Read also list has %(count)d items; the limit is %(limit)d.")
            % {"count": len(lines), "limit": MAX_READ_ALSO}
        )
    items, keys = [], set()
    for line in lines:
        item = read_also_item(line.text, sources)
        if item.key == normalise_title(headline):
            raise StoryError(
                _("the Read also list names the story itself: %(item)s") % {"item": line.text}
            )
        if item.key not in keys:  # The same article twice: one link is enough.
            keys.add(item.key)
            items.append(item)
    return items


def read_also_item(text, sources):
    source_label, title = split_source(text, sources)
    _check_length(title, MAX_TITLE, _("the Read also headline %(title)s") % {"title": title})
    _check_length(
        source_label, MAX_SOURCE_LABEL, _("the source %(source)s") % {"source": source_label}
    )
    item = ParsedReadAlso(text=text, title=title, source_label=source_label)
    if not item.key:
        raise StoryError(
            _("the Read also item %(item)s has no letters or digits.") % {"item": text}
        )
    return item


def body_blocks(lines, read_also):
    """Paragraphs, and an inline Read also block where a line repeats a list item."""
    positions = {item.key: i for i, item in enumerate(read_also)}
    body = [ParsedBlock(line.text, positions.get(normalise_title(line.text))) for line in lines]
    if not any(block.is_paragraph for block in body):
        raise StoryError(_("the story has a headline and standfirst but no body paragraphs."))
    return body


def _check_length(text, max_length, what):
    if len(text) > max_length:
        raise StoryError(
            _("%(what)s is longer than %(max)d characters.") % {"what": what, "max": max_length}
        )
