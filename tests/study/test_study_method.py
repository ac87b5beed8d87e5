import pytest

from cityloom.study.forms import MethodForm
from cityloom.study.services.editions import DEFAULT_PIPELINE, Method

pytestmark = pytest.mark.django_db


def test_default_method_is_the_default_pipeline():
    assert Method().to_pipeline() == {
        "treat": {"winmax": 5, "skew": 2.0, "kurt": 3.5},
        "normalise": {"method": "minmax", "lower": 0, "upper": 100},
        "aggregate": {"method": "amean"},
    }
    assert Method.from_pipeline(DEFAULT_PIPELINE) == Method()


def test_method_read_back_from_its_pipeline():
    method = Method(
        impute="median", treat=False, normalise="zscore", aggregate="gmean", weights={"ECO": 2.0}
    )
    assert method.to_pipeline() == {
        "impute": {"stat": "median", "by": "column"},
        "normalise": {"method": "zscore"},
        "aggregate": {"method": "gmean", "weights": {"ECO": 2.0}},
    }
    assert Method.from_pipeline(method.to_pipeline()) == method
    assert method.uncertainty_winmax() == []


def test_method_form_gives_the_pipeline_and_shows_it_again(edition):
    axes = {n.code: n for n in edition.framework.nodes.top()}
    data = {
        "impute": "mean",
        "treat": "on",
        "winmax": "3",
        "normalise": "prank",
        "aggregate": "median",
        "runs": "10",
        "seed": "4",
        "weights_noise": "0.1",
        f"weight_{axes['ECO'].pk}": "3",
        f"weight_{axes['GOV'].pk}": str(axes["GOV"].weight),
    }
    form = MethodForm(data, edition=edition)
    assert form.is_valid(), form.errors
    assert form.pipeline() == {
        "impute": {"stat": "mean", "by": "column"},
        "treat": {"winmax": 3, "skew": 2.0, "kurt": 3.5},
        "normalise": {"method": "prank"},
        "aggregate": {"method": "median", "weights": {"ECO": 3.0}},
    }
    assert form.uncertainty() == {
        "runs": 10,
        "seed": 4,
        "winmax": [1, 2, 3, 4, 5],
        "weights_noise": 0.1,
    }
    edition.pipeline = form.pipeline()
    shown = MethodForm(edition=edition)
    assert {k: shown.initial[k] for k in ("impute", "treat", "winmax", "normalise")} == {
        "impute": "mean",
        "treat": True,
        "winmax": 3,
        "normalise": "prank",
    }
    assert shown.fields[f"weight_{axes['ECO'].pk}"].initial == 3.0
