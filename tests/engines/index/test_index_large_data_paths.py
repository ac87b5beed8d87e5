"""The paths written for speed give the results of the plain definitions.

- the uncertainty analysis aggregates the runs that share a pipeline together (one matrix
  product per level): its ranks are those of one full build per run;
- imputation, normalisation, treatment, aggregation and ranking work a chunk of units or a
  block of indicators at a time: with tiny chunks (many of them) they give the results of
  the textbook formulas;
- a build holds few full-size arrays at once (peak traced memory).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from cityloom.engines.index import aggregate, impute, normalise, treat, uncertainty
from cityloom.engines.index.aggregate import aggregate_groups, aggregate_runs, rank_descending
from cityloom.engines.index.data import Dataset
from cityloom.engines.index.errors import NonPositiveValueError
from cityloom.engines.index.framework import Framework
from cityloom.engines.index.normalise import NormaliseMethod, Normaliser
from cityloom.engines.index.pipeline import build
from cityloom.engines.index.uncertainty import Choice, NoisyWeights, run_uncertainty

from .conftest import P01

UA_INPUTS = [
    Choice("treat.winmax", (1, 2, 3, 4, 5)),
    Choice(
        "normalise",
        (
            {"method": "minmax", "lower": 1, "upper": 100},
            {"method": "zscore", "mean": 10, "sd": 2},
        ),
    ),
    NoisyWeights({2: 0.25, 3: 0.25}),
    Choice("aggregate.method", ("amean", "gmean")),
]


def synthetic(n_units: int, n_indicators: int = 24, *, seed: int = 0, missing: float = 0.05):
    """Log-normal indicators with gaps, 6 pillars, 2 sub-indices, one index."""
    rng = np.random.default_rng(seed)
    codes = [f"i{j:02d}" for j in range(n_indicators)]
    parents: dict[str, str | None] = {c: f"P{j % 6}" for j, c in enumerate(codes)}
    parents.update({f"P{p}": f"S{p % 2}" for p in range(6)})
    parents.update({"S0": "Index", "S1": "Index", "Index": None})
    weights = {c: 1.0 + (j % 3) for j, c in enumerate(codes)}
    fw = Framework.from_tree(
        codes, parents, weights=weights, directions=dict.fromkeys(codes[::5], -1)
    )
    X = rng.lognormal(1.0, rng.uniform(0.05, 0.3, n_indicators), size=(n_units, n_indicators))
    X[rng.random(X.shape) < missing] = np.nan
    units = [f"u{i:04d}" for i in range(n_units)]
    groups = rng.integers(0, 4, n_units).astype(str)
    return Dataset.from_arrays(units, X, groups={"g": groups}), fw


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail if the batched analysis falls back to one build per run; undo with `.undo()`."""

    def fell_back(*args, **kwargs):
        raise AssertionError("the batched analysis fell back to one build per run")

    monkeypatch.setattr(uncertainty._Runner, "run_each", fell_back)
    return monkeypatch


def assert_same_runs(a, b) -> None:
    np.testing.assert_array_equal(a.draws, b.draws)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    np.testing.assert_allclose(a.scores, b.scores, rtol=1e-12, atol=1e-12)


def test_batched_uncertainty_on_asem_ranks_exactly_as_one_build_per_run(
    asem, asem_framework, no_fallback
):
    kw = {"n_runs": 100, "target": "Index"}
    batched = run_uncertainty(
        asem, asem_framework, P01, UA_INPUTS, rng=np.random.default_rng(11), **kw
    )
    no_fallback.undo()
    each = run_uncertainty(
        asem, asem_framework, P01, UA_INPUTS, rng=np.random.default_rng(11), batch=False, **kw
    )
    assert_same_runs(batched, each)
    # The runs really differ (weights, methods): the comparison is not between constants.
    assert np.unique(batched.ranks, axis=0).shape[0] > 50


