import ast
import contextlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import polib
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
    result = _start(_settings_env(tmp_path, DEBUG=value))
    assert (result.returncode == 0) is ok
    if not ok:
        assert "ImproperlyConfigured: DEBUG must be true/false or 1/0, not 'yes'" in result.stderr


def _start(env):
    """A fresh interpreter that only loads the settings, as every command does first."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def _settings_env(data_dir, **variables):
    return {
        "CITYLOOM_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "cityloom.settings",
        "PATH": "/usr/bin:/bin",
        **variables,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EMAIL_PORT", "abc", "EMAIL_PORT must be a whole number from 0 to 65535, not 'abc'"),
        ("EMAIL_PORT", "70000", "EMAIL_PORT must be a whole number from 0 to 65535, not '70000'"),
        ("EMAIL_PORT", " 25", "EMAIL_PORT must be a whole number from 0 to 65535, not ' 25'"),
        (
            "CITYLOOM_TRUSTED_PROXIES",
            "10",
            "CITYLOOM_TRUSTED_PROXIES must be a whole number of proxies from 0 to 9, not '10'",
        ),
        (
            "CITYLOOM_WORKER_LEASE",
            "0",
            "CITYLOOM_WORKER_LEASE must be a number of seconds above 0, not '0'",
        ),
        (
            "CITYLOOM_WORKER_LEASE",
            "one minute",
            "CITYLOOM_WORKER_LEASE must be a number of seconds above 0, not 'one minute'",
        ),
    ],
)
def test_malformed_number_is_refused_at_start_up(name, value, message, tmp_path):
    result = _start(_settings_env(tmp_path, **{name: value}))
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_whole_numbers_are_read_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.EMAIL_PORT, settings.CITYLOOM_TRUSTED_PROXIES, settings.SECURE_HSTS_SECONDS)"
    )
    env = _settings_env(tmp_path, EMAIL_PORT="2525", CITYLOOM_TRUSTED_PROXIES="")
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["2525", "0", "0"]


def test_reading_settings_writes_nothing_when_the_key_is_given(tmp_path):
    data_dir = tmp_path / "data"
    subprocess.run(
        [sys.executable, "-c", "import cityloom.settings"],
        env=_settings_env(data_dir, SECRET_KEY="k" * 50),
        cwd=ROOT,
        check=True,
    )
    assert not data_dir.exists()


# Each process imports Django first, then waits for "go": the settings are read at the same time.
_READ_KEY_AT_ONCE = """
import os, sys, time
from pathlib import Path
os.umask(0)  # the key file's mode must not depend on the umask
import django.conf, dj_database_url
Path(sys.argv[1]).touch()
while not Path(sys.argv[2]).exists():
    time.sleep(0.001)
from django.conf import settings
print(settings.SECRET_KEY)
"""


def test_workers_starting_at_once_on_a_new_data_directory_share_one_private_key(tmp_path):
    data_dir = tmp_path / "data"
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _READ_KEY_AT_ONCE, str(tmp_path / f"ready-{n}"), str(go)],
            env=_settings_env(data_dir),
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(4)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(4)):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    go.touch()
    # Watch the file while they race: it must never be readable by group or others.
    modes = set()
    while any(worker.poll() is None for worker in workers):
        with contextlib.suppress(FileNotFoundError):
            modes.add(stat.S_IMODE((data_dir / "secret_key").stat().st_mode))
    keys = {worker.communicate()[0].strip() for worker in workers}
    assert all(worker.returncode == 0 for worker in workers)
    assert keys == {(data_dir / "secret_key").read_text().strip()}
    assert len(keys.pop()) >= 50
    assert modes <= {0o600}
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600


def test_key_file_being_written_by_another_process_is_waited_for(tmp_path):
    (tmp_path / "secret_key").touch(mode=0o600)  # created, not yet written
    worker = subprocess.Popen(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=_settings_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    time.sleep(1)
    (tmp_path / "secret_key").write_text("k" * 50)
    assert worker.communicate(timeout=60)[0].strip() == "k" * 50


def test_secret_key_is_generated_once_into_the_data_directory(tmp_path):
    env = _settings_env(tmp_path)
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


def test_compile_catalogs_if_stale_compiles_only_missing_or_older_catalogs(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello"\nmsgstr "Bonjour"\n'
    )
    mo = po.with_suffix(".mo")
    call_command("compile_catalogs", if_stale=True, verbosity=0)
    assert polib.mofile(str(mo)).find("Hello").msgstr == "Bonjour"
    os.utime(mo, (1, 1))
    os.utime(po, (0, 0))
    call_command("compile_catalogs", if_stale=True, verbosity=0)
    assert mo.stat().st_mtime == 1  # newer than its .po: left alone
    os.utime(po, (2, 2))
    call_command("compile_catalogs", if_stale=True, verbosity=0)
    assert mo.stat().st_mtime > 2
    assert sorted(p.name for p in po.parent.iterdir()) == ["django.mo", "django.po"]
