"""scripts/install-deps.sh waits for another apt's lock instead of failing at once (issue 12).

Root and a real dpkg lock are not available to the tests: the system commands the script calls
(sudo, apt-get, fuser, ldconfig, fc-list) are stand-ins on PATH that record their arguments,
and fuser reports the lock held for its first calls, as a running unattended-upgrades would.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-deps.sh"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/bash\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def fake_system(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    counter = tmp_path / "fuser.count"
    counter.write_text("0")
    _stub(bin_dir, "sudo", 'echo "sudo $*" >> "$CALLS"; exec "$@"')
    _stub(bin_dir, "apt-get", 'echo "apt-get $*" >> "$CALLS"')
    # Nothing installed: every package is missing, so both apt-get calls run.
    _stub(bin_dir, "ldconfig", "exit 0")
    _stub(bin_dir, "fc-list", "exit 0")
    _stub(bin_dir, "id", 'if [ "$1" = -u ]; then echo 1000; else /usr/bin/id "$@"; fi')
    # fuser prints the holders' ids on stdout and succeeds while the file is in use.
    _stub(
        bin_dir,
        "fuser",
        'n=$(cat "$FUSER_COUNT"); echo $((n + 1)) > "$FUSER_COUNT"\n'
        'if [ "$n" -lt "$HELD_FOR" ]; then echo " 4242"; exit 0; fi\nexit 1',
    )
    return bin_dir, log, counter


def _run(bin_dir, log, counter, *, held_for):
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "CALLS": str(log),
        "FUSER_COUNT": str(counter),
        "HELD_FOR": str(held_for),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_script_parses():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_is_clean():
    subprocess.run(["shellcheck", str(SCRIPT)], check=True)


def test_every_apt_get_call_waits_for_the_dpkg_lock(fake_system):
    bin_dir, log, counter = fake_system
    result = _run(bin_dir, log, counter, held_for=0)
    assert result.returncode == 0, result.stderr
    calls = [line for line in log.read_text().splitlines() if line.startswith("apt-get")]
    assert [c.split()[3] for c in calls] == ["update", "install"]
    assert all("-o DPkg::Lock::Timeout=600" in c for c in calls)
    assert "Waiting" not in result.stderr


def test_a_held_lock_is_announced_and_waited_for(fake_system):
    bin_dir, log, counter = fake_system
    result = _run(bin_dir, log, counter, held_for=2)
    assert result.returncode == 0, result.stderr
    assert "Waiting for another package manager to release /var/lib/dpkg/lock-frontend" in (
        result.stderr
    )
    assert "process 4242" in result.stderr
    assert "free after 2s" in result.stderr
    # apt-get ran only once the lock was seen free (fuser asked as root, through sudo).
    lines = log.read_text().splitlines()
    assert lines.index("sudo fuser /var/lib/dpkg/lock-frontend") < next(
        i for i, line in enumerate(lines) if line.startswith("apt-get")
    )
