"""A normalisation that divides by zero for one indicator: a warning, and the index is built.

dist2ref with the reference unit at the minimum, dist2targ with the target there and
fracmax with a maximum of 0 (after the Direction flip) divide by zero. The indicator's
normalised values become missing with a typed warning, or, on request, COINr's +-Inf.
"""

from __future__ import annotations

import numpy as np
import pytest

from cityloom.engines.index.cli import main
from cityloom.engines.index.data import Dataset
from cityloom.engines.index.errors import (
    MAXIMUM_IS_ZERO,
    REFERENCE_AT_MINIMUM,
    TARGET_AT_MINIMUM,
    DivisionByZeroWarning,
    PipelineKeyError,
)
from cityloom.engines.index.framework import Framework
from cityloom.engines.index.normalise import NormaliseMethod, Normaliser
from cityloom.engines.index.pipeline import build

from .conftest import ASEM

nan, inf = np.nan, np.inf


def fit_one(method, x, *, direction=1.0, target=nan, units=None, zero_division="missing", **kw):
    n = Normaliser(
        [NormaliseMethod.make(method, **kw)],
        directions=np.array([direction]),
        targets=np.array([target]),
        codes=["x"],
        zero_division=zero_division,
    )
    values = n.fit_transform(np.array(x, dtype=float)[:, None], unit_codes=units)[:, 0]
    return values, n.warnings_


def test_dist2ref_with_the_reference_at_the_minimum_is_missing_with_a_warning():
    values, warnings = fit_one("dist2ref", [2, 5, 3], units=["a", "b", "c"], ref="a")
    np.testing.assert_array_equal(values, [nan, nan, nan])
    assert warnings == [
        DivisionByZeroWarning(
            indicator="x", method="dist2ref", reason=REFERENCE_AT_MINIMUM, unit="a"
        )
    ]
    assert str(warnings[0]) == (
        "column 'x': dist2ref divides by zero (the reference unit 'a' has the lowest "
        "value); its normalised values are left missing"
    )


