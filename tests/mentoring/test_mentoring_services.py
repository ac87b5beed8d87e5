import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from cityloom.core.models import AuditEvent
from cityloom.mentoring import queries, services
from cityloom.mentoring.models import (
    Health,
    MentorCapacity,
    MentoringRequest,
    Milestone,
    MilestoneReminder,
    Mode,
    Programme,
    Stage,
)
from tests.practices.factories import PracticeFactory

from .factories import MilestoneFactory, ProgrammeFactory, RequestFactory, publish_results


@pytest.fixture
def study(commission, cities):
    """Bordeaux strongest on mobility, Bilbao second, Poitiers weak; Johannesburg asks."""
    return publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (61.0, 2), "MOB": (78.2, 2)},
            cities["Bordeaux"]: {"ECO": (70.0, 1), "MOB": (81.5, 1)},
            cities["Poitiers"]: {"ECO": (40.0, 4), "MOB": (20.0, 4)},
            cities["Johannesburg"]: {"ECO": (50.0, 3), "MOB": (30.0, 3)},
        },
    )


@pytest.fixture
def johannesburg_request(commission, cities, focal):
    return services.request_mentoring(
        cities["Johannesburg"],
        by=focal["Johannesburg"],
        commission=commission,
        axes=["mobility"],
        topics="bus rapid transit",
        need="We need an integrated ticketing system for bus rapid transit and trains.",
        languages=["en", "es"],
    )


def test_request_mentoring_records_request_and_audit(johannesburg_request, cities):
    assert johannesburg_request.status == MentoringRequest.Status.OPEN
    assert johannesburg_request.axes == ["mobility"]
    assert johannesburg_request.languages == ["en", "es"]
    event = AuditEvent.objects.get(verb="mentoring.request")
    assert event.target_id == str(johannesburg_request.pk)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"axes": []}, "Choose at least one axis."),
        ({"axes": ["transport"]}, "Choose at least one axis."),
        ({"need": "   "}, "Describe the need in a few sentences."),
        (
            {"starts_on": dt.date(2025, 5, 1), "ends_on": dt.date(2025, 1, 1)},
            "The end of the time frame comes before its start.",
        ),
    ],
)
def test_request_mentoring_bad_input_writes_nothing(commission, cities, focal, kwargs, message):
    arguments = {"axes": ["mobility"], "need": "Help on ticketing."} | kwargs
    with pytest.raises(services.MentoringError) as exc:
        services.request_mentoring(
            cities["Johannesburg"], by=focal["Johannesburg"], commission=commission, **arguments
        )
    assert exc.value.messages == [message]
    assert MentoringRequest.objects.count() == 0


def test_focal_point_cannot_request_for_other_city(commission, cities, focal):
    with pytest.raises(PermissionDenied):
        services.request_mentoring(
            cities["Bilbao"],
            by=focal["Johannesburg"],
            commission=commission,
            axes=["mobility"],
            need="Help.",
        )
    assert MentoringRequest.objects.count() == 0


def test_study_scores_become_engine_input(commission, cities, study):
    data = queries.candidate_data(commission, axes=["mobility"])
    by_city = {c.city_id: c for c in data.candidates}
    bilbao = by_city[str(cities["Bilbao"].pk)]
    assert dict(bilbao.axis_scores) == {"economy": 61.0, "mobility": 78.2}
    assert dict(bilbao.axis_ranks) == {"economy": 2, "mobility": 2}
    assert bilbao.n_ranked == 4
    assert bilbao.languages == frozenset({"es", "eu"})
    assert bilbao.capacity == queries.DEFAULT_CAPACITY
    assert data.study.edition == study


def test_practices_on_requested_axes_become_engine_input(commission, cities, study):
    mobility = PracticeFactory(
        commission=commission,
        city=cities["Bilbao"],
        axis="mobility",
        title="Barik card",
        summary="One contactless card for metro, bus and tram.",
    )
    PracticeFactory(commission=commission, city=cities["Bilbao"], axis="economy", title="Bizkaia")
    PracticeFactory(
        commission=commission,
        city=cities["Bilbao"],
        axis="mobility",
        title="Draft",
        status="draft",
    )
    data = queries.candidate_data(commission, axes=["mobility"])
    bilbao = next(c for c in data.candidates if c.city_id == str(cities["Bilbao"].pk))
    assert bilbao.practice_texts == (queries.practice_text(mobility),)


