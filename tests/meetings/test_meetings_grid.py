"""The bridge to the engine: a feasible grid, pins honoured, moves checked, late changes small."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from cityloom.engines import barcamp
from cityloom.meetings import queries, services
from cityloom.meetings.models import Meeting, Topic

from .factories import TopicFactory, VoteFactory


@pytest.fixture
def voted(meeting, people):
    """Five topics, one per city; votes make `E-commerce` the most wanted (5), then `Data mining` (4)."""
    p = people
    titles = ["E-commerce", "Data mining", "3D tools", "Cloud productivity", "Business spaces"]
    proposers = [p["Bordeaux"], p["Bilbao"], p["Poitiers"], p["Pau"], p["Lappeenranta"]]
    topics = {
        t: TopicFactory(meeting=meeting, title=t, proposer=who)
        for t, who in zip(titles, proposers, strict=True)
    }
    wanted = {
        "E-commerce": list(p),
        "Data mining": ["Bordeaux", "Bilbao", "Poitiers", "Pau"],
        "3D tools": ["Bordeaux", "Poitiers"],
        "Cloud productivity": ["Pau", "Lappeenranta"],
        "Business spaces": ["Bordeaux", "Bilbao", "Pau", "Lappeenranta"],
    }
    for title, cities in wanted.items():
        for city in cities:
            VoteFactory(topic=topics[title], person=p[city])
    return topics


def _cells(meeting):
    return {
        t.title: (t.room.name, t.slot_id)
        for t in meeting.topics.select_related("room")
        if t.room_id
    }


def test_engine_instance_mirrors_the_meeting(meeting, voted, people):
    instance = services.engine_instance(meeting)
    ecommerce = voted["E-commerce"]
    assert [r.capacity for r in instance.rooms] == [10, 4]
    assert instance.slots == tuple(f"S{pk}" for pk in meeting.slots.values_list("pk", flat=True))
    assert instance.weights.unscheduled_per_vote >= instance.weights.overflow
    topic = next(t for t in instance.topics if t.id == f"T{ecommerce.pk}")
    assert topic.proposers == (f"P{people['Bordeaux'].pk}",)
    demand = sum(f"T{ecommerce.pk}" in p.votes for p in instance.participants)
    assert demand == 5


def test_built_grid_is_feasible_and_stored(meeting, voted, secretariat):
    report = services.optimise_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.grid_job == Meeting.GridJob.DONE
    # The stored grid passes the engine's own check, and scores what the engine said.
    check = barcamp.evaluate(services.engine_instance(meeting), services.current_grid(meeting))
    assert check.objective == report.objective == meeting.grid_report["objective"]
    # 5 topics for 6 cells: every topic has a cell, and votes are locked.
    assert Topic.objects.filter(meeting=meeting, room__isnull=True).count() == 0
    assert meeting.are_votes_locked


def test_popular_session_is_never_dropped_while_a_cell_is_free(meeting, people, secretariat):
    # One room of 2 seats and one slot: the 5-vote topic overflows by 3 but must still be held.
    meeting.rooms.exclude(name="Salle Mably").delete()
    meeting.rooms.update(capacity=2)
    meeting.slots.exclude(pk=meeting.slots.first().pk).delete()
    topic = TopicFactory(meeting=meeting, proposer=people["Bordeaux"])
    for person in people.values():
        VoteFactory(topic=topic, person=person)
    services.optimise_grid(meeting, by=secretariat)
    topic.refresh_from_db()
    assert topic.is_scheduled
    assert meeting.grid_report["overflows"] == [
        {"topic": topic.pk, "room": topic.room_id, "demand": 5, "capacity": 2, "excess": 3}
    ]


def test_topics_left_out_are_reported_with_a_reason(meeting, people, secretariat):
    meeting.slots.exclude(pk=meeting.slots.first().pk).delete()  # 2 cells
    topics = [
        TopicFactory(meeting=meeting, proposer=people[c]) for c in ("Bilbao", "Pau", "Poitiers")
    ]
    for topic, voters in zip(
        topics, (["Bilbao", "Pau"], ["Pau", "Bordeaux"], ["Poitiers"]), strict=True
    ):
        for city in voters:
            VoteFactory(topic=topic, person=people[city])
    services.optimise_grid(meeting, by=secretariat)
    report = queries.grid_report(meeting)
    assert [(u["topic"], u["demand"], u["reason"]) for u in report["unscheduled"]] == [
        (topics[2], 1, "no_free_cell")
    ]
    assert report["unscheduled"][0]["why"] == "every cell holds a session with more votes"


def test_pinned_session_stays_in_its_cell_when_re_optimised(meeting, voted, secretariat):
    services.optimise_grid(meeting, by=secretariat)
    room = meeting.rooms.get(name="Salon d'honneur")
    last = meeting.slots.last()
    services.move_session(voted["E-commerce"], by=secretariat, room=room, slot=last)
    services.optimise_grid(meeting, by=secretariat, mode=services.Mode.REOPTIMISE)
    ecommerce = Topic.objects.get(pk=voted["E-commerce"].pk)
    assert (ecommerce.room, ecommerce.slot, ecommerce.is_pinned) == (room, last, True)
    barcamp.evaluate(services.engine_instance(meeting), services.current_grid(meeting))  # feasible


def test_move_swaps_with_the_sessions_occupant(meeting, voted, secretariat):
    services.optimise_grid(meeting, by=secretariat)
    data, ecommerce = (Topic.objects.get(pk=voted[t].pk) for t in ("Data mining", "E-commerce"))
    old = (data.room, data.slot)
    occupant = services.move_session(data, by=secretariat, room=ecommerce.room, slot=ecommerce.slot)
    assert occupant == ecommerce
    ecommerce.refresh_from_db()
    assert (ecommerce.room, ecommerce.slot) == old
    assert meeting.grid_report != {}


def test_move_into_a_pinned_cell_is_refused_and_nothing_changes(meeting, voted, secretariat):
    services.optimise_grid(meeting, by=secretariat)
    data, ecommerce = (Topic.objects.get(pk=voted[t].pk) for t in ("Data mining", "E-commerce"))
    services.set_pin(ecommerce, by=secretariat, pinned=True)
    before = _cells(meeting)
    with pytest.raises(services.MeetingError, match="is pinned in this cell"):
        services.move_session(data, by=secretariat, room=ecommerce.room, slot=ecommerce.slot)
    assert _cells(meeting) == before


def test_move_into_a_slot_the_proposer_cannot_make_is_refused(meeting, voted, secretariat):
    first = meeting.slots.first()
    voted["3D tools"].unavailable_slots.add(first)
    services.optimise_grid(meeting, by=secretariat)
    before = _cells(meeting)
    with pytest.raises(services.MeetingError, match="cannot make this slot"):
        services.move_session(
            voted["3D tools"], by=secretariat, room=meeting.rooms.first(), slot=first
        )
    assert _cells(meeting) == before
    assert Topic.objects.get(pk=voted["3D tools"].pk).slot != first


def test_move_that_makes_a_proposer_host_twice_at_once_is_refused(meeting, people, secretariat):
    first, second = (
        TopicFactory(meeting=meeting, proposer=people["Pau"]),
        TopicFactory(meeting=meeting, proposer=people["Pau"]),
    )
    slot = meeting.slots.first()
    mably, salon = meeting.rooms.all()
    services.move_session(first, by=secretariat, room=mably, slot=slot)
    with pytest.raises(services.MeetingError, match="already hosts"):
        services.move_session(second, by=secretariat, room=salon, slot=slot)
    assert not Topic.objects.get(pk=second.pk).is_scheduled


def test_forged_cell_of_another_meeting_is_refused(meeting, voted, secretariat):
    from .factories import RoomFactory, SlotFactory

    with pytest.raises(services.MeetingError, match="not in the meeting"):
        services.move_session(
            voted["3D tools"], by=secretariat, room=RoomFactory(), slot=SlotFactory()
        )
    assert not Topic.objects.filter(room__isnull=False).exists()


def test_pins_that_cannot_hold_fail_the_build_and_keep_the_grid(meeting, voted, secretariat):
    services.optimise_grid(meeting, by=secretariat)
    ecommerce = Topic.objects.get(pk=voted["E-commerce"].pk)
    services.set_pin(ecommerce, by=secretariat, pinned=True)
    ecommerce.unavailable_slots.add(ecommerce.slot)  # the proposer's plans changed
    before = _cells(meeting)
    with pytest.raises(services.MeetingError, match="pinned sessions cannot all hold"):
        services.optimise_grid(meeting, by=secretariat, mode=services.Mode.REOPTIMISE)
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.FAILED
    assert meeting.grid_errors[0]["code"] == "infeasible"
    assert _cells(meeting) == before


def test_pin_needs_a_cell(meeting, voted, secretariat):
    with pytest.raises(services.MeetingError, match="before pinning"):
        services.set_pin(voted["3D tools"], by=secretariat, pinned=True)


def test_only_the_secretariat_of_the_meeting_runs_the_grid(meeting, voted, people):
    from tests.factories import CommissionFactory, UserFactory

    other = UserFactory()
    CommissionFactory().secretariat.add(other)
    for person in (people["Bilbao"], other):
        with pytest.raises(PermissionDenied):
            services.request_grid(meeting, by=person)
        with pytest.raises(PermissionDenied):
            services.optimise_grid(meeting, by=person)
        with pytest.raises(PermissionDenied):
            services.publish_grid(meeting, by=person)
        with pytest.raises(PermissionDenied):
            services.set_pin(voted["3D tools"], by=person, pinned=False)
    assert not Topic.objects.filter(room__isnull=False).exists()


def test_grid_request_runs_as_a_task(
    meeting, voted, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.DONE
    assert meeting.topics.filter(room__isnull=False).count() == 5


def test_second_request_while_computing_is_refused(meeting, voted, secretariat):
    services.request_grid(meeting, by=secretariat)  # queued: the task waits for the commit
    with pytest.raises(services.MeetingError, match="already being computed"):
        services.request_grid(meeting, by=secretariat)


def test_publish_snapshots_the_grid_and_mails_participants(
    meeting, voted, secretariat, people, django_capture_on_commit_callbacks, mailoutbox
):
    services.optimise_grid(meeting, by=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert {a["topic"] for a in meeting.published_grid} == {t.pk for t in voted.values()}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people.values())
    assert not services.has_unpublished_changes(meeting)


def test_publish_without_a_grid_is_refused(meeting, secretariat):
    with pytest.raises(services.MeetingError, match="Build the grid"):
        services.publish_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.published_at is None


def test_late_change_moves_few_sessions_from_the_published_grid(meeting, people, secretariat):
    # 3 rooms x 4 slots, 10 topics with overlapping votes: a real grid to disturb.
    from .factories import RoomFactory, SlotFactory

    RoomFactory(meeting=meeting, name="Salle 3", capacity=6, position=2)
    SlotFactory(meeting=meeting)
    voters = list(people.values())
    topics = []
    for i in range(10):
        topic = TopicFactory(meeting=meeting, proposer=voters[i % 5])
        for person in itertools.islice(itertools.cycle(voters), i, i + 1 + i % 4):
            VoteFactory(topic=topic, person=person)
        topics.append(topic)
    services.optimise_grid(meeting, by=secretariat)
    services.publish_grid(meeting, by=secretariat)
    published = {
        a["topic"]: (a["room"], a["slot"])
        for a in Meeting.objects.get(pk=meeting.pk).published_grid
    }
    # On the day, the proposer of one session cannot make its slot any more.
    moved_topic = topics[0]
    moved_topic.unavailable_slots.add(published[moved_topic.pk][1])
    report = services.optimise_grid(meeting, by=secretariat, mode=services.Mode.LATE)
    now = {t.pk: (t.room_id, t.slot_id) for t in meeting.topics.all() if t.room_id}
    changed = {pk for pk in published if now.get(pk) != published[pk]}
    assert moved_topic.pk in changed
    assert len(changed) <= 3  # the session, and at most the two it had to swap with
    assert {int(t[1:]) for t in report.moved} == changed
    assert services.has_unpublished_changes(Meeting.objects.get(pk=meeting.pk))


def _crash(*args, **kwargs):
    raise RuntimeError("solver bug: index 7 out of range")


def test_crashed_build_fails_the_job_and_frees_the_meeting(
    meeting, voted, secretariat, monkeypatch, django_capture_on_commit_callbacks, caplog, client
):
    monkeypatch.setattr(barcamp, "solve", _crash)  # stands for any bug in the engine
    with django_capture_on_commit_callbacks(execute=True):
        services.request_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.FAILED
    assert meeting.grid_errors == [{"code": "crashed", "problems": []}]
    assert not meeting.is_grid_busy
    [crash] = [r for r in caplog.records if r.getMessage().endswith("crashed")]
    assert crash.exc_info[0] is RuntimeError
    client.force_login(secretariat)
    assert client.get("/en/meetings/bordeaux-2013/grid/status/").status_code == 204
    page = client.get("/en/meetings/bordeaux-2013/grid/manage/").content.decode()
    assert "unexpected error" in page
    assert "solver bug" not in page
    # The meeting is not "busy": the next build, a move and the publication go through.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_grid(meeting, by=secretariat)
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.DONE
    topic = Topic.objects.get(pk=voted["3D tools"].pk)
    room, slot = meeting.rooms.get(name="Salle Mably"), meeting.slots.order_by("starts_at")[2]
    services.move_session(topic, by=secretariat, room=room, slot=slot)
    services.publish_grid(meeting, by=secretariat, notify=False)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED


def test_grid_job_whose_requester_is_gone_does_not_stay_queued(
    meeting, voted, secretariat, django_capture_on_commit_callbacks
):
    from cityloom.meetings.tasks import optimise_grid_task

    services.request_grid(meeting, by=secretariat)  # queued, the task not yet run
    secretariat_id = secretariat.pk
    secretariat.delete()
    optimise_grid_task.enqueue(meeting_id=meeting.pk, mode="build", by_id=secretariat_id)
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.FAILED
    assert not meeting.is_grid_busy


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CITYLOOM_WORKER_LEASE = 60


def _killed_build(meeting, secretariat, *, runs):
    """The grid task as a worker killed mid-build left it (`runs` workers died on it)."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    services.request_grid(meeting, by=secretariat)
    from cityloom.meetings.tasks import optimise_grid_task

    result = optimise_grid_task.enqueue(meeting_id=meeting.pk, mode="build", by_id=secretariat.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        worker_ids=[f"killed-{n}" for n in range(runs)],
    )
    Meeting.objects.filter(pk=meeting.pk).update(grid_job=Meeting.GridJob.RUNNING)
    return DBTaskResult.objects.get(pk=result.id)