def test_dist2ref_with_the_reference_at_the_minimum_gives_coinr_infinities_on_request():
    values, warnings = fit_one(
        "dist2ref", [2, 5, 3], units=["a", "b", "c"], ref="a", zero_division="inf"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 - (x_ref - x) / (x_ref - min), with x_ref = min = 2.
        expected = 1 - (2 - np.array([2.0, 5.0, 3.0])) / (2.0 - 2.0)
    np.testing.assert_array_equal(values, expected)
    np.testing.assert_array_equal(values, [nan, inf, inf])
    assert [w.values for w in warnings] == ["inf"]


def test_fracmax_of_a_lower_is_better_indicator_with_a_zero_is_missing_or_coinr_infinities():
    # Direction -1: x * Direction is (-0, -4, -2), whose maximum is 0.
    values, warnings = fit_one("fracmax", [0, 4, 2], direction=-1.0)
    np.testing.assert_array_equal(values, [nan, nan, nan])
    assert [(w.indicator, w.method, w.reason) for w in warnings] == [
        ("x", "fracmax", MAXIMUM_IS_ZERO)
    ]
    values, _ = fit_one("fracmax", [0, 4, 2], direction=-1.0, zero_division="inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        flipped = np.array([0.0, 4.0, 2.0]) * -1.0
        expected = flipped / flipped.max()  # x / max, as COINr's n_fracmax
    np.testing.assert_array_equal(values, expected)
    assert np.isinf(values[1:]).all()
    assert np.isnan(values[0])


def test_dist2targ_with_the_target_at_the_minimum_is_missing_with_a_warning():
    values, warnings = fit_one("dist2targ", [1, 4, 2], target=1.0)
    np.testing.assert_array_equal(values, [nan, nan, nan])
    assert [w.reason for w in warnings] == [TARGET_AT_MINIMUM]


def test_a_fitted_column_without_division_by_zero_has_no_warning():
    values, warnings = fit_one("fracmax", [1, 4, 2])
    np.testing.assert_allclose(values, [1 / 4, 4 / 4, 2 / 4])
    assert warnings == []


def _two_indicators() -> tuple[Dataset, Framework]:
    fw = Framework.from_tree(["a", "b"], {"a": "I", "b": "I", "I": None})
    ds = Dataset.from_arrays(["u", "v", "w"], [[2.0, 3.0], [5.0, 1.0], [3.0, 4.0]])
    return ds, fw


def test_build_goes_on_without_the_indicator_and_lists_the_warning():
    ds, fw = _two_indicators()
    pipeline = {"normalise": {"method": "dist2ref", "ref": "u"}, "aggregate": {"method": "amean"}}
    result = build(ds, fw, pipeline)
    # a: u holds 2, the minimum. b: x_ref = 3, min = 1, and the index is b alone.
    assert result.warnings == (
        DivisionByZeroWarning("a", "dist2ref", REFERENCE_AT_MINIMUM, unit="u"),
    )
    b = [1 - (3 - 3) / (3 - 1), 1 - (3 - 1) / (3 - 1), 1 - (3 - 4) / (3 - 1)]
    np.testing.assert_array_equal(result.stages["Normalised"].X[:, 0], [nan, nan, nan])
    np.testing.assert_allclose(result.stages["Normalised"].X[:, 1], b)
    np.testing.assert_allclose(result.score("I"), b)


def test_build_without_division_by_zero_has_no_warning():
    ds, fw = _two_indicators()
    pipeline = {"normalise": {"method": "dist2ref", "ref": "w"}, "aggregate": {"method": "amean"}}
    result = build(ds, fw, pipeline)
    assert result.warnings == ()
    np.testing.assert_allclose(
        result.stages["Normalised"].X,
        [
            [1 - (3 - 2) / (3 - 2), 1 - (4 - 3) / (4 - 1)],
            [1 - (3 - 5) / (3 - 2), 1 - (4 - 1) / (4 - 1)],
            [1.0, 1.0],
        ],
    )


def test_build_with_one_indicator_dividing_by_zero_scores_from_the_others():
    ds, fw = _two_indicators()
    pipeline = {
        "normalise": {
            "method": "fracmax",
            "per_indicator": {"a": {"method": "dist2ref", "ref": "u"}},
        },
        "aggregate": {"method": "amean"},
    }
    result = build(ds, fw, pipeline)
    assert [w.indicator for w in result.warnings] == ["a"]
    np.testing.assert_allclose(result.score("I"), [3 / 4, 1 / 4, 4 / 4])


@pytest.mark.parametrize(
    ("normalise", "key"),
    [
        ({"method": "fracmax", "zero_division": "zero"}, "normalise.zero_division"),
        (
            {"method": "fracmax", "per_indicator": {"a": {"zero_division": "inf"}}},
            "normalise.per_indicator.a.zero_division",
        ),
    ],
)
def test_zero_division_is_a_setting_of_the_whole_step(normalise, key):
    ds, fw = _two_indicators()
    with pytest.raises(PipelineKeyError) as err:
        build(ds, fw, {"normalise": normalise})
    assert err.value.key == key


def test_asem_bord_with_australia_as_reference_is_missing_and_the_index_is_built(
    asem, asem_framework
):
    # COINr's ASEM data: Australia has no land border (Bord = 0, the minimum).
    bord = asem_framework.indicator_codes.index("Bord")
    aus = list(asem.unit_codes).index("AUS")
    assert asem.X[aus, bord] == np.nanmin(asem.X[:, bord]) == 0
    pipeline = {"normalise": {"method": "dist2ref", "ref": "AUS"}, "aggregate": {"method": "amean"}}
    result = build(asem, asem_framework, pipeline)
    assert DivisionByZeroWarning("Bord", "dist2ref", REFERENCE_AT_MINIMUM, unit="AUS") in (
        result.warnings
    )
    assert np.isnan(result.stages["Normalised"].X[:, bord]).all()
    assert np.isfinite(result.score("Index")).all()

    pipeline["normalise"]["zero_division"] = "inf"
    coinr = build(asem, asem_framework, pipeline).stages["Normalised"].X[:, bord]
    raw = asem.X[:, bord]
    # 1 - (0 - x) / (0 - 0): NaN for Australia and every other 0, +Inf above.
    np.testing.assert_array_equal(np.isposinf(coinr), raw > 0)
    np.testing.assert_array_equal(np.isnan(coinr), ~(raw > 0))


def test_asem_cost_of_import_export_with_fracmax_is_missing_and_the_index_is_built(
    asem, asem_framework
):
    cost = asem_framework.indicator_codes.index("CostImpEx")
    assert asem_framework.direction[cost] == -1
    assert np.nanmin(asem.X[:, cost]) == 0
    result = build(
        asem, asem_framework, {"normalise": {"method": "fracmax"}, "aggregate": {"method": "amean"}}
    )
    warned = {w.indicator: w.reason for w in result.warnings}
    assert warned["CostImpEx"] == MAXIMUM_IS_ZERO
    assert np.isnan(result.stages["Normalised"].X[:, cost]).all()
    assert np.isfinite(result.score("Index")).all()


def test_command_line_prints_the_warning_and_writes_the_result(tmp_path, capsys):
    (tmp_path / "p.yaml").write_text(
        "normalise: {method: dist2ref, ref: AUS}\naggregate: {method: amean}\n", encoding="utf-8"
    )
    status = main(
        [
            "build",
            "--data", str(ASEM / "ASEM_iData.csv"),
            "--meta", str(ASEM / "ASEM_iMeta.csv"),
            "--pipeline", str(tmp_path / "p.yaml"),
            "--out", str(tmp_path / "r.csv"),
        ]
    )  # fmt: skip
    assert status == 0
    lines = capsys.readouterr().err.splitlines()
    assert (
        "warning: column 'Bord': dist2ref divides by zero (the reference unit 'AUS' has the "
        "lowest value); its normalised values are left missing"
    ) in lines
    assert all(line.startswith("warning: ") for line in lines)
    assert (tmp_path / "r.csv").exists()
