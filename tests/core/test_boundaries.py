"""The boundaries between apps (issue 11), checked on the source rather than hoped for.

An app reaches another app only through the doors that app keeps public:

- `queries` (reads) and `services` (writes), each a module or a package, imported as
  `from cityloom.study import queries` or `from cityloom.study.queries import city_profile`,
  never from a module inside the package;
- `permissions`: the object-level rules another app must respect too;
- `models`, because Django needs the class for a ForeignKey, a type hint, a choice
  (`Region.choices`) or `get_object_or_404(City, ...)`. Reading another app's rows through its
  manager (`City.objects.filter(...)`) is what that app's `queries` are for, so it is refused
  except where data is built wholesale: models.py, admin.py, migrations, demo.py and
  management commands (the demo's factories);
- the demo modules may also build on each other's demo data (`network.demo` makes the cities).

`cityloom.core` is open to every app, and imports none: what it needs of an app, it is given
(a setting names the admin's commission rule; the observatory's trends hook takes
`core.trends.Item`s); the tags practices and publications share are core's own model. An
engine is imported only by the app that bridges to it, in its `queries` or `services`: study
and the index, mentoring and the matching, meetings and the barcamp solver. A name starting
with `_` is never imported from, or read off, a module of another app or of core.

What does not hold yet is listed in `KNOWN`, each entry with its reason; the test fails when an
entry is no longer needed, so the list only shrinks.
"""

import ast
import tomllib
from pathlib import Path, PurePosixPath

import pytest

import cityloom

ROOT = Path(cityloom.__file__).parent
# Every Django app of the project but core, new ones included as they come (an `apps.py`).
APPS = tuple(sorted(p.parent.name for p in ROOT.glob("*/apps.py") if p.parent.name != "core"))
DOORS = ("queries", "services", "permissions", "models")
ENGINE_BRIDGES = {"study": "index", "mentoring": "matching", "meetings": "barcamp"}
MANAGERS = ("objects", "_default_manager", "_base_manager")

# "<path under cityloom/>: <what it reaches>" -> why it still does. Fix the code, then drop the
# entry: the test fails on an entry nothing needs any more.
KNOWN: dict[str, str] = {}


def _module_name(path: PurePosixPath) -> tuple[str, bool]:
    """Dotted name of the module at `path` (relative to cityloom/), and whether it is a package."""
    parts = ["cityloom", *path.with_suffix("").parts]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imports(tree: ast.Module, path: PurePosixPath):
    """(line, module, name, bound) for every import, relative ones resolved: `name` is None for
    `import x.y`, `bound` is the local name it binds."""
    module, is_package = _module_name(path)
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None, alias.asname or alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                yield node.lineno, source, alias.name, alias.asname or alias.name


def _is_module(parts: list[str]) -> bool:
    where = ROOT.joinpath(*parts[1:])
    return where.is_dir() or where.with_suffix(".py").is_file()


def _is_exempt_from_managers(rest: tuple[str, ...]) -> bool:
    return (
        rest[-1] in ("models.py", "admin.py", "demo.py")
        or "migrations" in rest
        or rest[:2] == ("management", "commands")
    )


def _is_bridge(rest: tuple[str, ...]) -> bool:
    return rest[0] in ("queries.py", "services.py", "queries", "services")


