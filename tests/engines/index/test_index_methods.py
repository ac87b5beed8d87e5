"""Every method checked against its definition, expected values written as arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from cityloom.engines.index.aggregate import aggregate_groups, copeland, rank_descending
from cityloom.engines.index.data import Dataset
from cityloom.engines.index.denominate import denominate
from cityloom.engines.index.errors import (
    CycleError,
    DenominatorZeroError,
    NonPositiveValueError,
    NoVarianceError,
    PipelineKeyError,
    UnknownMethodError,
)
from cityloom.engines.index.framework import Framework
from cityloom.engines.index.impute import impute_column, impute_group, impute_row
from cityloom.engines.index.normalise import NormaliseMethod, Normaliser
from cityloom.engines.index.pipeline import build, fit_normaliser
from cityloom.engines.index.screen import screen_units
from cityloom.engines.index.treat import skew_kurt, treat

nan = np.nan


def col(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


def norm(method: str, x: np.ndarray, direction: float = 1.0, units=None, target=nan, **params):
    m = NormaliseMethod.make(method, **params)
    n = Normaliser([m], directions=np.array([direction]), targets=np.array([target]))
    return n.fit_transform(x, unit_codes=units)[:, 0]


def test_denominate_divides_and_rejects_zero():
    X = np.array([[10.0, 1.0], [nan, 2.0]])
    out = denominate(
        X,
        {"pop": np.array([4.0, 5.0])},
        ["pop", None],
        unit_codes=["a", "b"],
        indicator_codes=["x", "y"],
    )
    np.testing.assert_allclose(out, [[10 / 4, 1.0], [nan, 2.0]])
    with pytest.raises(DenominatorZeroError) as err:
        denominate(
            X,
            {"pop": np.array([0.0, 5.0])},
            ["pop", None],
            unit_codes=["a", "b"],
            indicator_codes=["x", "y"],
        )
    assert (err.value.unit, err.value.indicator, err.value.denominator) == ("a", "x", "pop")


def test_impute_column_mean_and_median():
    X = np.array([[1.0], [nan], [2.0], [6.0]])
    np.testing.assert_allclose(impute_column(X, stat="mean")[1, 0], (1 + 2 + 6) / 3)
    np.testing.assert_allclose(impute_column(X, stat="median")[1, 0], 2.0)


def test_impute_group_uses_the_unit_group_only():
    X = col(1, nan, 3, 10, nan, 30)
    g = np.array(["a", "a", "a", "b", "b", "b"], dtype=object)
    np.testing.assert_allclose(
        impute_group(X, g, stat="mean")[:, 0], [1, (1 + 3) / 2, 3, 10, (10 + 30) / 2, 30]
    )
    np.testing.assert_allclose(impute_group(X, g, stat="median")[:, 0], [1, 2, 3, 10, 20, 30])


def test_impute_row_fills_with_row_mean_on_minmax_scale_respecting_direction():
    X = np.array([[0.0, 10.0], [5.0, nan], [10.0, 0.0]])
    out = impute_row(X, np.array([1.0, -1.0]))
    # Column 2 reversed: -10..0, unit 2 scores (5-0)/(10-0) = 0.5 on column 1, so on the
    # reversed column 2 it gets 0.5 * (0 - -10) + -10 = -5, i.e. 5 once direction restored.
    np.testing.assert_allclose(out[1, 1], -(0.5 * (0 - -10) + -10))


def test_screen_drops_units_below_threshold():
    X = np.array([[1.0, 2.0, 3.0], [1.0, nan, nan], [1.0, 2.0, nan]])
    np.testing.assert_array_equal(screen_units(X, dat_thresh=2 / 3), [True, False, True])


def test_skew_and_kurtosis_match_pandas_definition():
    x = np.array([1.0, 2.0, 3.0, 4.0, 20.0, nan])
    v = x[~np.isnan(x)]
    n = v.size
    d = v - v.mean()
    g1 = np.sqrt(n) * (d**3).sum() / (d**2).sum() ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    r = n * (d**4).sum() / (d**2).sum() ** 2
    g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    s, k = skew_kurt(x[:, None])
    np.testing.assert_allclose([s[0], k[0]], [g1, g2])


def _treat_one(x, **kw):
    settings = {"winmax": 5.0, "skew": 2.0, "kurt": 3.5} | kw
    return treat(
        x[:, None],
        codes=("x",),
        active=np.array([True]),
        winmax=np.array([settings["winmax"]]),
        skew_thresh=np.array([settings["skew"]]),
        kurt_thresh=np.array([settings["kurt"]]),
        combine=settings.get("combine", False),
    )


def test_treat_winsorises_the_maximum_to_the_next_value():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])
    out, report = _treat_one(x)
    np.testing.assert_allclose(out[:, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10])
    assert report.nwin[0] == 1
    assert report.points[-1, 0] == "winhi"


def test_treat_counts_tied_points_in_one_step_beyond_winmax():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 100])
    out, report = _treat_one(x, winmax=1)
    # Both copies of the maximum are clipped at once: 2 points although winmax is 1.
    assert report.nwin[0] == 2
    assert out[-1, 0] == 12


def test_treat_falls_back_to_log_of_original_when_winsorising_is_not_enough():
    x = np.array([1.0] * 10 + [2.0] * 10 + [1000.0, 2000.0])
    out, report = _treat_one(x, winmax=1)
    assert report.log[0]
    assert report.pass1[0] == 0
    expected = np.log(x - 1 + 0.01 * (2000 - 1))
    np.testing.assert_allclose(out[:, 0], expected)
    assert report.points[-1, 0] == "winhi+log_CT"
    assert report.points[0, 0] == "log_CT"


def test_treat_none_leaves_indicator_untouched():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100])
    out, report = treat(
        x[:, None], codes=("x",), active=np.array([False]), winmax=np.array([5.0]),
        skew_thresh=np.array([2.0]), kurt_thresh=np.array([3.5]),
    )  # fmt: skip
    np.testing.assert_array_equal(out[:, 0], x)
    assert np.isnan(report.nwin[0])


X3 = col(1, 4, 2, nan)


@pytest.mark.parametrize(
    ("method", "params", "direction", "expected"),
    [
        ("minmax", {"lower": 0, "upper": 100}, 1, [(1 - 1) / (4 - 1) * 100, (4 - 1) / (4 - 1) * 100, (2 - 1) / (4 - 1) * 100, nan]),
        ("minmax", {"lower": 1, "upper": 100}, -1, [(-1 - -4) / 3 * 99 + 1, 1.0, (-2 - -4) / 3 * 99 + 1, nan]),
        ("zscore", {"mean": 10, "sd": 2}, 1, [(1 - 7 / 3) / np.std([1, 4, 2], ddof=1) * 2 + 10, (4 - 7 / 3) / np.std([1, 4, 2], ddof=1) * 2 + 10, (2 - 7 / 3) / np.std([1, 4, 2], ddof=1) * 2 + 10, nan]),
        ("scaled", {"lower": 0, "upper": 10}, 1, [1 / 10 * 100, 4 / 10 * 100, 2 / 10 * 100, nan]),
        ("dist2max", {}, 1, [0.0, 1.0, 1 / 3, nan]),
        ("fracmax", {}, 1, [1 / 4, 1.0, 2 / 4, nan]),
        ("rank", {}, 1, [1.0, 3.0, 2.0, nan]),
        ("prank", {}, 1, [0.0, 1.0, 0.5, nan]),
        ("borda", {}, 1, [0.0, 2.0, 1.0, nan]),
        ("goalposts", {"lower": 1.5, "upper": 3.5, "scale": 100}, 1, [0.0, 100.0, (2 - 1.5) / 2 * 100, nan]),
        ("goalposts", {"lower": 1.5, "upper": 3.5, "scale": 100}, -1, [100.0, 0.0, (3.5 - 2) / 2 * 100, nan]),
    ],
)  # fmt: skip
def test_normalise_methods_follow_their_definition(method, params, direction, expected):
    np.testing.assert_allclose(norm(method, X3, direction, **params), expected)


def test_rank_ties_share_lowest_rank():
    np.testing.assert_allclose(norm("rank", col(5, 3, 5, 1)), [3, 2, 3, 1])


def test_dist2ref_and_dist2targ():
    x = col(1, 4, 2)
    np.testing.assert_allclose(
        norm("dist2ref", x, units=["a", "b", "c"], ref="c"),
        [1 - (2 - 1) / (2 - 1), 1 - (2 - 4) / (2 - 1), 1.0],
    )
    np.testing.assert_allclose(
        norm("dist2targ", x, target=3.0),
        [1 - (3 - 1) / (3 - 1), 1 - (3 - 4) / (3 - 1), 1 - (3 - 2) / (3 - 1)],
    )
    np.testing.assert_allclose(norm("dist2targ", x, target=3.0, cap_max=True)[1], 1.0)


def test_minmax_of_constant_column_is_an_error():
    with pytest.raises(NoVarianceError) as err:
        norm("minmax", col(2, 2, 2))
    assert err.value.indicator == "x0"


def test_unknown_normalisation_is_a_typed_error():
    with pytest.raises(UnknownMethodError) as err:
        NormaliseMethod.make("softmax")
    assert err.value.key == "normalise.method"


def _agg(C, w, method, **kw):
    return aggregate_groups(
        np.array(C, dtype=float),
        np.zeros(len(w), dtype=np.intp),
        1,
        np.array(w, dtype=float),
        method=method,
        **kw,
    )[:, 0]


@pytest.mark.parametrize(
    ("method", "kw", "expected"),
    [
        ("amean", {}, [(1 * 2 + 3 * 4 + 2 * 6) / 6, (1 * 2 + 2 * 6) / 3]),
        ("gmean", {}, [(2**1 * 4**3 * 6**2) ** (1 / 6), (2**1 * 6**2) ** (1 / 3)]),
        ("hmean", {}, [6 / (1 / 2 + 3 / 4 + 2 / 6), 3 / (1 / 2 + 2 / 6)]),
        (
            "genmean",
            {"p": 2},
            [((1 * 4 + 3 * 16 + 2 * 36) / 6) ** 0.5, ((1 * 4 + 2 * 36) / 3) ** 0.5],
        ),
        ("median", {}, [4.0, 6.0]),
    ],
)
def test_aggregation_means_drop_missing_children_and_rescale_weights(method, kw, expected):
    C = [[2, 4, 6], [2, nan, 6]]
    np.testing.assert_allclose(_agg(C, [1, 3, 2], method, **kw), expected)


def test_weighted_median_with_equal_weights_is_the_median():
    np.testing.assert_allclose(_agg([[1, 2, 3, 10]], [1, 1, 1, 1], "median"), [(2 + 3) / 2])


def test_geometric_mean_over_zero_is_an_error_naming_unit_and_column():
    with pytest.raises(NonPositiveValueError) as err:
        aggregate_groups(
            np.array([[1.0, 0.0]]),
            np.array([0, 0]),
            1,
            np.ones(2),
            method="gmean",
            unit_codes=["BEL"],
            child_codes=["a", "b"],
        )
    assert (err.value.unit, err.value.code, err.value.value) == ("BEL", "b", 0.0)


def test_copeland_is_wins_minus_losses():
    C = np.array([[1.0, 3.0, 2.0], [2.0, 2.0, 3.0], [3.0, 1.0, 1.0], [4.0, 5.0, 4.0]])
    # Unit 4 beats all on every child: 3 wins. Unit 1 vs 2: 1 of 3 children -> loses.
    # 1 vs 3: 2 of 3 -> wins. 2 vs 3: 2 of 3 -> wins.
    np.testing.assert_allclose(copeland(C, np.ones(3)), [1 - 1 - 1, 1 + 1 - 1, -1 - 1 - 1, 3])


def test_data_availability_threshold_gives_missing():
    out = _agg([[1, nan, nan], [1, 2, nan]], [1, 1, 1], "amean", dat_thresh=0.5)
    np.testing.assert_allclose(out, [nan, 1.5])


def test_ranks_are_descending_with_ties_sharing_lowest_rank():
    V = np.array([[3.0], [5.0], [3.0], [nan], [1.0]])
    np.testing.assert_array_equal(rank_descending(V)[:, 0], [2, 1, 2, nan, 4])


def test_framework_from_tree_and_effective_weights():
    fw = Framework.from_tree(
        ["a", "b", "c"],
        {"a": "P", "b": "P", "c": "Q", "P": "I", "Q": "I", "I": None},
        weights={"a": 1, "b": 3, "P": 1, "Q": 1},
    )
    eff = fw.effective_weights()
    np.testing.assert_allclose(
        [eff["a"], eff["b"], eff["c"]], [1 / 4 * 1 / 2, 3 / 4 * 1 / 2, 1 * 1 / 2]
    )
    assert fw.n_levels == 3


def test_cycle_in_parents_is_reported():
    with pytest.raises(CycleError):
        Framework.from_tree(["a"], {"a": "P", "P": "Q", "Q": "P"})


def test_unknown_pipeline_key_names_the_key():
    fw = Framework.from_tree(["a", "b"], {"a": "I", "b": "I", "I": None})
    ds = Dataset.from_arrays(["x", "y", "z"], [[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])
    with pytest.raises(PipelineKeyError) as err:
        build(ds, fw, {"normalise": {"method": "minmax", "lowr": 0}})
    assert err.value.key == "normalise.lowr"


def test_bounds_fitted_on_base_edition_apply_to_later_edition():
    fw = Framework.from_tree(["a", "b"], {"a": "I", "b": "I", "I": None})
    pipeline = {
        "normalise": {"method": "minmax", "lower": 0, "upper": 100},
        "aggregate": {"method": "amean"},
    }
    base = Dataset.from_arrays(["x", "y"], [[0.0, 10.0], [10.0, 20.0]])
    later = Dataset.from_arrays(["x", "y"], [[5.0, 20.0], [15.0, 30.0]])
    fitted = fit_normaliser(base, fw, pipeline)
    result = build(later, fw, pipeline, normaliser=fitted)
    # Scaled on the base edition's min and max: progress shows as scores above 100.
    np.testing.assert_allclose(
        result.stages["Normalised"].X,
        [[(5 - 0) / 10 * 100, (20 - 10) / 10 * 100], [(15 - 0) / 10 * 100, (30 - 10) / 10 * 100]],
    )
    np.testing.assert_allclose(result.score("I"), [(50 + 100) / 2, (150 + 200) / 2])


def test_stages_are_the_indicator_steps_and_aggregates_stand_apart():
    fw = Framework.from_tree(["a", "b"], {"a": "I", "b": "I", "I": None})
    ds = Dataset.from_arrays(["x", "y", "z"], [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    result = build(ds, fw, {"normalise": {"method": "minmax"}, "aggregate": {"method": "amean"}})
    assert list(result.stages) == [
        "Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"
    ]  # fmt: skip
    expected = [[0.0, 0.0], [(2 - 1) / (3 - 1) * 100, (4 - 2) / (6 - 2) * 100], [100.0, 100.0]]
    np.testing.assert_allclose(result.stages["Normalised"].X, expected)
    np.testing.assert_allclose(result.score("I"), [0.0, 50.0, 100.0])