@pytest.mark.parametrize(
    ("pipeline", "inputs", "target"),
    [
        # Gaps left missing (no imputation): weights rescaled over the available children.
        (
            {"normalise": {"method": "minmax"}, "aggregate": {"method": "amean"}},
            [NoisyWeights({1: 0.5, 2: 0.3, 3: 0.2})],
            "Index",
        ),
        # Every level's weights vary, and the methods above arithmetic means.
        (
            {"normalise": {"method": "minmax", "lower": 1, "upper": 100}},
            [
                NoisyWeights({1: 0.4}),
                NoisyWeights({3: 0.4}),
                Choice("aggregate.method", ("hmean", "genmean", "gmean", "amean")),
            ],
            "Index",
        ),
        # A threshold of data per group, and a sub-index as the target.
        (
            {
                "normalise": {"method": "minmax", "lower": 1, "upper": 100},
                "aggregate": {"method": "amean", "dat_thresh": 0.8},
            },
            [NoisyWeights({2: 0.5}), Choice("aggregate.p", (2, 3))],
            "S1",
        ),
        # Per-level methods, with noise only above the pillars.
        (
            {
                "impute": {"stat": "mean", "by": "group", "group": "g"},
                "normalise": {"method": "minmax", "lower": 1, "upper": 100},
                "aggregate": {"method": ["gmean", "amean", "genmean"], "p": 0.5},
            },
            [NoisyWeights({3: 0.5}), Choice("treat.winmax", (1, 3))],
            "Index",
        ),
    ],
)
def test_batched_uncertainty_ranks_exactly_as_one_build_per_run(
    pipeline, inputs, target, no_fallback
):
    ds, fw = synthetic(300)
    kw = {"n_runs": 120, "target": target}
    batched = run_uncertainty(ds, fw, pipeline, inputs, rng=np.random.default_rng(5), **kw)
    no_fallback.undo()
    each = run_uncertainty(
        ds, fw, pipeline, inputs, rng=np.random.default_rng(5), batch=False, **kw
    )
    assert_same_runs(batched, each)
    assert np.unique(batched.ranks, axis=0).shape[0] > 60


def test_aggregate_runs_weights_every_run_as_its_own_aggregation():
    ds, fw = synthetic(40)
    X = build(ds, fw, {"normalise": {"method": "minmax"}}).stages["Normalised"].X
    rng = np.random.default_rng(2)
    runs = [
        {c: float(w) for c, w in zip(fw.codes_at(2), rng.uniform(0.1, 2, 6), strict=True)}
        for _ in range(7)
    ]
    level_weights = [
        fw.weights_at(1),
        np.array([[r[c] for c in fw.codes_at(2)] for r in runs]),
        fw.weights_at(3),
    ]
    got = aggregate_runs(X, fw, level_weights, n_runs=7, target="Index")
    for r, weights in enumerate(runs):
        one = aggregate.aggregate_tree(X, fw, weights=weights)
        np.testing.assert_allclose(got[r], one[:, fw.aggregate_codes.index("Index")], rtol=1e-13)


def test_uncertainty_falls_back_to_one_build_per_run_for_the_median(monkeypatch):
    ds, fw = synthetic(60)
    pipeline = {"normalise": {"method": "minmax"}, "aggregate": {"method": "median"}}
    inputs = [NoisyWeights({2: 0.5})]
    kw = {"n_runs": 20}
    calls = []
    run_each = uncertainty._Runner.run_each
    monkeypatch.setattr(
        uncertainty._Runner, "run_each", lambda self, idx: calls.append(1) or run_each(self, idx)
    )
    batched = run_uncertainty(ds, fw, pipeline, inputs, rng=np.random.default_rng(1), **kw)
    assert calls == [1]
    each = run_uncertainty(
        ds, fw, pipeline, inputs, rng=np.random.default_rng(1), batch=False, **kw
    )
    assert_same_runs(batched, each)


def test_uncertainty_still_raises_the_error_of_the_first_failing_run():
    # z-scores around 0 under a geometric mean: every run that draws gmean fails.
    ds, fw = synthetic(50, missing=0.0)
    pipeline = {"normalise": {"method": "zscore"}}
    inputs = [NoisyWeights({2: 0.2}), Choice("aggregate.method", ("amean", "gmean"))]
    for batch in (True, False):
        with pytest.raises(NonPositiveValueError, match="gmean"):
            run_uncertainty(
                ds, fw, pipeline, inputs, n_runs=10, rng=np.random.default_rng(0), batch=batch
            )


