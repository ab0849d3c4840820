"""Every user-facing string in the apps goes through translation, and the shipped .pot is current.

The template check parses each template of `articles` and `membership` with Django's template
engine and reads the text outside {% translate %} and {% blocktranslate %}: in .html templates,
the visible text and the alt, aria-label, title, placeholder and value attributes; in .txt email
templates, all of it. Variables and tags are not text, so `{{ page.title }}` passes; a word typed
into the template does not, unless ALLOWED names it with a reason.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Engine, Template
from django.template.base import Node, TextNode
from django.template.defaulttags import CommentNode, IfNode, VerbatimNode
from django.template.loader_tags import BlockNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import override_settings
from django.utils import translation

import articles
import membership
from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [
    Path(articles.__file__).parent / "templates",
    Path(membership.__file__).parent / "templates",
]
TRANSLATED_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder"}
# An input's value is text people read only on a button; elsewhere it is data for the server.
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Elements whose content is code, not text for people.
CODE_ELEMENTS = {"script", "style"}
# A stand-in for a tag or a variable: not a letter, so it never counts as text.
PLACEHOLDER = "\ue000"
LETTER = re.compile(r"[^\W\d_]")

# Blocks the site's base.html places inside an attribute or a meta tag: their content is a
# machine value (a CSS class, an OpenGraph type), not text.
NON_TEXT_BLOCKS = {"body_class", "og_type"}

# Nodes whose content is already translated, or is not output at all.
NOT_TEXT_NODES = (TranslateNode, BlockTranslateNode, CommentNode)

# (template, text) pairs that stay as they are, each with its reason.
ALLOWED = {
    # None yet: a brand name or a symbol would go here.
}


def _flatten(nodelist):
    """The template's text in order, with every tag and variable replaced by PLACEHOLDER."""
    parts = []
    for node in nodelist:
        if isinstance(node, TextNode):
            parts.append(node.s)
        elif isinstance(node, VerbatimNode):
            parts.append(node.content)
        elif isinstance(node, NOT_TEXT_NODES) or (
            isinstance(node, BlockNode) and node.name in NON_TEXT_BLOCKS
        ):
            parts.append(PLACEHOLDER)
        elif isinstance(node, IfNode):
            parts.append(PLACEHOLDER)
            for _, branch in node.conditions_nodelists:
                parts.append(_flatten(branch))
                parts.append(PLACEHOLDER)
        else:
            parts.append(PLACEHOLDER)
            for name in node.child_nodelists:
                child = getattr(node, name, None)
                if child and not isinstance(child, Node):
                    parts.append(_flatten(child))
                    parts.append(PLACEHOLDER)
    return "".join(parts)


class _TextFinder(HTMLParser):
    """Collects visible text and translated attributes that contain letters."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._code_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        shown = set(TRANSLATED_ATTRIBUTES)
        if tag == "input" and attributes.get("type") in BUTTON_INPUT_TYPES:
            shown.add("value")
        for name, value in attrs:
            # data-label-* attributes hold the text a script swaps in (topics.js's button).
            if (name in shown or name.startswith("data-label")) and value and LETTER.search(value):
                self.found.append(f'{name}="{value}"')
        if tag in CODE_ELEMENTS:
            self._code_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in CODE_ELEMENTS:
            self._code_depth -= 1

    def handle_endtag(self, tag):
        if tag in CODE_ELEMENTS and self._code_depth:
            self._code_depth -= 1

    def handle_data(self, data):
        if self._code_depth:
            return
        for chunk in data.split(PLACEHOLDER):
            if LETTER.search(chunk):
                self.found.append(" ".join(chunk.split()))


def untranslated_text(source, name):
    """The user-facing text in a template's source that is not inside a translation tag."""
    engine = Engine.get_default()
    template = engine.from_string(source)
    flat = _flatten(template.nodelist)
    if name.endswith(".html"):
        finder = _TextFinder()
        finder.feed(flat)
        finder.close()
        found = finder.found
    else:
        found = [" ".join(chunk.split()) for chunk in flat.split(PLACEHOLDER)]
        found = [chunk for chunk in found if LETTER.search(chunk)]
    return [text.replace(PLACEHOLDER, "{…}") for text in found if (name, text) not in ALLOWED]


