"""The command line contract: schedule file, printed objective, exit status 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cityloom.engines.barcamp import assignments_from_list, evaluate

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(__file__).parent / "data"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityloom.engines.barcamp", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_schedule_writes_the_grid_and_prints_its_objective(tmp_path: Path, published) -> None:
    out = tmp_path / "schedule.json"
    done = _run("schedule", DATA / "small.json", "--out", out, "--time-limit", "5", "--seed", "3")
    assert done.returncode == 0, done.stderr
    schedule = assignments_from_list(json.loads(out.read_text()))
    report = evaluate(published("small"), schedule)  # raises if infeasible
    first = done.stdout.splitlines()[0]
    assert first == f"objective: {int(report.objective)}"


def test_pins_and_previous_options(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    assert (
        _run("schedule", DATA / "small.json", "--out", first, "--iterations", "1500").returncode
        == 0
    )
    pins = tmp_path / "pins.json"
    pins.write_text(json.dumps([{"topic": "T001", "room": "R04", "slot": "S3"}]))
    second = tmp_path / "second.json"
    done = _run(
        "schedule",
        DATA / "small.json",
        "--out",
        second,
        "--pin",
        pins,
        "--previous",
        first,
        "--move-penalty",
        "3",
        "--iterations",
        "1500",
    )
    assert done.returncode == 0, done.stderr
    grid = json.loads(second.read_text())
    assert {"topic": "T001", "room": "R04", "slot": "S3"} in grid
    assert "moves from the previous schedule:" in done.stdout


def test_an_iteration_budget_gives_the_same_grid_twice(tmp_path: Path) -> None:
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    runs = [
        _run("schedule", DATA / "small.json", "--out", out, "--iterations", "1530", "--seed", "7")
        for out in outs
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert outs[0].read_text() == outs[1].read_text()
    assert runs[0].stdout.splitlines()[-1].startswith("search: 1530 steps, ")
    assert runs[0].stdout.splitlines()[-1].endswith(", seed 7 (iteration budget)")


def test_iterations_and_time_limit_exclude_each_other(tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    both = _run(
        "schedule", DATA / "tiny.json", "--out", out, "--iterations", "9", "--time-limit", "1"
    )
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr
    zero = _run("schedule", DATA / "tiny.json", "--out", out, "--iterations", "0")
    assert zero.returncode == 2
    assert "must be a whole number >= 1, got 0" in zero.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", ["error: the instance {path} is not valid JSON: "]),
        (
            json.dumps(
                {
                    "weights": {"overflow": 1, "unscheduled": 5},
                    "slots": [{"id": "S1"}],
                    "rooms": [{"id": "R1", "capacity": 10}, {"id": "R1", "capacity": 5}],
                    "topics": [{"id": "A", "proposers": ["P1"]}],
                    "participants": [{"id": "P1", "votes": ["A", "B"]}],
                }
            ),
            ["error: duplicate room id R1", "error: participant P1: votes for unknown topic B"],
        ),
    ],
)
def test_malformed_instance_exits_2_with_one_line_per_problem(
    tmp_path: Path, content: str, expected: list[str]
) -> None:
    path = tmp_path / "instance.json"
    path.write_text(content)
    done = _run("schedule", path, "--out", tmp_path / "out.json")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start.format(path=path))
    assert not (tmp_path / "out.json").exists()


def test_infeasible_pins_exit_2(tmp_path: Path) -> None:
    pins = tmp_path / "pins.json"
    pins.write_text(
        json.dumps(
            [
                {"topic": "T001", "room": "R01", "slot": "S1"},
                {"topic": "T002", "room": "R01", "slot": "S1"},
            ]
        )
    )
    done = _run("schedule", DATA / "tiny.json", "--out", tmp_path / "o.json", "--pin", pins)
    assert done.returncode == 2
    assert done.stderr == "error: topics T001, T002 are pinned to the same cell R01/S1\n"


def test_missing_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    done = _run("schedule", tmp_path / "nope.json", "--out", tmp_path / "o.json")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot read the instance {tmp_path / 'nope.json'}")
    bad = _run("schedule", DATA / "tiny.json", "--out", tmp_path / "o.json", "--time-limit", "-1")
    assert bad.returncode == 2
    assert "must be a positive number" in bad.stderr