def test_suggestions_rank_with_reasons_from_study_and_practices(
    commission, cities, study, johannesburg_request
):
    PracticeFactory(
        commission=commission,
        city=cities["Bilbao"],
        axis="mobility",
        title="Barik card",
        summary="Integrated ticketing: one contactless card for metro, bus and trains.",
        problem="Each operator sold its own tickets.",
        solution="A single ticketing system shared by bus and train operators.",
    )
    result = services.suggest_mentors(johannesburg_request)
    names = [s.city.name for s in result.suggestions]
    assert names == ["Bilbao", "Bordeaux", "Poitiers"]
    bilbao = result.suggestions[0]
    reasons = {r.criterion: r for r in bilbao.reasons}
    assert reasons["strength"].axes == [
        {"axis": "Smart mobility", "score": 78.2, "rank": 2, "n_ranked": 4}
    ]
    assert reasons["practices"].practice.title == "Barik card"
    assert "ticketing" in reasons["practices"].detail.matched_terms
    assert reasons["language"].languages == ["Spanish"]
    assert reasons["capacity"].detail.remaining == 1
    assert reasons["context"].detail.same_region is False
    assert result.edition == study


def test_suggestions_work_without_a_published_edition(commission, cities, johannesburg_request):
    result = services.suggest_mentors(johannesburg_request)
    assert result.edition is None
    assert {s.city.name for s in result.suggestions} == {"Bilbao", "Bordeaux", "Poitiers"}
    strength = next(r for r in result.suggestions[0].reasons if r.criterion == "strength")
    assert strength.axes == [{"axis": "Smart mobility", "score": None, "rank": None, "n_ranked": 0}]


def test_city_without_capacity_is_not_suggested(
    commission, cities, study, johannesburg_request, focal
):
    services.set_capacity(cities["Bordeaux"], by=focal["Bordeaux"], max_programmes=0)
    result = services.suggest_mentors(johannesburg_request)
    assert [s.city.name for s in result.suggestions] == ["Bilbao", "Poitiers"]
    assert result.n_unavailable == 1