def violations(source: str, path: PurePosixPath) -> set[str]:
    """Every way the module at `path` (under cityloom/) crosses the boundary of another app."""
    app, rest = path.parts[0], path.parts[1:]
    tree = ast.parse(source, filename=str(path))
    is_demo = rest[-1] == "demo.py" or rest[:2] == ("management", "commands")
    found = set()
    models, modules = {}, {}  # local name -> dotted name of another app's model / module
    for _line, source_module, name, bound in _imports(tree, path):
        target = f"{source_module}.{name}" if name else source_module
        parts = target.split(".")
        if parts[0] != "cityloom" or len(parts) < 2 or parts[1] == app:
            continue
        where = f"{path}: {target}"
        if any(p.startswith("_") for p in parts[2:]):
            found.add(where)
        elif parts[1] == "core":
            if _is_module(parts):
                modules[bound] = target
        elif parts[1] == "engines":
            if not (len(parts) > 2 and ENGINE_BRIDGES.get(app) == parts[2] and _is_bridge(rest)):
                found.add(where)
        elif parts[1] not in APPS:
            found.add(where)  # the project's wiring (settings, urls, api) is not an app's door
        elif len(parts) < 3 or parts[2] not in DOORS + (("demo",) if is_demo else ()):
            found.add(f"{path}: {'.'.join(parts[:3])}")
        elif len(source_module.split(".")) > 3:
            found.add(f"{path}: {source_module}")  # inside a door's package, past its __init__
        elif parts[2] == "models" and len(parts) == 4:
            models[bound] = target
        elif _is_module(parts):
            modules[bound] = target
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in modules:
            owner = modules[node.value.id]
            if node.attr.startswith("_"):
                found.add(f"{path}: {owner}.{node.attr}")
        if node.attr in MANAGERS and not _is_exempt_from_managers(rest):
            value = node.value
            if isinstance(value, ast.Name) and value.id in models:
                found.add(f"{path}: {models[value.id]}.{node.attr}")
            elif (
                isinstance(value, ast.Attribute)
                and isinstance(value.value, ast.Name)
                and modules.get(value.value.id, "").endswith(".models")
                and not modules[value.value.id].startswith("cityloom.core")
            ):
                found.add(f"{path}: {modules[value.value.id]}.{value.attr}.{node.attr}")
    return found


# "<path under cityloom/>: <app module>" -> why core still imports that app. Same rule as KNOWN.
CORE_KNOWN = {
    "core/management/commands/demo.py: cityloom.network.models": (
        "the demo command counts the imported cities before loading the demo network"
    ),
}


def core_imports_of_apps(source: str, path: PurePosixPath) -> set[str]:
    """Every app module the core module at `path` (under cityloom/) imports, as `<path>: <module>`
    (the app's top-level module: `cityloom.network.permissions`)."""
    found = set()
    for _line, source_module, name, _bound in _imports(ast.parse(source), path):
        parts = (f"{source_module}.{name}" if name else source_module).split(".")
        if parts[0] == "cityloom" and len(parts) > 1 and parts[1] in APPS:
            found.add(f"{path}: {'.'.join(parts[:3])}")
    return found


def _core_current() -> set[str]:
    found = set()
    for file in sorted((ROOT / "core").rglob("*.py")):
        path = PurePosixPath(file.relative_to(ROOT).as_posix())
        found |= core_imports_of_apps(file.read_text(), path)
    return found