def _templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                yield path.relative_to(directory).as_posix(), path


def test_every_template_text_goes_through_translation():
    templates = list(_templates())
    assert len(templates) > 60, "the template folders moved: this check reads nothing"
    problems = [
        f"{name}: {text!r}"
        for name, path in templates
        for text in untranslated_text(path.read_text(encoding="utf-8"), name)
    ]
    assert not problems, "text outside {% translate %}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<img src="{{ url }}" alt="A photo">', ['alt="A photo"']),
        ('<input placeholder="Your email">', ['placeholder="Your email"']),
        ('<input type="submit" value="Send">', ['value="Send"']),
        ('<input type="hidden" name="action" value="approve">', []),
        ('<form data-label-vote="Vote">', ['data-label-vote="Vote"']),
        ("{% block body_class %}page-article{% endblock %}", []),
        ("{% if x %}<b>Yes</b>{% else %}<b>{{ y }}</b>{% endif %}", ["Yes"]),
        ("{% for x in xs %}{{ x }}{% empty %}Nothing{% endfor %}", ["Nothing"]),
        ("{% block b %}<p>Inside a block</p>{% endblock %}", ["Inside a block"]),
        ("{% load i18n %}<p>{% translate 'Hello' %}</p>", []),
        ("{% load i18n %}<p>{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}</p>", []),
        ('<p class="lead" data-x="y">{{ text }} &middot; {{ more }}</p>', []),
        ("<script>const word = 'code';</script><style>a { color: red }</style>", []),
        ("{% comment %}A note for developers{% endcomment %}", []),
        ("{% verbatim %}<p>Shown as is</p>{% endverbatim %}", ["Shown as is"]),
    ],
)
def test_the_template_check_finds_untranslated_text(source, found):
    assert untranslated_text(source, "example.html") == found


def test_the_template_check_reads_all_of_a_text_template():
    source = "{% load i18n %}{% translate 'Hello,' %}\n\nSee you soon.\n{{ url }}"
    assert untranslated_text(source, "example.txt") == ["See you soon."]


# Keyword arguments and class attributes whose string is shown to readers, patrons or editors.
LABEL_NAMES = {
    "label",
    "heading",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "menu_label",
    "page_title",
    "placeholder",
    "empty_message",
}
# Calls whose argument is shown: django.contrib.messages (the message follows the request) and
# the errors a reader sees (the first argument).
MESSAGES_CALLS = {"debug", "info", "success", "warning", "error", "add_message"}
ERROR_CALLS = {"Http404", "ValidationError", "PermissionDenied"}


def _python_modules():
    for app in (articles, membership):
        root = Path(app.__file__).parent
        for path in sorted(root.rglob("*.py")):
            # Migrations copy the translated labels as plain text; management commands speak
            # to operators.
            if not {"migrations", "management"} & set(path.relative_to(root).parts):
                yield path


def _has_letters(node):
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and LETTER.search(node.value)
        or isinstance(node, ast.JoinedStr)
    )


def _shown_argument(call):
    """The argument of `call` that people read, or None when the call shows nothing."""
    function = call.func
    if isinstance(function, ast.Name) and function.id in ERROR_CALLS and call.args:
        return call.args[0]
    if isinstance(function, ast.Attribute):
        owner = function.value
        if function.attr in ERROR_CALLS and call.args:
            return call.args[0]
        if isinstance(owner, ast.Name) and owner.id == "messages":
            position = 2 if function.attr == "add_message" else 1
            if function.attr in MESSAGES_CALLS and len(call.args) > position:
                return call.args[position]
    return None