def test_propose_accept_starts_programme_with_template_milestones(
    commission, cities, focal, secretariat, johannesburg_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_mentor(johannesburg_request, mentor=cities["Bilbao"], by=secretariat)
    assert [m.to for m in mail.outbox] == [["focal.bilbao@example.org"]]
    johannesburg_request.refresh_from_db()
    with (
        time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        programme = services.answer_pairing(
            johannesburg_request, by=focal["Bilbao"], accept=True, message="Welcome!"
        )
    assert (programme.mentor, programme.mentee) == (cities["Bilbao"], cities["Johannesburg"])
    assert programme.started_on == dt.date(2026, 2, 1)
    assert [(m.stage, m.due_on) for m in programme.milestones.all()] == [
        (Stage.NEEDS, dt.date(2026, 3, 3)),
        (Stage.PLAN, dt.date(2026, 5, 2)),
        (Stage.VISITS, dt.date(2026, 7, 31)),
        (Stage.ACTION_PLAN, dt.date(2026, 10, 29)),
    ]
    johannesburg_request.refresh_from_db()
    assert johannesburg_request.status == MentoringRequest.Status.ACCEPTED
    recipients = sorted(m.to[0] for m in mail.outbox[1:])
    assert recipients == ["focal.johannesburg@example.org", "secretariat@example.org"]


def test_accepting_twice_is_refused(commission, cities, focal, secretariat, johannesburg_request):
    johannesburg_request = services.propose_mentor(
        johannesburg_request, mentor=cities["Bilbao"], by=secretariat
    )
    services.answer_pairing(johannesburg_request, by=focal["Bilbao"], accept=True)
    with pytest.raises(services.MentoringError) as exc:
        services.answer_pairing(johannesburg_request, by=focal["Bilbao"], accept=True)
    assert exc.value.messages == ["This pairing has already been answered."]
    assert Programme.objects.count() == 1


def test_decline_reopens_request_and_excludes_city(
    commission, cities, focal, secretariat, johannesburg_request
):
    johannesburg_request = services.propose_mentor(
        johannesburg_request, mentor=cities["Bilbao"], by=secretariat
    )
    with pytest.raises(services.MentoringError):
        services.answer_pairing(johannesburg_request, by=focal["Bilbao"], accept=False)
    services.answer_pairing(
        johannesburg_request, by=focal["Bilbao"], accept=False, message="No capacity this year."
    )
    johannesburg_request.refresh_from_db()
    assert johannesburg_request.status == MentoringRequest.Status.OPEN
    assert johannesburg_request.mentor is None
    assert list(johannesburg_request.declined_by.all()) == [cities["Bilbao"]]
    assert "Bilbao" not in [
        s.city.name for s in services.suggest_mentors(johannesburg_request).suggestions
    ]
    with pytest.raises(services.MentoringError) as exc:
        services.propose_mentor(johannesburg_request, mentor=cities["Bilbao"], by=secretariat)
    assert exc.value.messages == ["Bilbao has already declined this request."]


def test_only_proposed_mentor_answers(commission, cities, focal, secretariat, johannesburg_request):
    services.propose_mentor(johannesburg_request, mentor=cities["Bilbao"], by=secretariat)
    with pytest.raises(PermissionDenied):
        services.answer_pairing(johannesburg_request, by=focal["Bordeaux"], accept=True)
    with pytest.raises(PermissionDenied):
        services.answer_pairing(johannesburg_request, by=focal["Johannesburg"], accept=True)
    assert Programme.objects.count() == 0


def test_propose_refuses_self_and_full_city(
    commission, cities, focal, secretariat, johannesburg_request
):
    with pytest.raises(services.MentoringError) as exc:
        services.propose_mentor(johannesburg_request, mentor=cities["Johannesburg"], by=secretariat)
    assert exc.value.messages == ["A city cannot mentor itself."]
    MentorCapacity.objects.create(city=cities["Bordeaux"], max_programmes=0)
    with pytest.raises(services.MentoringError) as exc:
        services.propose_mentor(johannesburg_request, mentor=cities["Bordeaux"], by=secretariat)
    assert exc.value.messages == ["Bordeaux has no capacity left for another programme."]
    with pytest.raises(PermissionDenied):
        services.propose_mentor(johannesburg_request, mentor=cities["Bilbao"], by=focal["Bilbao"])
    johannesburg_request.refresh_from_db()
    assert johannesburg_request.status == MentoringRequest.Status.OPEN


def test_pair_many_respects_capacity_and_beats_one_by_one(commission, cities, focal, secretariat):
    # Bilbao is everyone's first choice but mentors one programme: the optimum shares it out.
    publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (90.0, 1), "MOB": (90.0, 1)},
            cities["Bordeaux"]: {"ECO": (10.0, 4), "MOB": (85.0, 2)},
            cities["Poitiers"]: {"ECO": (80.0, 2), "MOB": (10.0, 4)},
            cities["Johannesburg"]: {"ECO": (20.0, 3), "MOB": (20.0, 3)},
        },
    )
    first = RequestFactory(commission=commission, city=cities["Johannesburg"], axes=["economy"])
    second = RequestFactory(commission=commission, city=cities["Poitiers"], axes=["mobility"])
    plan = services.plan_pairings(commission)
    assert [(r["request"], r["mentor"]) for r in plan.rows] == [
        (first, cities["Bilbao"]),
        (second, cities["Bordeaux"]),
    ]
    assert plan.assignment.total >= plan.assignment.greedy_total
    assert services.apply_pairings(commission, by=secretariat) == 2
    assert dict(MentoringRequest.objects.values_list("pk", "mentor__name")) == {
        first.pk: "Bilbao",
        second.pk: "Bordeaux",
    }
    with pytest.raises(PermissionDenied):
        services.apply_pairings(commission, by=focal["Bilbao"])


