"""The shape every app keeps (issue 11), checked on the source rather than hoped for.

Views parse, check permission and call one service; reads live in `queries.py`. A view may
still name a model's manager to fetch the one object it acts on, as the first argument of
`get_object_or_404`, and no more often than the meetings app (the model) does. Errors reach
the person through core's one pair of helpers, never a loop of the view's own.
"""

import ast
from pathlib import Path

import pytest

import cityloom

ROOT = Path(cityloom.__file__).parent
# Every app with views is held to the meetings app's figure, new ones as soon as they have views.
SHAPED_APPS = tuple(
    sorted(
        p.parent.name
        for p in ROOT.glob("*/apps.py")
        if (p.parent / "views.py").is_file() or (p.parent / "views").is_dir()
    )
)
MAX_MANAGERS_PER_VIEWS = 2  # meetings/views.py: a meeting and a topic, each fetched by its key


def _views_modules(app: str) -> list[Path]:
    """`views.py`, or each module of a `views/` package (held to the limit one by one)."""
    package = ROOT / app / "views"
    return sorted(package.glob("*.py")) if package.is_dir() else [ROOT / app / "views.py"]


VIEWS_MODULES = [
    pytest.param(path, id=path.relative_to(ROOT).as_posix())
    for app in SHAPED_APPS
    for path in _views_modules(app)
]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _fetched(tree: ast.Module) -> set[int]:
    """ids of every node inside the first argument of a `get_object_or_404(...)` call."""
    inside = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "get_object_or_404"
            and node.args
        ):
            inside.update(id(n) for n in ast.walk(node.args[0]))
    return inside


def manager_uses(source: str) -> tuple[int, list[int]]:
    """How many times `.objects` is named, and the lines where it is not an object's fetch."""
    tree = ast.parse(source)
    fetched = _fetched(tree)
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "objects"]
    return len(uses), sorted(n.lineno for n in uses if id(n) not in fetched)


def test_manager_uses_counts_fetches_and_flags_the_rest():
    source = (
        "def a(request, pk):\n"
        "    obj = get_object_or_404(Thing.objects.select_related('x'), pk=pk)\n"
        "    others = Thing.objects.filter(owner=obj)\n"
    )
    assert manager_uses(source) == (2, [3])


def test_every_app_with_views_is_held_to_the_figure():
    apps = {"meetings", "network", "practices", "observatory", "study", "mentoring"}
    assert apps <= set(SHAPED_APPS)
    assert all(path.is_file() for app in SHAPED_APPS for path in _views_modules(app))
    assert len(_views_modules("study")) > 1  # a package: its modules are counted one by one


@pytest.mark.parametrize("path", VIEWS_MODULES)
def test_views_read_through_queries(path):
    count, stray = manager_uses(path.read_text())
    where = path.relative_to(ROOT).as_posix()
    assert stray == [], f"{where} reads or writes through a manager at lines {stray}"
    assert count <= MAX_MANAGERS_PER_VIEWS, f"{where} names a manager {count} times"


def form_error_loops(source: str) -> list[int]:
    """Lines of loops over a form's `.errors` that post messages themselves: a view hands an
    invalid form to `cityloom.core.views.report_form_errors` (and a refused request to
    `report_errors`), so every page words them the same way."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.For):
            continue
        if not any(
            isinstance(n, ast.Attribute) and n.attr == "errors" for n in ast.walk(node.iter)
        ):
            continue
        if any(
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "messages"
            for statement in node.body
            for call in ast.walk(statement)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_form_error_loops_are_found():
    source = (
        "def a(request, form):\n"
        "    for errors in form.errors.values():\n"
        "        for error in errors:\n"
        "            messages.error(request, error)\n"
        "    for field, errors in form.errors.items():\n"
        "        log(field)\n"
        "    report_form_errors(request, form)\n"
    )
    assert form_error_loops(source) == [2]


@pytest.mark.parametrize(
    "path", [p for p in VIEWS_MODULES if p.values[0] != ROOT / "core" / "views.py"]
)
def test_views_report_form_errors_through_core(path):
    where = path.relative_to(ROOT).as_posix()
    lines = form_error_loops(path.read_text())
    assert lines == [], f"{where} turns form errors into messages itself at lines {lines}"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_observatory_imports_nothing_from_practices():
    """Tags and the stemmer are core's; the practices' trend items are named by path."""
    offenders = {
        path.relative_to(ROOT).as_posix(): sorted(
            m for m in _imported_modules(path) if m.split(".")[:2] == ["cityloom", "practices"]
        )
        for path in (ROOT / "observatory").rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("helper", ["language_name", "_tags", "stems"])
def test_shared_helpers_are_defined_once_in_core(helper):
    where = sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts
        and any(
            isinstance(node, ast.FunctionDef) and node.name == helper
            for node in ast.walk(_parse(path))
        )
    )
    assert all(p.startswith("core/") for p in where), where
    assert len(where) <= 1, where