def test_treat_leaves_its_input_alone_and_blocks_do_not_change_results(monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.lognormal(0, rng.uniform(0.1, 2.0, 30), size=(400, 30))
    X[rng.random(X.shape) < 0.05] = np.nan
    X[:5, 0] = X[:, 0].max() + 10  # ties at the maximum
    X[:, 1] = -rng.lognormal(0, 2.0, 400)  # skewed to the left: winsorised from below
    before = X.copy()
    settings = {
        "codes": tuple(f"x{j}" for j in range(30)),
        "active": np.ones(30, dtype=bool),
        "winmax": np.full(30, 3.0),
        "skew_thresh": np.full(30, 2.0),
        "kurt_thresh": np.full(30, 3.5),
    }
    whole, whole_report = treat.treat(X, **settings)
    np.testing.assert_array_equal(X, before)
    assert whole_report.log.any()
    assert (whole_report.nwin > 0).any()
    assert (whole_report.point_codes[:, 1] & treat.WINLO).any()
    # One indicator at a time (blocks of 8 here): the same values and report.
    monkeypatch.setattr(treat, "_BLOCK_CELLS", 1)
    blocked, report = treat.treat(X, **settings)
    np.testing.assert_array_equal(blocked, whole)
    for j in range(30):
        one, one_report = treat.treat(
            X[:, [j]], **{k: v[[j]] if k != "codes" else v[j : j + 1] for k, v in settings.items()}
        )
        np.testing.assert_array_equal(one[:, 0], whole[:, j])
        np.testing.assert_array_equal(one_report.point_codes[:, 0], report.point_codes[:, j])
        assert one_report.nwin[0] == report.nwin[j] or np.isnan(report.nwin[j])


def test_group_imputation_in_chunks_fills_with_each_group_mean(monkeypatch):
    monkeypatch.setattr(impute, "_ROW_CHUNK", 7)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, 5))
    X[rng.random(X.shape) < 0.2] = np.nan
    groups = rng.integers(0, 4, 100).astype(str).astype(object)
    groups[:3] = None  # no group: left missing
    X[groups == "3", 4] = np.nan  # a group without data for a column: left missing
    out = impute.impute_group(X, groups, stat="mean")
    expected = X.copy()
    for g in ("0", "1", "2", "3"):
        rows = groups == g
        for j in range(5):
            values = X[rows, j]
            fill = values[~np.isnan(values)].mean() if (~np.isnan(values)).any() else np.nan
            expected[rows & np.isnan(X[:, j]), j] = fill
    np.testing.assert_allclose(out, expected, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(expected))
    assert np.isnan(out[:3][np.isnan(X[:3])]).all()


def test_normaliser_in_chunks_learns_the_plain_statistics(monkeypatch):
    monkeypatch.setattr(normalise, "_ROW_CHUNK", 6)
    rng = np.random.default_rng(5)
    X = rng.lognormal(size=(50, 4))
    X[rng.random(X.shape) < 0.1] = np.nan
    X[:, 3] = np.nan
    X[7, 3] = 2.0  # one value: no sd
    d = np.array([1.0, -1.0, 1.0, -1.0])
    fitted = Normaliser([NormaliseMethod.make("none")] * 4, directions=d).fit(X)
    S = X * d
    np.testing.assert_allclose(fitted.min_, np.nanmin(S, axis=0), rtol=0)
    np.testing.assert_allclose(fitted.max_, np.nanmax(S, axis=0), rtol=0)
    np.testing.assert_allclose(fitted.mean_, np.nanmean(S, axis=0), rtol=1e-14)
    np.testing.assert_allclose(fitted.sd_[:3], np.nanstd(S[:, :3], axis=0, ddof=1), rtol=1e-14)
    assert np.isnan(fitted.sd_[3])
    np.testing.assert_array_equal(fitted.n_available_, np.count_nonzero(~np.isnan(X), axis=0))


