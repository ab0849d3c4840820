"""Finding, reading and checking story files and their sidecars, before anything is written."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .. import conf
from .parsing import Story, StoryError, parse_sidecar, parse_story, split_lines

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB
STORY_SUFFIX = ".txt"
SIDECAR_SUFFIX = ".toml"
# Control characters other than tab and line ends: a sign of a binary file.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class SeedError(Exception):
    """A problem with an import. `str()` is a one-line message naming the file, if there is one."""

    def __init__(self, path, message):
        self.path = Path(path) if path is not None else None
        self.message = " ".join(str(message).split())
        super().__init__(f"{self.path}: {self.message}" if self.path else self.message)


@dataclass(frozen=True)
class SeedFile:
    path: Path
    story: Story


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
            % {"code": ord(control.group()), "line": len(split_lines(text[: control.start()]))},
        )
    if not text:
        raise SeedError(path, _("the file is empty."))
    return text


def load_seed_file(path):
    """Read, check and parse one story file and its sidecar. Raises SeedError."""
    path = Path(path)
    if path.suffix.lower() == SIDECAR_SUFFIX:
        raise SeedError(path, _("this is a sidecar; give the story file (.txt) instead."))
    sidecar = None
    sidecar_path = path.with_suffix(SIDECAR_SUFFIX)
    if sidecar_path.exists():
        try:
            sidecar = parse_sidecar(read_text_file(sidecar_path))
        except StoryError as error:
            raise SeedError(sidecar_path, str(error)) from None
    text = read_text_file(path)
    try:
        story = parse_story(text, sidecar)
    except StoryError as error:
        raise SeedError(path, str(error)) from None
    return SeedFile(path=path, story=story)


def story_paths(paths=None):
    """The story files to import: the given paths (a folder stands for its *.txt), or seeds/."""
    result = []
    for raw in paths or [conf.seeds_dir()]:
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
    unique = {}
    for path in result:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


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
