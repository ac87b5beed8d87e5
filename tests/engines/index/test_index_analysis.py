"""Analysis, uncertainty, sensitivity, panels, the pipeline file and command-line errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cityloom.engines.index import analysis, panel
from cityloom.engines.index.cli import main
from cityloom.engines.index.pipeline import build
from cityloom.engines.index.sensitivity import run_sensitivity, sobol_indices
from cityloom.engines.index.uncertainty import Choice, NoisyWeights, run_uncertainty

from .conftest import ASEM, P01

UA_INPUTS = [
    Choice("treat.winmax", (1, 2, 3, 4, 5)),
    Choice(
        "normalise",
        ({"method": "minmax", "lower": 1, "upper": 100}, {"method": "zscore", "mean": 10, "sd": 2}),
    ),
    NoisyWeights({2: 0.25, 3: 0.25}, n_sets=20),
    Choice("aggregate.method", ("amean", "gmean")),
]


def test_correlations_and_p_values_match_scipy(asem, asem_framework):
    result = build(asem, asem_framework, P01)
    X = result.stages["Normalised"].X[:, :6]
    for method, ref in (("pearson", stats.pearsonr), ("spearman", stats.spearmanr)):
        r, p = analysis.correlation(X, method=method)
        expected = ref(X[:, 1], X[:, 4])
        np.testing.assert_allclose([r[1, 4], p[1, 4]], [expected[0], expected[1]], rtol=1e-9)


def test_level_correlations_within_keep_only_own_group(asem, asem_framework):
    result = build(asem, asem_framework, P01)
    ca, cb, r, _ = analysis.level_correlations(result, 1, 2, within=True)
    i, j = ca.index("LPI"), cb.index("Physical")
    assert not np.isnan(r[i, j])
    assert np.isnan(r[i, cb.index("Social")])


def test_cronbach_alpha_follows_its_definition():
    X = np.array([[1.0, 2.0, 2.0], [2.0, 3.0, 4.0], [3.0, 3.0, 5.0], [4.0, 5.0, 4.0]])
    k = 3
    expected = k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))
    assert analysis.cronbach_alpha(X) == pytest.approx(expected)


def test_pca_weights_are_unit_first_component_loadings(asem, asem_framework):
    result = build(asem, asem_framework, P01)
    weights = analysis.pca_weights(result, 2)
    physical = [weights[c] for c in asem_framework.children("Physical")]
    assert np.linalg.norm(physical) == pytest.approx(1.0)


def test_indicator_stats_and_outlier_flags():
    X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0], [np.nan]])
    s = analysis.indicator_stats(X, ["x"])
    assert (s.minimum[0], s.maximum[0], s.median[0], s.n_available[0]) == (1.0, 100.0, 3.0, 5)
    np.testing.assert_array_equal(analysis.outlier_flags(X)[:, 0], [0, 0, 0, 0, 1, 0])


def test_uncertainty_is_seeded_and_summarises_ranks(asem, asem_framework):
    a = run_uncertainty(
        asem, asem_framework, P01, UA_INPUTS, n_runs=30, rng=np.random.default_rng(7)
    )
    b = run_uncertainty(
        asem, asem_framework, P01, UA_INPUTS, n_runs=30, rng=np.random.default_rng(7)
    )
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert a.ranks.shape == (30, 51)
    assert (a.rank_q05 <= a.rank_median).all()
    assert (a.rank_median <= a.rank_q95).all()
    np.testing.assert_allclose(a.rank_q95, np.percentile(a.ranks, 95, axis=0))


def test_sobol_indices_of_an_additive_function():
    rng = np.random.default_rng(0)
    from cityloom.engines.index.sensitivity import saltelli_design

    n, d = 4000, 2
    U = saltelli_design(n, d, rng)
    y = U[:, 0] + 2 * U[:, 1]  # variances 1/12 and 4/12: indices 0.2 and 0.8
    first, total = sobol_indices(y, n, d)
    # Monte Carlo estimates: within sampling error of the exact values.
    np.testing.assert_allclose(first, [0.2, 0.8], atol=0.08)
    np.testing.assert_allclose(total, [0.2, 0.8], atol=0.08)


def test_sensitivity_runs_on_asem(asem, asem_framework):
    s = run_sensitivity(
        asem, asem_framework, P01, UA_INPUTS[:2], n=8, rng=np.random.default_rng(1), n_boot=20
    )
    assert s.names == ("treat.winmax", "normalise")
    assert s.y.shape == (8 * 4,)
    assert (s.total_q05 <= s.total_q95).all()


def test_panel_pooled_normalisation_spans_all_years(asem_panel, asem_framework):
    pooled = build(
        asem_panel, asem_framework, {**P01, "normalise": {"method": "minmax", "global": True}}
    )
    per_year = build(asem_panel, asem_framework, P01)
    X = pooled.stages["Normalised"].X
    assert np.nanmin(X, axis=0).min() == 0
    assert np.nanmax(X, axis=0).max() == 100
    years = per_year.times
    assert years is not None
    for year in (2018, 2022):
        Y = per_year.stages["Normalised"].X[years == year]
        np.testing.assert_allclose(np.nanmax(Y, axis=0), 100)
    _units, growth = panel.trends(pooled, "Index")
    _, yrs, table = panel.by_year(pooled, "Index")
    np.testing.assert_allclose(
        growth[0], (table[0, -1] / table[0, 0]) ** (1 / (yrs[-1] - yrs[0])) - 1
    )


def test_cagr_uses_first_and_last_available_points():
    v = np.array([[np.nan, 100.0, np.nan, 121.0]])
    np.testing.assert_allclose(
        panel.cagr(v, np.array([2018.0, 2019, 2020, 2021])), [(121 / 100) ** (1 / 2) - 1]
    )


def test_cli_prints_one_line_per_problem_and_exits_2(tmp_path, capsys):
    data = tmp_path / "data.csv"
    text = (ASEM / "ASEM_iData.csv").read_text(encoding="utf-8")
    data.write_text(
        text.replace('"4.097985"', '"four"').replace('"3.160829"', '"x"'), encoding="utf-8"
    )
    status = main(
        [
            "build",
            "--data",
            str(data),
            "--meta",
            str(ASEM / "ASEM_iMeta.csv"),
            "--out",
            str(tmp_path / "r.csv"),
        ]
    )
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert "column 'LPI'" in lines[0]
    assert "'four' is not a number" in lines[0]


def test_cli_reports_geometric_mean_over_zero(tmp_path, capsys):
    (tmp_path / "p.yaml").write_text(
        "normalise: {method: minmax}\naggregate: {method: gmean}\n", encoding="utf-8"
    )
    status = main(["build", "--data", str(ASEM / "ASEM_iData.csv"), "--meta", str(ASEM / "ASEM_iMeta.csv"),
                   "--pipeline", str(tmp_path / "p.yaml"), "--out", str(tmp_path / "r.csv")])  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "gmean cannot aggregate the value 0.0" in err[0]


def test_cli_reports_malformed_pipeline_yaml_with_its_line(tmp_path, capsys):
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("treat:\n  winmax: [5\n", encoding="utf-8")
    status = main(
        [
            "build",
            "--data",
            str(ASEM / "ASEM_iData.csv"),
            "--meta",
            str(ASEM / "ASEM_iMeta.csv"),
            "--pipeline",
            str(pipeline),
            "--out",
            str(tmp_path / "r.csv"),
        ]
    )
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "not valid YAML" in err[0]
    assert "pipeline.yaml" in err[0]
