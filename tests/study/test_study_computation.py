import pytest

from cityloom.study.models import CityResult, Computation, Edition, Questionnaire, Value
from cityloom.study.queries import progress, trajectory
from cityloom.study.services import computation as computing
from cityloom.study.services.editions import (
    EditionError,
    create_edition,
    publish_edition,
    update_method,
)

pytestmark = pytest.mark.django_db

# Cities A, B, C; ECO.1.2 is lower-is-better, GOV.1.1 yes/no, GOV.1.2 a category (1..4).
VALUES = {
    "ECO.1.1": (10, 20, 30),
    "ECO.1.2": (5, 10, 15),
    "ECO.2.1": (1, 3, 2),
    "GOV.1.1": (1, 0, 1),
    "GOV.1.2": (1, 2, 4),
    "GOV.1.3": (0, 50, 100),
}
PIPELINE = {
    "normalise": {"method": "minmax", "lower": 0, "upper": 100},
    "aggregate": {"method": "amean"},
}


def fill(edition, values=VALUES):
    questionnaires = list(edition.questionnaires.order_by("city__name"))
    nodes = {n.code: n for n in edition.framework.nodes.indicators()}
    for code, column in values.items():
        for q, x in zip(questionnaires, column, strict=True):
            if x is not None:
                Value.objects.create(questionnaire=q, indicator=nodes[code], number=x)
    edition.questionnaires.update(status=Questionnaire.Status.ACCEPTED)
    edition.pipeline = PIPELINE
    edition.uncertainty = {"runs": 40, "seed": 7, "weights_noise": 0.25}
    edition.save()


def run(edition, user, capture):
    with capture(execute=True):
        computation = computing.request_computation(edition, by=user)
    computation.refresh_from_db()
    return computation


@pytest.fixture
def computed(edition, secretariat, django_capture_on_commit_callbacks):
    fill(edition)
    return run(edition, secretariat, django_capture_on_commit_callbacks)


def scores(computation):
    return {r.city.name: r for r in computation.results.select_related("city")}


def test_scores_and_ranks_from_the_definitions(computed):
    assert computed.status == Computation.Status.DONE
    assert computed.progress == 100
    rows = scores(computed)
    eco = {"City A": (50 + 0) / 2, "City B": (50 + 100) / 2, "City C": (50 + 50) / 2}
    gov = {"City A": (100 + 0 + 0) / 3, "City B": (0 + 100 / 3 + 50) / 3, "City C": 100.0}
    for name, row in rows.items():
        assert row.groups["ECO"] == pytest.approx(eco[name])
        assert row.groups["GOV"] == pytest.approx(gov[name])
        assert row.score == pytest.approx((eco[name] + gov[name]) / 2)
        assert row.coverage == 1.0
    assert {n: r.rank for n, r in rows.items()} == {"City A": 3, "City B": 2, "City C": 1}
    # The lower-is-better indicator is reversed: the lowest unemployment scores 100.
    assert rows["City A"].indicators["ECO.1.2"] == pytest.approx(100.0)


def test_rank_interval_from_the_uncertainty_analysis(computed):
    for row in scores(computed).values():
        assert 1 <= row.rank_low <= row.rank_median <= row.rank_high <= 3


def test_stored_settings_and_inputs_give_the_same_numbers(computed):
    assert computing.verify(computed)
    # The snapshot, not the live values, defines a computation.
    Value.objects.filter(indicator__code="ECO.1.1").update(number=1000)
    assert computing.verify(computed)
    CityResult.objects.filter(computation=computed, city__name="City A").update(score=1.0)
    assert not computing.verify(computed)