def test_pair_many_optimises_around_a_declining_city(commission, cities, secretariat):
    publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (90.0, 1), "MOB": (90.0, 1)},
            cities["Bordeaux"]: {"ECO": (10.0, 4), "MOB": (85.0, 2)},
            cities["Poitiers"]: {"ECO": (80.0, 2), "MOB": (10.0, 4)},
            cities["Johannesburg"]: {"ECO": (20.0, 3), "MOB": (20.0, 3)},
        },
    )
    request = RequestFactory(commission=commission, city=cities["Johannesburg"], axes=["economy"])
    request.declined_by.add(cities["Bilbao"])
    [row] = services.plan_pairings(commission).rows
    # Bilbao said no, so the plan goes to the next best city rather than to nobody.
    assert (row["request"], row["mentor"]) == (request, cities["Poitiers"])


@pytest.fixture
def programme(commission, cities):
    return ProgrammeFactory(
        commission=commission,
        mentor=cities["Bilbao"],
        mentee=cities["Johannesburg"],
        started_on=dt.date(2026, 1, 10),
    )


def test_milestone_before_start_is_refused(programme, focal):
    with pytest.raises(services.MentoringError) as exc:
        services.add_milestone(
            programme, by=focal["Bilbao"], title="Kick-off", due_on=dt.date(2026, 1, 9)
        )
    assert exc.value.messages == [
        "A milestone cannot be due before the programme starts (Jan. 10, 2026)."
    ]
    assert Milestone.objects.count() == 0


def test_completing_milestone_moves_stage(programme, focal):
    needs = services.add_milestone(
        programme, by=focal["Bilbao"], title="Needs", due_on=dt.date(2026, 2, 1), stage=Stage.NEEDS
    )
    services.add_milestone(
        programme, by=focal["Bilbao"], title="Plan", due_on=dt.date(2026, 4, 1), stage=Stage.PLAN
    )
    services.complete_milestone(needs, by=focal["Johannesburg"], done_on=dt.date(2026, 1, 30))
    programme.refresh_from_db()
    assert programme.stage == Stage.PLAN
    with pytest.raises(services.MentoringError):
        services.complete_milestone(needs, by=focal["Johannesburg"])


def test_report_sets_programme_status(programme, focal, secretariat):
    services.file_report(programme, by=secretariat, status=Health.AT_RISK, summary="Visit delayed.")
    programme.refresh_from_db()
    assert programme.status == Health.AT_RISK
    with pytest.raises(services.MentoringError):
        services.file_report(programme, by=focal["Bilbao"], status="fine", summary="?")


def test_objective_baseline_read_from_study_and_change_after_new_edition(
    commission, cities, programme, focal
):
    publish_results(commission, {cities["Johannesburg"]: {"MOB": (30.0, 3)}}, year=2012)
    objective = services.add_objective(
        programme, by=focal["Johannesburg"], title="Raise mobility", indicator_code="MOB", target=45
    )
    assert (objective.baseline, objective.baseline_year) == (30.0, 2012)
    [before] = queries.objectives_progress(programme)
    assert before.change is None
    publish_results(commission, {cities["Johannesburg"]: {"MOB": (37.5, 2)}}, year=2014)
    [after] = queries.objectives_progress(programme)
    assert (after.latest, after.latest_year, after.change) == (37.5, 2014, 37.5 - 30.0)


def test_objective_with_unknown_code_needs_baseline(programme, focal):
    with pytest.raises(services.MentoringError):
        services.add_objective(programme, by=focal["Bilbao"], title="X", indicator_code="NOPE")
    objective = services.add_objective(
        programme, by=focal["Bilbao"], title="X", indicator_code="NOPE", baseline=2, target=5
    )
    assert objective.baseline == 2