def untranslated_python(source):
    """(line, text) of labels and messages written as plain strings in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg in LABEL_NAMES and _has_letters(node.value):
            found.append((node.value.lineno, ast.unparse(node.value)))
        elif isinstance(node, ast.Assign) and _has_letters(node.value):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            if LABEL_NAMES.intersection(names):
                found.append((node.lineno, ast.unparse(node.value)))
        elif isinstance(node, ast.Call) and _has_letters(shown := _shown_argument(node)):
            found.append((node.lineno, ast.unparse(shown)))
    return found


def test_every_python_label_and_message_goes_through_translation():
    modules = list(_python_modules())
    assert len(modules) > 50, "the apps moved: this check reads nothing"
    problems = [
        f"{path.relative_to(REPO)}:{line}: {text}"
        for path in modules
        for line, text in untranslated_python(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "plain strings where gettext is needed:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("models.CharField(verbose_name='title')", [(1, "'title'")]),
        ("FieldPanel('name', heading='Name')", [(1, "'Name'")]),
        ("messages.success(request, 'Saved.')", [(1, "'Saved.'")]),
        ("raise Http404(f'No {thing}')", [(1, "f'No {thing}'")]),
        ("class Meta:\n    verbose_name = 'tier'", [(2, "'tier'")]),
        ("models.CharField(verbose_name=_('title'))", []),
        ("messages.success(request, _('Saved.'))", []),
        ("forms.CharField(label='')", []),
        ("logger.error('Not for readers')", []),
        ("messages.add_message(request, messages.INFO, 'Hi')", [(1, "'Hi'")]),
        ("raise forms.ValidationError('Too long.')", [(1, "'Too long.'")]),
    ],
)
def test_the_python_check_finds_plain_labels(source, found):
    assert untranslated_python(source) == found


def test_the_shipped_pot_files_are_current():
    """`.ci/messages --check` regenerates the .pot files with makemessages and compares msgids."""
    if shutil.which("xgettext") is None:
        message = "xgettext is missing (apt-get install gettext)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    bash = shutil.which("bash")
    result = subprocess.run(  # noqa: S603 - our own script, run by bash
        [bash, str(REPO / ".ci" / "messages"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _require_gettext():
    if shutil.which("msginit") is None:
        message = "GNU gettext is missing (apt-get install gettext)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_a_newsroom_translates_the_apps_as_readme_says(tmp_path, monkeypatch):
    """README's "Translating the interface": msgcat the two .pot files into one .po with
    msginit, fill it in, compilemessages, and the apps speak the language."""
    _require_gettext()
    po = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    pots = [str(REPO / app / "locale" / "django.pot") for app in ("articles", "membership")]
    merged = subprocess.run(  # noqa: S603 - GNU gettext on the shipped templates
        [shutil.which("msgcat"), *pots], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(  # noqa: S603 - GNU gettext
        [
            shutil.which("msginit"),
            "--no-translator",
            "--locale=fr",
            "--input=-",
            f"--output-file={po}",
        ],
        input=merged,
        capture_output=True,
        text=True,
        check=True,
    )
    text = po.read_text(encoding="utf-8")
    for english, french in [("No such tag.", "Aucun mot-clé de ce nom."), ("Votes:", "Votes :")]:
        entry = f'msgid "{english}"\nmsgstr ""'
        assert entry in text, f"{english!r} is not in the .pot files"
        text = text.replace(entry, f'msgid "{english}"\nmsgstr "{french}"')
    po.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("compilemessages", locale=["fr"], verbosity=0)
        assert po.with_suffix(".mo").is_file()
        with translation.override("fr"):
            rendered = Template("{% load i18n %}{% translate 'Votes:' %}").render(Context())
            assert rendered == "Votes :"
            assert translation.gettext("No such tag.") == "Aucun mot-clé de ce nom."