def _current() -> set[str]:
    found = set()
    for app in APPS:
        for file in sorted((ROOT / app).rglob("*.py")):
            path = PurePosixPath(file.relative_to(ROOT).as_posix())
            found |= violations(file.read_text(), path)
    return found


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("mentoring/views.py", "from cityloom.study import queries, services", set()),
        ("mentoring/views.py", "from cityloom.study.queries import city_profile", set()),
        ("mentoring/views.py", "from cityloom.network.permissions import is_secretariat", set()),
        ("mentoring/views.py", "from cityloom.core.axes import Axis", set()),
        ("mentoring/views.py", "from ..core import ratelimit", set()),
        (
            "mentoring/views.py",
            "from cityloom.study.queries.results import x",
            {"mentoring/views.py: cityloom.study.queries.results"},
        ),
        (
            "mentoring/views.py",
            "from ..study import report",
            {"mentoring/views.py: cityloom.study.report"},
        ),
        (
            "mentoring/views.py",
            "import cityloom.study.report",
            {"mentoring/views.py: cityloom.study.report"},
        ),
        (
            "mentoring/views.py",
            "from cityloom.study.queries import _private",
            {"mentoring/views.py: cityloom.study.queries._private"},
        ),
        (
            "mentoring/views.py",
            "from cityloom.study import queries\nqueries._private()",
            {"mentoring/views.py: cityloom.study.queries._private"},
        ),
        (
            "mentoring/views.py",
            "from cityloom.core import text\ntext._fold()",
            {"mentoring/views.py: cityloom.core.text._fold"},
        ),
        # Another app's model: for types and key fetches, not for reading through its manager.
        (
            "mentoring/views.py",
            "from cityloom.network.models import City\n"
            "def v(r, pk: int) -> City:\n    return get_object_or_404(City, pk=pk)",
            set(),
        ),
        (
            "mentoring/views.py",
            "from cityloom.network.models import City\nCity.objects.all()",
            {"mentoring/views.py: cityloom.network.models.City.objects"},
        ),
        (
            "mentoring/views.py",
            "from cityloom.network import models\nmodels.City.objects.all()",
            {"mentoring/views.py: cityloom.network.models.City.objects"},
        ),
        (
            "mentoring/demo.py",
            "from cityloom.network.models import City\nCity.objects.all()",
            set(),
        ),
        ("mentoring/views.py", "from .models import Programme\nProgramme.objects.all()", set()),
        ("study/demo.py", "from cityloom.network import demo", set()),
        (
            "study/views/public.py",
            "from cityloom.network import demo",
            {"study/views/public.py: cityloom.network.demo"},
        ),
        ("mentoring/services/requests.py", "from cityloom.engines import matching", set()),
        (
            "mentoring/views.py",
            "from cityloom.engines import matching",
            {"mentoring/views.py: cityloom.engines.matching"},
        ),
        (
            "mentoring/services/requests.py",
            "from cityloom.engines.index import build",
            {"mentoring/services/requests.py: cityloom.engines.index.build"},
        ),
    ],
)
def test_violations_follow_the_rules(path, source, expected):
    assert violations(source, PurePosixPath(path)) == expected


def test_every_app_is_checked():
    apps = {"accounts", "network", "practices", "observatory", "study", "meetings", "mentoring"}
    assert apps <= set(APPS)
    assert not {"core", "engines"} & set(APPS)


def test_apps_reach_each_other_only_through_their_doors():
    found = _current()
    assert sorted(found - KNOWN.keys()) == []


def test_known_crossings_are_still_needed():
    assert sorted(KNOWN.keys() - _current()) == []


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("core/admin.py", "from django.conf import settings", set()),
        ("core/admin.py", "from .models import AuditEvent", set()),
        ("core/admin.py", "from cityloom.core.text import fold", set()),
        (
            "core/admin.py",
            "from cityloom.network.permissions import secretariat_commissions",
            {"core/admin.py: cityloom.network.permissions"},
        ),
        (
            "core/admin.py",
            "def f():\n    from ..network import permissions",
            {"core/admin.py: cityloom.network.permissions"},
        ),
        (
            "core/management/commands/x.py",
            "from ....practices.models import Tag",
            {"core/management/commands/x.py: cityloom.practices.models"},
        ),
        ("core/tags.py", "import cityloom.accounts", {"core/tags.py: cityloom.accounts"}),
    ],
)
def test_core_imports_of_apps_are_found(path, source, expected):
    assert core_imports_of_apps(source, PurePosixPath(path)) == expected


def test_core_imports_no_app():
    """Core is what every app builds on: an app it imported could not be left out or replaced."""
    assert sorted(_core_current() - CORE_KNOWN.keys()) == []


def test_core_known_imports_are_still_needed():
    assert sorted(CORE_KNOWN.keys() - _core_current()) == []


def test_engines_import_neither_django_nor_the_apps():
    """Relative imports too: `from ...core import x` would climb out of the engines."""
    offenders = []
    for file in sorted((ROOT / "engines").rglob("*.py")):
        path = PurePosixPath(file.relative_to(ROOT).as_posix())
        for line, source_module, name, _bound in _imports(ast.parse(file.read_text()), path):
            target = f"{source_module}.{name}" if name else source_module
            top = target.split(".")
            if top[0] == "django" or (top[0] == "cityloom" and top[1:2] != ["engines"]):
                offenders.append(f"{path}:{line} {target}")
    assert offenders == []


def test_ruff_bans_django_in_the_engines():
    config = tomllib.loads((ROOT / "engines" / "ruff.toml").read_text())
    assert "django" in config["lint"]["flake8-tidy-imports"]["banned-api"]