def test_evaluation_once_per_city_after_closing(programme, focal, secretariat):
    with pytest.raises(services.MentoringError):
        services.evaluate_programme(programme, by=focal["Bilbao"], rating=5, text="Great.")
    services.close_programme(programme, by=secretariat)
    services.evaluate_programme(programme, by=focal["Bilbao"], rating=5, text="Great.")
    with pytest.raises(services.MentoringError) as exc:
        services.evaluate_programme(programme, by=focal["Bilbao"], rating=4, text="Again.")
    assert exc.value.messages == ["Your city has already evaluated this programme."]
    with pytest.raises(PermissionDenied):
        services.evaluate_programme(programme, by=secretariat, rating=4, text="Secretariat.")
    assert programme.evaluations.count() == 1


def test_conversation_only_between_the_two_cities(programme, focal, secretariat):
    services.post_message(programme, by=focal["Johannesburg"], text="Hello Bilbao")
    with pytest.raises(PermissionDenied):
        services.post_message(programme, by=focal["Bordeaux"], text="Hello")
    with pytest.raises(PermissionDenied):
        services.post_message(programme, by=secretariat, text="Hello")
    assert list(programme.messages.values_list("text", flat=True)) == ["Hello Bilbao"]


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run the service and deliver the mail it queued on commit."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_reminders_sent_once_per_milestone_and_lead_time(programme, focal, deliver):
    MilestoneFactory(programme=programme, title="Study visit", due_on=dt.date(2026, 3, 10))
    MilestoneFactory(
        programme=programme, title="Done", due_on=dt.date(2026, 3, 10), done_on=dt.date(2026, 3, 1)
    )
    with time_machine.travel(dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)):
        assert deliver(services.send_milestone_reminders) == 0
    with time_machine.travel(dt.datetime(2026, 3, 4, 6, tzinfo=dt.UTC)):
        assert deliver(services.send_milestone_reminders) == 1
        assert deliver(services.send_milestone_reminders) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focal.bilbao@example.org",
        "focal.johannesburg@example.org",
    ]
    assert mail.outbox[0].subject.endswith("Milestone due on March 10, 2026: Study visit")
    with time_machine.travel(dt.datetime(2026, 3, 5, 6, tzinfo=dt.UTC)):
        assert deliver(services.send_milestone_reminders) == 0
    with time_machine.travel(dt.datetime(2026, 3, 9, 6, tzinfo=dt.UTC)):
        assert deliver(services.send_milestone_reminders) == 1
    with time_machine.travel(dt.datetime(2026, 3, 10, 6, tzinfo=dt.UTC)):
        assert deliver(services.send_milestone_reminders) == 0
    assert sorted(MilestoneReminder.objects.values_list("days_before", flat=True)) == [1, 7]
    assert len(mail.outbox) == 4