def test_indicator_without_spread_or_direction_is_left_out(
    edition, secretariat, django_capture_on_commit_callbacks
):
    fill(edition, {**VALUES, "ECO.2.1": (2, 2, 2)})
    edition.framework.nodes.filter(code="GOV.1.3").update(direction="unknown")
    computation = run(edition, secretariat, django_capture_on_commit_callbacks)
    assert computation.notes == [
        {"kind": "excluded_no_variance", "code": "ECO.2.1"},
        {"kind": "excluded_direction", "code": "GOV.1.3"},
    ]
    assert computation.structure["included"] == ["ECO.1.1", "ECO.1.2", "GOV.1.1", "GOV.1.2"]
    # ECO.2 has no indicator left: it disappears from the tree, ECO is ECO.1 alone.
    row = scores(computation)["City B"]
    assert "ECO.2" not in row.groups
    assert row.groups["ECO"] == pytest.approx(50.0)


def test_division_by_zero_is_a_warning_shown_to_the_secretariat(
    edition, secretariat, client, django_capture_on_commit_callbacks
):
    # fracmax divides by the highest value: ECO.1.1's is 0, so its scores stay missing.
    fill(edition, {**VALUES, "ECO.1.1": (-20, -10, 0)})
    edition.pipeline = {"normalise": {"method": "fracmax"}, "aggregate": {"method": "amean"}}
    edition.save()
    computation = run(edition, secretariat, django_capture_on_commit_callbacks)
    assert computation.status == Computation.Status.DONE
    note = {
        "kind": "division_by_zero",
        "code": "ECO.1.1",
        "method": "fracmax",
        "reason": "maximum_is_zero",
        "unit": "",
        "values": "missing",
    }
    assert computation.notes == [note]
    message = (
        "ECO.1.1 cannot be normalised with fracmax: its highest value is zero, so its "
        "scores are left missing."
    )
    assert computing.describe(note) == message
    assert scores(computation)["City B"].indicators["ECO.1.1"] is None
    client.force_login(secretariat)
    page = client.get(f"/en/study/editions/{edition.pk}/computation/")
    assert message in page.content.decode()


def test_division_by_zero_sentence_for_each_reason():
    base = {"kind": "division_by_zero", "code": "X.1", "unit": "2988507", "values": "missing"}
    reference = {**base, "method": "dist2ref", "reason": "reference_at_minimum"}
    target = {**base, "method": "dist2targ", "reason": "target_at_minimum"}
    assert computing.describe(reference) == (
        "X.1 cannot be normalised with dist2ref: the reference city 2988507 has the lowest "
        "value, so its scores are left missing."
    )
    assert computing.describe(target) == (
        "X.1 cannot be normalised with dist2targ: the target equals the lowest value, so its "
        "scores are left missing."
    )


def test_failure_is_stored_with_its_reason(
    edition, secretariat, django_capture_on_commit_callbacks
):
    fill(edition)
    edition.questionnaires.exclude(city__name="City A").update(status=Questionnaire.Status.DRAFT)
    computation = run(edition, secretariat, django_capture_on_commit_callbacks)
    assert computation.status == Computation.Status.FAILED
    assert [computing.describe(e) for e in computation.errors] == [
        "At least two cities must have submitted their questionnaire (now: 1)."
    ]
    with pytest.raises(EditionError):
        publish_edition(edition, by=secretariat)


def test_method_checked_by_the_engine(edition, secretariat):
    with pytest.raises(EditionError) as info:
        update_method(
            edition, by=secretariat, pipeline={"normalise": {"method": "magic"}}, uncertainty={}
        )
    assert "magic" in info.value.messages[0]


def test_progress_on_the_base_editions_scale(
    commission, edition, computed, secretariat, django_capture_on_commit_callbacks
):
    publish_edition(edition, by=secretariat)
    later = create_edition(
        commission=commission,
        framework=edition.framework,
        year=2016,
        title="Smart Cities Study 2016",
        cities=[q.city for q in edition.questionnaires.all()],
        base_edition=edition,
    )
    later.status = Edition.Status.OPEN
    later.save()
    fill(later, {**VALUES, "ECO.1.1": (20, 20, 30)})
    computation = run(later, secretariat, django_capture_on_commit_callbacks)
    assert computation.comparable_basis == "bounds"
    rows = scores(computation)
    # On 2014's bounds, A's R&D goes from 0 to (20 - 10) / (30 - 10) = 50: ECO.1 +25, ECO +12.5.
    change = progress(rows["City A"])
    assert change["ECO"] == pytest.approx(12.5)
    assert change["GOV"] == pytest.approx(0.0)
    assert change[""] == pytest.approx(6.25)
    assert progress(rows["City B"])[""] == pytest.approx(0.0)
    publish_edition(later, by=secretariat)
    path = trajectory(later, rows["City A"].city_id)
    assert [year for year, _p in path["points"]] == [2014, 2016]
    assert path["points"][1][1]["ECO"] - path["points"][0][1]["ECO"] == pytest.approx(12.5)


