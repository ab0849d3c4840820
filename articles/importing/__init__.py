"""The seed importer: story files (plus optional TOML sidecars) into articles.

* `parsing`: text into dataclasses (`parse_story`, `parse_sidecar`), and how headlines match
  (`normalise_title`, `split_source`). No database.
* `files`: finding, reading and checking the files; every file of a run is parsed and checked
  before anything is written.
* `writer`: `SeedImporter` writes the stories in one transaction and returns an `ImportReport`.
  The `import_seed` management command is a thin wrapper around it.
* `indexing`: the reference- and search-index updates of what the writer wrote, in one batch.
"""

from .files import SeedError, load_seed_files
from .parsing import StoryError, normalise_title, parse_sidecar, parse_story, split_source
from .writer import ImportReport, SeedImporter

__all__ = [
    "ImportReport",
    "SeedError",
    "SeedImporter",
    "StoryError",
    "load_seed_files",
    "normalise_title",
    "parse_sidecar",
    "parse_story",
    "split_source",
]