def test_reminder_command_runs_the_task(programme, focal, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    MilestoneFactory(programme=programme, title="Plan", due_on=dt.date(2026, 3, 10))
    with time_machine.travel(dt.datetime(2026, 3, 9, 6, tzinfo=dt.UTC)):
        for _run in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("send_mentoring_reminders")
    assert len(mail.outbox) == 2
    assert MilestoneReminder.objects.get().days_before == 1


def test_informal_exchange_has_no_milestones(commission, cities, focal, secretariat):
    request = services.request_mentoring(
        cities["Poitiers"],
        by=focal["Poitiers"],
        commission=commission,
        axes=["governance"],
        need="Open data portal.",
        mode=Mode.INFORMAL,
    )
    request = services.propose_mentor(request, mentor=cities["Bordeaux"], by=secretariat)
    programme = services.answer_pairing(request, by=focal["Bordeaux"], accept=True)
    assert programme.mode == Mode.INFORMAL
    assert programme.milestones.count() == 0


def test_mail_goes_in_each_recipients_language(
    commission, cities, focal, secretariat, smtp, django_capture_on_commit_callbacks
):
    secretariat.language = "es"
    secretariat.save()
    focal["Bilbao"].language = "fr"
    focal["Bilbao"].save()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_mentoring(
            cities["Johannesburg"],
            by=focal["Johannesburg"],
            commission=commission,
            axes=["mobility"],
            need="Ticketing.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_mentor(request, mentor=cities["Bilbao"], by=secretariat)
    subjects = {m["To"]: m["Subject"] for m in smtp.messages}
    assert subjects["secretariat@example.org"].endswith("Johannesburg pide una ciudad mentora")
    assert subjects["focal.bilbao@example.org"].endswith(
        "Bilbao accompagnera-t-elle Johannesburg ?"
    )


def test_pair_many_shows_what_changed_against_one_by_one(commission, cities, secretariat):
    # One by one, the first request takes Bilbao and leaves the second a weak mentor; the
    # optimum sends the first to Poitiers (nearly as good) and Bilbao to the second.
    publish_results(
        commission,
        {
            cities["Bilbao"]: {"ECO": (90.0, 1), "MOB": (95.0, 1)},
            cities["Poitiers"]: {"ECO": (88.0, 2), "MOB": (5.0, 4)},
            cities["Bordeaux"]: {"ECO": (5.0, 4), "MOB": (10.0, 3)},
            cities["Johannesburg"]: {"ECO": (10.0, 3), "MOB": (12.0, 2)},
        },
    )
    first = RequestFactory(commission=commission, city=cities["Johannesburg"], axes=["economy"])
    second = RequestFactory(commission=commission, city=cities["Bordeaux"], axes=["mobility"])
    plan = services.plan_pairings(commission)
    assert [(r["mentor"], r["greedy"], r["changed"]) for r in plan.rows] == [
        (cities["Poitiers"], cities["Bilbao"], True),
        (cities["Bilbao"], cities["Poitiers"], True),
    ]
    assert plan.assignment.total > plan.assignment.greedy_total
    assert [m.request_id for m in plan.assignment.changes] == [str(first.pk), str(second.pk)]


def test_secretariat_changes_pairing_before_answer(
    commission, cities, focal, secretariat, johannesburg_request
):
    proposed = services.propose_mentor(
        johannesburg_request, mentor=cities["Bilbao"], by=secretariat
    )
    with pytest.raises(PermissionDenied):
        services.cancel_proposal(proposed, by=focal["Johannesburg"])
    reopened = services.cancel_proposal(proposed, by=secretariat)
    assert (reopened.status, reopened.mentor) == (MentoringRequest.Status.OPEN, None)
    changed = services.propose_mentor(reopened, mentor=cities["Bordeaux"], by=secretariat)
    assert changed.mentor == cities["Bordeaux"]
    with pytest.raises(PermissionDenied):
        services.answer_pairing(changed, by=focal["Bilbao"], accept=True)
    assert list(AuditEvent.objects.values_list("verb", flat=True).order_by("id")) == [
        "mentoring.request",
        "mentoring.propose",
        "mentoring.unpropose",
        "mentoring.propose",
    ]


def test_withdrawn_request_cannot_be_paired(
    commission, cities, focal, secretariat, johannesburg_request
):
    with pytest.raises(PermissionDenied):
        services.withdraw_request(johannesburg_request, by=focal["Bilbao"])
    services.withdraw_request(johannesburg_request, by=focal["Johannesburg"])
    with pytest.raises(services.MentoringError) as exc:
        services.propose_mentor(johannesburg_request, mentor=cities["Bilbao"], by=secretariat)
    assert exc.value.messages == ["This request already has a mentor proposed or is closed."]
    with pytest.raises(services.MentoringError):
        services.withdraw_request(johannesburg_request, by=focal["Johannesburg"])


def test_secretariat_hears_when_a_programme_gets_into_trouble(
    programme, focal, secretariat, django_capture_on_commit_callbacks
):
    secretariat.language = "fr"
    secretariat.save()
    for status in (Health.ON_TRACK, Health.AT_RISK, Health.AT_RISK, Health.LATE):
        with django_capture_on_commit_callbacks(execute=True):
            services.file_report(programme, by=focal["Bilbao"], status=status, summary=status)
    assert [m.subject.split("] ")[-1] for m in mail.outbox] == [
        "Mentorat Bilbao → Johannesburg : à risque",
        "Mentorat Bilbao → Johannesburg : en retard",
    ]