@pytest.mark.parametrize("method", ["amean", "gmean", "hmean", "genmean", "median"])
def test_aggregation_in_chunks_of_units_matches_all_at_once(monkeypatch, method):
    rng = np.random.default_rng(6)
    C = rng.uniform(0.5, 2.0, size=(37, 6))
    C[rng.random(C.shape) < 0.2] = np.nan
    parents = np.array([0, 1, 0, 1, 2, 2])
    w = rng.uniform(0.2, 1.0, 6)
    whole = aggregate_groups(C, parents, 3, w, method=method, dat_thresh=0.5)
    monkeypatch.setattr(aggregate, "_ROW_CHUNK", 4)
    np.testing.assert_array_equal(
        aggregate_groups(C, parents, 3, w, method=method, dat_thresh=0.5), whole
    )


def test_aggregation_in_chunks_names_the_unit_of_a_bad_value(monkeypatch):
    monkeypatch.setattr(aggregate, "_ROW_CHUNK", 4)
    C = np.ones((10, 2))
    C[9, 1] = -1.0
    units = [f"u{i}" for i in range(10)]
    with pytest.raises(NonPositiveValueError) as info:
        aggregate_groups(
            C, np.array([0, 0]), 1, np.ones(2), method="gmean", unit_codes=units,
            child_codes=["a", "b"],
        )  # fmt: skip
    assert "u9" in str(info.value)
    assert "'b'" in str(info.value)


def test_ranks_follow_the_definition_in_blocks_of_columns(monkeypatch):
    monkeypatch.setattr(aggregate, "_RANK_CELLS", 30)
    rng = np.random.default_rng(7)
    V = np.round(rng.normal(size=(25, 9)), 1)  # many ties
    V[rng.random(V.shape) < 0.1] = np.nan
    V[:, 8] = np.nan
    V[3, 2] = V[4, 2] + 1e-14  # equal at 12 significant digits: a tie
    got = rank_descending(V)
    expected = np.full(V.shape, np.nan)
    for j in range(9):
        col = np.round(V[:, j], 10)
        ok = ~np.isnan(col)
        expected[ok, j] = [1 + np.count_nonzero(col[ok] > x) for x in col[ok]]
    np.testing.assert_array_equal(got, expected)
    assert got[3, 2] == got[4, 2]


def test_a_build_holds_few_full_size_arrays_at_once():
    ds, fw = synthetic(60_000, n_indicators=40)
    pipeline = {
        "denominate": True,
        "impute": {"stat": "mean", "by": "group", "group": "g"},
        "treat": {"winmax": 5},
        "normalise": {"method": "minmax"},
        "aggregate": {"method": "amean"},
    }
    full = ds.X.nbytes
    tracemalloc.start()
    try:
        result = build(ds, fw, pipeline)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.treat_report is not None
    # Kept: the denominated, imputed, treated and normalised stages (4 arrays) and the
    # treatment's point codes (1/8); the rest are chunks and blocks (about 5.2 x here,
    # 4.4 x at 240,000 x 100). Column by column with full-size temporaries: 8.2 x.
    assert peak < 5.5 * full, f"peak {peak / full:.1f} x the data"


@pytest.mark.parametrize(
    "values",
    [
        [4.84856518e-100, 4.18542946e-297, 4.84856518e-100, 3.01863507e-140, 1.32366571e-269],
        [1.0, 2.0, 3.0, 4.0, 100.0, 7.0],
        [2.0, 2.0, 2.0, 2.0],
    ],
)
def test_skew_and_kurtosis_of_one_winsorised_indicator_follow_the_array_formulas(values):
    # Squares underflowing to 0 and no spread give inf or NaN, never a Python exception.
    v = np.array(values)
    skew, kurt = treat._skew_kurt_rows(v[np.newaxis, :])
    np.testing.assert_allclose(treat._skew_kurt_dense(v), (skew[0], kurt[0]), rtol=1e-13)