def test_build_of_a_killed_worker_is_run_again(meeting, voted, secretariat, database_tasks):
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus

    from cityloom.core import jobs
    from tests.core.worker import run_ready_tasks

    task = _killed_build(meeting, secretariat, runs=1)
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=61))
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert run_ready_tasks() == 1
    meeting.refresh_from_db()
    assert meeting.grid_job == Meeting.GridJob.DONE
    assert meeting.topics.filter(room__isnull=False).count() == 5


def test_build_no_worker_will_finish_is_failed_and_the_meeting_freed(
    meeting, voted, secretariat, database_tasks
):
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus

    from cityloom.core import jobs

    task = _killed_build(meeting, secretariat, runs=jobs.MAX_RUNS)
    with pytest.raises(services.MeetingError, match="already being computed"):
        services.request_grid(meeting, by=secretariat)
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=30))  # within the lease: still busy
    meeting.refresh_from_db()
    assert meeting.is_grid_busy
    jobs.reap(now=timezone.now() + dt.timedelta(seconds=61))
    task.refresh_from_db()
    meeting.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert meeting.grid_job == Meeting.GridJob.FAILED
    assert meeting.grid_errors == [{"code": "lost", "problems": []}]
    assert services.grid_error_message("lost") == (
        "The grid computation was interrupted (its background worker stopped). "
        "Build the grid again."
    )
    services.request_grid(meeting, by=secretariat)  # no longer "busy"
