"""
Which app may import which, as docs/ARCHITECTURE.md draws them: the layout cannot drift without a test saying so.

Every module under ``apps/`` is read with ``ast``, nothing is imported: each ``import``, ``from … import`` (relative
ones resolved), and ``import_module("apps.…")`` with a literal name counts, wherever it sits in the module (inside a
function or under ``TYPE_CHECKING`` too), because each is a dependency all the same.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parent.parent / "apps"

# The apps that hold the business: every other app is built on them, and they know nothing of what sits above.
DOMAIN_APPS = frozenset({"accounting", "catalog", "customers", "invoicing", "purchasing", "inventory", "users"})
# Stand-ins for Intuit, reached over HTTP or SOAP as the real services are; only the benchmarks drive them directly.
SANDBOXES = frozenset({"qbo_sandbox", "qbd_sandbox"})


@dataclass(frozen=True)
class AppImport:
    """One import of a module of another app: ``importer`` imports ``imported`` at ``where`` (path:line)."""

    importer: str
    imported: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.importer} imports {self.imported}"


def imported_modules(source: str, *, package: str) -> Iterator[tuple[str, int]]:
    """
    The dotted names ``source`` imports, with their line numbers; ``package`` is the package the module is in
    (``apps.quickbooks.sync`` for ``apps/quickbooks/sync/engine.py`` and for ``apps/quickbooks/sync/__init__.py``),
    against which relative imports are resolved.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module, node.lineno
            # "from apps import quickbooks" names the app in the imported names, not in the module.
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield name.value, node.lineno


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "import_module") or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )


def app_of(module: str) -> str | None:
    """The app a dotted module name belongs to (``apps.quickbooks.sync`` → ``quickbooks``), or None outside apps/."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else None


def app_imports(apps_dir: Path = APPS_DIR) -> list[AppImport]:
    """Every import by a module of one app of a module of another app, under ``apps_dir``."""
    found = set()
    for path in sorted(apps_dir.rglob("*.py")):
        relative = path.relative_to(apps_dir.parent).with_suffix("")
        package = ".".join(relative.parts[:-1])
        importer = relative.parts[1]
        for module, line in imported_modules(path.read_text(encoding="utf-8"), package=package):
            imported = app_of(module)
            if imported is not None and imported != importer and (apps_dir / imported).is_dir():
                found.add(AppImport(importer, imported, f"{relative.as_posix()}.py:{line}"))
    return sorted(found, key=lambda one: one.where)


@pytest.fixture(scope="module")
def imports() -> list[AppImport]:
    return app_imports()


def _explained(violations: list[AppImport]) -> str:
    return "\n".join(str(one) for one in violations)


def test_domain_apps_import_nothing_that_sits_above_them(imports):
    above = frozenset({"quickbooks", "demo", "benchmarks", "dashboard", "imports"}) | SANDBOXES
    violations = [one for one in imports if one.importer in DOMAIN_APPS and one.imported in above]
    assert not violations, _explained(violations)


def test_core_imports_no_other_app(imports):
    violations = [one for one in imports if one.importer == "core"]
    assert not violations, _explained(violations)


def test_imports_app_imports_neither_the_demo_nor_a_sandbox(imports):
    violations = [one for one in imports if one.importer == "imports" and one.imported in {"demo"} | SANDBOXES]
    assert not violations, _explained(violations)


def test_nothing_imports_the_benchmarks_or_the_dashboard(imports):
    violations = [one for one in imports if one.imported in {"benchmarks", "dashboard"}]
    assert not violations, _explained(violations)


def test_only_the_benchmarks_drive_the_sandboxes_directly(imports):
    violations = [
        one for one in imports if one.imported in SANDBOXES and one.importer not in SANDBOXES | {"benchmarks"}
    ]
    assert not violations, _explained(violations)


def test_the_online_sandbox_imports_no_domain_app_nor_the_quickbooks_app(imports):
    forbidden = DOMAIN_APPS | {"quickbooks", "imports", "demo"}
    violations = [one for one in imports if one.importer == "qbo_sandbox" and one.imported in forbidden]
    assert not violations, _explained(violations)


def test_the_walk_sees_the_imports_the_layout_is_made_of(imports):
    """A walk that found nothing would pass every rule above: it must see the dependencies known to exist."""
    edges = {(one.importer, one.imported) for one in imports}
    assert {("invoicing", "customers"), ("quickbooks", "invoicing"), ("benchmarks", "quickbooks")} <= edges


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("import apps.quickbooks.sync", "apps.demo", "apps.quickbooks.sync"),
        ("from apps.demo.services import demo_seed", "apps.imports", "apps.demo.services"),
        ("from apps import demo", "apps.imports", "apps.demo"),
        ("from ...customers import services", "apps.invoicing.kinds", "apps.customers"),
        ("from . import models", "apps.core", "apps.core.models"),
        ("def f():\n    from apps.benchmarks import server", "apps.core", "apps.benchmarks"),
        ("import importlib\nimportlib.import_module('apps.quickbooks.tasks')", "apps.core", "apps.quickbooks.tasks"),
        ("from importlib import import_module\nimport_module('apps.demo')", "apps.core", "apps.demo"),
    ],
)
def test_imported_modules_reads_every_form_of_import(source, package, expected):
    assert expected in {module for module, _line in imported_modules(source, package=package)}


def test_app_imports_names_the_file_and_line(tmp_path):
    (tmp_path / "apps" / "imports" / "kinds").mkdir(parents=True)
    (tmp_path / "apps" / "demo").mkdir()
    (tmp_path / "apps" / "imports" / "kinds" / "notes.py").write_text("import os\n\nfrom apps.demo import services\n")

    found = app_imports(tmp_path / "apps")

    assert found == [AppImport("imports", "demo", "apps/imports/kinds/notes.py:3")]


# The engine (runs, specs, plan, apply, links, journal: ``sync``) and the mapping between FieldOffice's models and the
# engine's records (``mapping``) drive both backends through ``sync.backend`` and may import neither; each backend's
# package (client, OAuth, wire mapping, webhooks; Web Connector, qbXML, wire mapping) knows nothing of the other.
QUICKBOOKS_DIR = APPS_DIR / "quickbooks"
BACKENDS = {"online": "apps.quickbooks.online", "desktop": "apps.quickbooks.desktop"}
# QuickBooks' own field names: only a backend's wire mapping and its client or qbXML layer write them.
WIRE_NAMES = frozenset({"Id", "SyncToken", "DisplayName", "ParentRef", "ListID", "EditSequence", "TxnID", "FullName"})


def _modules_under(folder: Path) -> list[tuple[Path, str]]:
    """Every module below ``folder`` with the package it is in."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(APPS_DIR.parent).with_suffix("").parts
        package = ".".join(parts if path.name == "__init__.py" else parts[:-1])
        found.append((path, package.removesuffix(".__init__")))
    return found


