"""The command line: JSON in, JSON out, exit 2 with one line per problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cityloom.engines.matching.cli import main

INPUT = {
    "weights": {"strength": 1, "practices": 0, "language": 0, "context": 0, "capacity": 0},
    "limit": 5,
    "candidates": [
        {
            "city_id": "aarhus",
            "axis_scores": {"mobility": 90, "economy": 80, "living": None},
            "axis_ranks": {"mobility": 1},
            "n_ranked": 3,
            "practice_texts": ["Bike lanes"],
            "languages": ["da", "en"],
            "capacity": 1,
        },
        {"city_id": "bergen", "axis_scores": {"mobility": 85, "economy": 10}, "capacity": 1},
        {
            "city_id": "cadiz",
            "axis_scores": {"mobility": 99},
            "capacity": 1,
            "active_programmes": 1,
        },
    ],
    "requests": [
        {"id": "first", "city_id": "x", "axes": ["mobility"], "need_text": "bike"},
        {"id": "second", "city_id": "y", "axes": ["economy"]},
    ],
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_suggest_writes_ranked_suggestions_with_reasons(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["suggest", str(write(tmp_path, INPUT)), "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    first = result["suggestions"][0]
    assert first["request_id"] == "first"
    assert [s["city_id"] for s in first["suggestions"]] == ["aarhus", "bergen"]
    assert first["n_unavailable"] == 1
    best = first["suggestions"][0]
    assert best["total"] == pytest.approx(90 / 100)
    strength = best["criteria"][0]
    assert strength["criterion"] == "strength"
    assert strength["detail"]["axes"] == [
        {"axis": "mobility", "score": 90.0, "rank": 1, "n_ranked": 3}
    ]


def test_assign_reports_the_optimum_and_the_one_by_one_changes(tmp_path: Path, capsys) -> None:
    assert main(["assign", str(write(tmp_path, INPUT))]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(m["request_id"], m["city_id"], m["greedy_city_id"]) for m in result["matches"]] == [
        ("first", "bergen", "aarhus"),
        ("second", "aarhus", "bergen"),
    ]
    assert result["total"] == pytest.approx(85 / 100 + 80 / 100)
    assert result["greedy_total"] == pytest.approx(90 / 100 + 10 / 100)
    assert result["changes"] == ["first", "second"]
    assert result["gap"] == pytest.approx(0.0, abs=1e-12)


def test_malformed_input_exits_2_with_one_line_per_problem(tmp_path: Path, capsys) -> None:
    data = {
        "weights": {"strength": 1, "charm": 2},
        "limit": 0,
        "candidates": [
            {"city_id": 7, "capacity": "two"},
            {"city_id": "ok", "capacity": -1},
            {"city_id": "ok"},
            "lisbon",
        ],
        "requests": [{"id": "r", "city_id": "x", "axes": ["happiness"]}],
    }
    assert main(["assign", str(write(tmp_path, data))]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "weights.charm: unknown criterion",
        "limit: must be an integer >= 1",
        "candidates[0].city_id: must be a non-empty string",
        "candidates[0].capacity: must be an integer",
        "candidates[1].capacity: negative (-1)",
        "candidates[3]: must be an object",
        "requests[0]: unknown axis 'happiness'",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON at line 1 column 2"),
        ("[]", "input: must be a JSON object"),
        (
            '{"candidates": [{"city_id": "a"}, {"city_id": "a"}], "requests": []}',
            "duplicate id 'a'",
        ),
    ],
)
def test_unusable_files_exit_2(tmp_path: Path, capsys, content: str, message: str) -> None:
    path = tmp_path / "input.json"
    path.write_text(content, encoding="utf-8")
    assert main(["suggest", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["suggest", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_module_runs_as_a_program(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cityloom.engines.matching", "assign", str(write(tmp_path, INPUT))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes"] == ["first", "second"]
