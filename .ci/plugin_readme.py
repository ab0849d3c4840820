"""Apply README's "Use the apps in your own Wagtail site" to a project made by `wagtail start`.

Usage: python .ci/plugin_readme.py README.md PROJECT_DIR

The convention: inside that section, a fenced code block whose first line is a comment naming
a file is a change to that file, and the rest of the block is applied word for word:

    # mysite/settings/base.py: append            -> appended to the file
    # mysite/urls.py: before <text>              -> inserted before the first line holding <text>
    {# mysite/templates/base.html: before <text> #}   (the same, in a Django template)

Paths are relative to the project's folder (where manage.py is). Blocks without such a first
line (shell commands, examples) are not applied. A block naming a file that does not exist, or
a text that is not in the file, stops the check: README and `wagtail start` must agree.
"""

import re
import sys
from pathlib import Path

SECTION = "## Use the apps in your own Wagtail site"
DIRECTIVE = re.compile(
    r"^(?:#|\{#)\s*(?P<path>[\w./-]+):\s*(?P<how>append|before)\b(?P<text>.*?)(?:#\})?$"
)


def section(readme):
    text = readme.read_text(encoding="utf-8")
    start = text.index("\n" + SECTION + "\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def blocks(text):
    """Each fenced block's lines, without its fences."""
    return [
        m.group(1).splitlines() for m in re.finditer(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
    ]


def apply(readme, project):
    applied = []
    for lines in blocks(section(readme)):
        match = DIRECTIVE.match(lines[0].strip()) if lines else None
        if not match:
            continue
        path = project / match["path"]
        if not path.is_file():
            sys.exit(f"README names {match['path']}, which `wagtail start` did not create")
        body = "\n".join(lines[1:]) + "\n"
        content = path.read_text(encoding="utf-8")
        if match["how"] == "append":
            content = content.rstrip("\n") + "\n\n" + body
        else:
            anchor = match["text"].strip()
            if not anchor:
                sys.exit(f"README: 'before' needs a text, in the block for {match['path']}")
            old = content.splitlines(keepends=True)
            at = next((i for i, line in enumerate(old) if anchor in line), None)
            if at is None:
                sys.exit(f"README: {anchor!r} is not in {match['path']}")
            content = "".join(old[:at]) + body + "".join(old[at:])
        path.write_text(content, encoding="utf-8")
        applied.append(f"{match['path']}: {match['how']} ({len(lines) - 1} lines)")
    if not applied:
        sys.exit("README's section has no block that names a file")
    for line in applied:
        print("applied", line)


if __name__ == "__main__":
    apply(Path(sys.argv[1]), Path(sys.argv[2]))
