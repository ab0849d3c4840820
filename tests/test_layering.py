"""How the two apps hang together: articles never imports membership, imports sit at the top
of modules, and no module imports another that imports it back (directly or round a circle).

Read from the source with `ast`, so an import hidden in a function, or a circle that Python
happens to survive in today's import order, is caught before it breaks someone's change.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("articles", "membership")


def app_modules():
    """{dotted module name: path} for every module of both apps, migrations left out."""
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = app_modules()


def is_package(name):
    return MODULES[name].name == "__init__.py"


def resolve(module, node):
    """The dotted names an import statement in `module` brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module if is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module
    # `from . import read_also` imports a module; `from .models import Appeal` a name.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def imports(module, *, top_level):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    nodes = tree.body if top_level else ast.walk(tree)
    found = []
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.extend(resolve(module, node))
    return found


def edges(module):
    """The app modules that importing `module` runs, with their parent packages, except the
    packages `module` itself sits in (a package may import its own submodules)."""
    own = {module.rsplit(".", n)[0] for n in range(module.count(".") + 1)}
    targets = set()
    for name in imports(module, top_level=True):
        parts = name.split(".")
        for n in range(1, len(parts) + 1):
            prefix = ".".join(parts[:n])
            if prefix in MODULES and prefix not in own:
                targets.add(prefix)
    return targets


def test_articles_never_import_membership():
    for module in MODULES:
        if module.startswith("articles"):
            names = imports(module, top_level=False)
            assert not [name for name in names if name.split(".")[0] == "membership"], module


def test_imports_sit_at_the_top_of_modules():
    """Except in AppConfig.ready(), where Django wants signal receivers connected."""
    for module, path in MODULES.items():
        if path.name == "apps.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nested = [
            node.lineno
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        assert not nested, f"{module}: imports inside functions on lines {nested}"


def test_no_module_imports_itself_round_a_circle():
    graph = {module: edges(module) for module in MODULES}
    state = {}  # module -> "open" while on the current path, "done" after

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circle = path[path.index(target) :] + [target]
                pytest.fail("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_every_module_imports():
    """Each module of both apps, imported after django.setup() in a fresh interpreter."""
    code = (
        "import django, importlib, sys; django.setup(); "
        "[importlib.import_module(name) for name in sys.argv[1:]]"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and module names
        [sys.executable, "-c", code, *sorted(MODULES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
