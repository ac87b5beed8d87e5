"""COINr's own results on its ASEM data, reproduced through the API and the command line.

Every file of data/coinr-asem/expected/ is checked to 1e-9 (ranks exactly).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cityloom.engines.index.cli import main
from cityloom.engines.index.pipeline import build

from .conftest import ASEM, EXPECTED, P01, P01_YAML

STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"]


def assert_frame_matches(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert list(got["uCode"]) == list(expected["uCode"])
    for column in expected.columns[1:]:
        e = expected[column].to_numpy(dtype=float)
        g = got[column].to_numpy(dtype=float)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e), err_msg=column)
        if column.startswith("Rank_"):
            np.testing.assert_array_equal(g, e, err_msg=column)
        else:
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-9, err_msg=column)


def run_cli(tmp_path: Path, pipeline: str, *extra: str) -> pd.DataFrame:
    (tmp_path / "pipeline.yaml").write_text(pipeline, encoding="utf-8")
    out = tmp_path / "result.csv"
    status = main(
        [
            "build",
            "--data", str(ASEM / "ASEM_iData.csv"),
            "--meta", str(ASEM / "ASEM_iMeta.csv"),
            "--pipeline", str(tmp_path / "pipeline.yaml"),
            "--out", str(out),
            *extra,
        ]
    )  # fmt: skip
    assert status == 0
    return pd.read_csv(out)


@pytest.mark.parametrize("stage", STAGES)
def test_p01_stage_matches_coinr_through_api(asem, asem_framework, stage):
    result = build(asem, asem_framework, P01)
    st = result.stages[stage]
    got = pd.DataFrame(st.X, columns=list(asem_framework.indicator_codes))
    got.insert(0, "uCode", st.unit_codes)
    assert_frame_matches(got, pd.read_csv(EXPECTED / f"P01_stage_{stage}.csv"))


@pytest.mark.parametrize("stage", [*STAGES, "Aggregated"])
def test_p01_stage_matches_coinr_through_cli(tmp_path, stage):
    got = run_cli(tmp_path, P01_YAML, "--stage", stage)
    assert_frame_matches(got, pd.read_csv(EXPECTED / f"P01_stage_{stage}.csv"))


def test_p01_result_with_ranks_matches_coinr_through_cli(tmp_path):
    got = run_cli(tmp_path, P01_YAML)
    assert_frame_matches(got, pd.read_csv(EXPECTED / "P01_example.csv"))


def test_p01_aggregates_and_ranks_match_coinr_through_api(asem, asem_framework):
    expected = pd.read_csv(EXPECTED / "P01_example.csv")
    result = build(asem, asem_framework, P01)
    assert list(result.unit_codes) == list(expected["uCode"])
    for code in asem_framework.aggregate_codes:
        np.testing.assert_allclose(result.score(code), expected[code], rtol=1e-12, atol=1e-9)
        np.testing.assert_array_equal(result.rank(code), expected[f"Rank_{code}"])


def test_p03_zscore_matches_coinr_through_cli_and_api(tmp_path, asem, asem_framework):
    expected = pd.read_csv(EXPECTED / "P03_zscore_amean.csv")
    yaml = P01_YAML.replace(
        "method: minmax\n  lower: 0\n  upper: 100", "method: zscore\n  mean: 0\n  sd: 1"
    )
    assert "zscore" in yaml
    assert_frame_matches(run_cli(tmp_path, yaml), expected)
    spec = {**P01, "normalise": {"method": "zscore", "mean": 0, "sd": 1}}
    result = build(asem, asem_framework, spec)
    for code in asem_framework.aggregate_codes:
        np.testing.assert_allclose(result.score(code), expected[code], rtol=1e-12, atol=1e-9)
        np.testing.assert_array_equal(result.rank(code), expected[f"Rank_{code}"])


def test_p01_treatment_report_matches_coinr(tmp_path, asem, asem_framework):
    details = pd.read_csv(EXPECTED / "P01_treat_details.csv")
    report = build(asem, asem_framework, P01).treat_report
    assert report is not None
    assert list(report.codes) == list(details["iCode"])
    np.testing.assert_array_equal(report.pass0, details["check_SkewKurt0.Pass"])
    np.testing.assert_allclose(report.skew0, details["check_SkewKurt0.Skew"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(report.kurt0, details["check_SkewKurt0.Kurt"], rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(report.nwin, details["winsorise.nwin"])
    np.testing.assert_allclose(report.skew1, details["check_SkewKurt1.Skew"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(report.kurt1, details["check_SkewKurt1.Kurt"], rtol=1e-12, atol=1e-9)
    failed_first = ~details["check_SkewKurt0.Pass"].to_numpy(dtype=bool)
    assert (report.pass1[failed_first] == 1).all()
    assert not report.log.any()
    # The same report written by the command line, in COINr's layout.
    run_cli(tmp_path, P01_YAML, "--report-dir", str(tmp_path / "report"))
    written = pd.read_csv(tmp_path / "report" / "treat_details.csv")
    assert list(written.columns) == list(details.columns)
    np.testing.assert_allclose(written["winsorise.nwin"], details["winsorise.nwin"])


def test_p01_treated_points_match_coinr(tmp_path):
    expected = pd.read_csv(EXPECTED / "P01_treat_points.csv", keep_default_na=False)
    run_cli(tmp_path, P01_YAML, "--report-dir", str(tmp_path / "report"))
    got = pd.read_csv(tmp_path / "report" / "treat_points.csv", keep_default_na=False)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected)
    # Every winsorised point is reported once: as many as the counts of the details table.
    details = pd.read_csv(EXPECTED / "P01_treat_details.csv")
    marked = got.drop(columns="uCode").isin(["winhi", "winlo"]).to_numpy().sum()
    assert marked == details["winsorise.nwin"].sum()


def test_module_command_line_runs_and_fails_with_status_2(tmp_path):
    (tmp_path / "p.yaml").write_text("normalise: {method: nope}\n", encoding="utf-8")
    args = [
        sys.executable, "-m", "cityloom.engines.index", "build",
        "--data", str(ASEM / "ASEM_iData.csv"), "--meta", str(ASEM / "ASEM_iMeta.csv"),
        "--pipeline", str(tmp_path / "p.yaml"), "--out", str(tmp_path / "r.csv"),
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: key 'normalise.method': unknown method 'nope'; expected one of minmax, zscore, "
        "scaled, dist2max, dist2ref, dist2targ, fracmax, rank, prank, borda, goalposts, none"
    ]
