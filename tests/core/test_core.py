import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def test_engines_never_import_django():
    offenders = []
    for path in (ROOT / "cityloom" / "engines").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} {n}"
                for n in names
                if n == "django"
                or (n.startswith(("django.", "cityloom.")) and not n.startswith("cityloom.engines"))
            ]
    assert offenders == []


def test_engines_import_without_django_installed_in_the_path():
    # A fresh interpreter where importing Django fails: every engine package must still import.
    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'): raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import cityloom.engines as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'cityloom.engines.'):\n"
        "    if not m.name.rsplit('.', 1)[-1].startswith('__'): importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_catalogs_have_no_empty_or_fuzzy_entries():
    call_command("compile_catalogs", check=True)


@pytest.mark.parametrize(("value", "ok"), [("true", True), ("0", True), ("yes", False)])
def test_malformed_debug_is_refused_at_start_up(value, ok, tmp_path):
    env = {
        "DEBUG": value,
        "CITYLOOM_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cityloom.settings",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (result.returncode == 0) is ok
    if not ok:
        assert "ImproperlyConfigured: DEBUG must be true/false or 1/0, not 'yes'" in result.stderr


def test_secret_key_is_generated_once_into_the_data_directory(tmp_path):
    env = {
        "CITYLOOM_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cityloom.settings",
        "PATH": "/usr/bin:/bin",
    }
    read = [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = subprocess.run(
        read, env=env, capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    second = subprocess.run(
        read, env=env, capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first.strip()
    assert len(first.strip()) >= 50


def test_console_command_runs_management_commands():
    cli = Path(sys.executable).parent / "cityloom"
    result = subprocess.run(
        [str(cli), "help", "load_demo"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Load the demo network" in result.stdout