def _imports_of(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    violations = []
    for path, package in _modules_under(folder):
        for module, line in imported_modules(path.read_text(encoding="utf-8"), package=package):
            if any(module == one or module.startswith(f"{one}.") for one in forbidden):
                violations.append(f"{path.relative_to(APPS_DIR.parent)}:{line} imports {module}")
    return violations


@pytest.mark.parametrize("folder", ["sync", "mapping"])
def test_the_engine_imports_neither_backend(folder):
    violations = _imports_of(QUICKBOOKS_DIR / folder, tuple(BACKENDS.values()))
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize(("backend", "other"), [("online", "desktop"), ("desktop", "online")])
def test_a_backend_does_not_import_the_other(backend, other):
    violations = _imports_of(QUICKBOOKS_DIR / backend, (BACKENDS[other],))
    assert not violations, "\n".join(violations)


def _code_strings(source: str) -> Iterator[tuple[str, int]]:
    """The string literals of ``source`` that are code, not docstrings."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value, node.lineno


def test_the_engine_names_no_quickbooks_field():
    """The engine reads its records (``remote_id``, ``version``...), never a field of QuickBooks' wire formats."""
    found = [
        f"{path.relative_to(APPS_DIR.parent)}:{line}: {value!r}"
        for path, _package in _modules_under(QUICKBOOKS_DIR / "sync")
        for value, line in _code_strings(path.read_text(encoding="utf-8"))
        if value in WIRE_NAMES
    ]
    assert not found, "\n".join(found)


def test_the_desktop_emulator_imports_no_domain_app_nor_the_quickbooks_app(imports):
    forbidden = DOMAIN_APPS | {"quickbooks", "imports", "demo"}
    violations = [one for one in imports if one.importer == "qbd_sandbox" and one.imported in forbidden]
    assert not violations, _explained(violations)