def test_unexpected_error_fails_the_computation_with_a_generic_message(
    edition, secretariat, client, django_capture_on_commit_callbacks, caplog
):
    fill(edition)
    # Written past the form (the admin, a script): the engine meets a number that is not one.
    edition.uncertainty = {"runs": "many", "seed": 7, "weights_noise": 0.25}
    edition.save()
    computation = run(edition, secretariat, django_capture_on_commit_callbacks)
    assert computation.status == Computation.Status.FAILED
    assert computation.errors == [{"kind": "crashed"}]
    assert [computing.describe(e) for e in computation.errors] == [
        "The computation stopped on an unexpected error. It has been logged for the technical "
        "team; try again, and tell them if it happens again."
    ]
    # The traceback is in the log, the exception's text is not shown to the secretariat.
    [crash] = [r for r in caplog.records if r.getMessage().endswith("crashed")]
    assert crash.exc_info[0] is ValueError
    client.force_login(secretariat)
    page = client.get(f"/en/study/editions/{edition.pk}/computation/").content.decode()
    assert "hx-trigger" not in page
    assert "many" not in page
    assert "unexpected error" in page


def _claimed_by_dead_worker(computation, *, runs):
    """The computation's task as a worker left it when it was killed, `runs` times over."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cityloom.study.tasks import compute_edition

    result = compute_edition.enqueue(computation.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[f"killed-{n}" for n in range(runs)],
    )
    Computation.objects.filter(pk=computation.pk).update(
        status=Computation.Status.RUNNING, progress=15
    )
    return DBTaskResult.objects.get(pk=result.id)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYLOOM_WORKER_LEASE = 60


def test_computation_of_a_killed_worker_is_run_again_after_the_lease(
    edition, secretariat, database_tasks
):
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus

    from cityloom.core import jobs
    from tests.core.worker import run_ready_tasks

    fill(edition)
    computation = Computation.objects.create(edition=edition, requested_by=secretariat)
    task = _claimed_by_dead_worker(computation, runs=1)
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=30))  # within the lease: left alone
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=61))
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert run_ready_tasks() == 1
    task.refresh_from_db()
    computation.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["killed-0", "survivor"]
    assert computation.status == Computation.Status.DONE
    assert computation.results.count() == 3


def test_computation_that_killed_its_worker_three_times_is_failed_and_stops_polling(
    edition, secretariat, client, database_tasks
):
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus

    from cityloom.core import jobs

    fill(edition)
    computation = Computation.objects.create(edition=edition, requested_by=secretariat)
    task = _claimed_by_dead_worker(computation, runs=jobs.MAX_RUNS)
    client.force_login(secretariat)
    status_url = f"/en/study/editions/{edition.pk}/computation/"
    assert 'hx-trigger="every 1s"' in client.get(status_url).content.decode()
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=61))
    task.refresh_from_db()
    computation.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "cityloom.core.jobs.WorkerLost"
    assert computation.status == Computation.Status.FAILED
    assert [computing.describe(e) for e in computation.errors] == [
        "The computation was interrupted (its background worker stopped). Start it again."
    ]
    page = client.get(status_url).content.decode()
    assert "hx-trigger" not in page
    assert "interrupted" in page


def test_publishing_before_computing_is_reported_on_the_page(client, edition, secretariat):
    client.force_login(secretariat)
    response = client.post(
        f"/en/study/editions/{edition.pk}/publish/", {"confirm": "yes"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Compute the results before publishing them."
    ]
    edition.refresh_from_db()
    assert edition.status != Edition.Status.PUBLISHED
