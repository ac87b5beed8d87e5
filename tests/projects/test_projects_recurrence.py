"""Recurrence by python-dateutil: month ends, leap years, rules, time zones, cadence changes."""

import datetime as dt
import zoneinfo

import pytest

from cityloom.core.models import AuditEvent
from cityloom.projects import recurrence, services
from cityloom.projects.models import Activity, Deliverable

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _days(rule, first_on, **kwargs):
    return [
        t.date() for t in recurrence.local_starts(rule, first_on=first_on, at=dt.time(10), **kwargs)
    ]


def test_every_month_from_the_31st_keeps_to_the_end_of_each_month():
    rule = recurrence.every_n_months(1, day=31, count=5)
    assert _days(rule, dt.date(2013, 1, 31)) == [
        dt.date(2013, 1, 31),
        dt.date(2013, 2, 28),
        dt.date(2013, 3, 31),
        dt.date(2013, 4, 30),
        dt.date(2013, 5, 31),
    ]


def test_every_month_from_the_31st_in_a_leap_year_meets_on_29_february():
    rule = recurrence.every_n_months(1, day=31, count=2)
    assert _days(rule, dt.date(2024, 1, 31)) == [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]


def test_a_plain_rrule_follows_rfc_5545_and_skips_months_without_the_day():
    assert _days("FREQ=MONTHLY;COUNT=3", dt.date(2013, 1, 31)) == [
        dt.date(2013, 1, 31),
        dt.date(2013, 3, 31),
        dt.date(2013, 5, 31),
    ]


def test_yearly_rule_from_29_february_meets_in_leap_years_only():
    assert _days("RRULE:FREQ=YEARLY;COUNT=2", dt.date(2012, 2, 29)) == [
        dt.date(2012, 2, 29),
        dt.date(2016, 2, 29),
    ]


def test_months_after_clamps_to_the_month_end():
    assert recurrence.months_after(dt.date(2013, 1, 31), 1) == dt.date(2013, 2, 28)
    assert recurrence.months_after(dt.date(2016, 1, 31), 1) == dt.date(2016, 2, 29)
    assert recurrence.months_after(dt.date(2012, 2, 29), 12) == dt.date(2013, 2, 28)
    assert recurrence.months_after(dt.date(2013, 5, 31), 18) == dt.date(2014, 11, 30)


def test_every_four_months_from_september_2013():
    rule = recurrence.every_n_months(4, day=16, count=5)
    assert rule == "FREQ=MONTHLY;INTERVAL=4;COUNT=5"
    assert _days(rule, dt.date(2013, 9, 16)) == [
        dt.date(2013, 9, 16),
        dt.date(2014, 1, 16),
        dt.date(2014, 5, 16),
        dt.date(2014, 9, 16),
        dt.date(2015, 1, 16),
    ]


@pytest.mark.parametrize("rule", ["", "FREQ=SOMETIMES", "DTSTART:20130101\nFREQ=DAILY", "x=y"])
def test_bad_rules_are_refused(rule):
    with pytest.raises(recurrence.RuleError):
        recurrence.parse(rule, first=dt.datetime(2013, 1, 1))  # noqa: DTZ001 (rules run on local wall-clock time)


def test_rule_without_end_stops_at_the_horizon():
    days = _days("FREQ=MONTHLY", dt.date(2013, 1, 1))
    assert (days[0], days[-1], len(days)) == (dt.date(2013, 1, 1), dt.date(2016, 1, 1), 37)


def test_occurrences_keep_the_local_hour_across_daylight_saving(project, secretariat):
    activity = services.add_activity(
        project,
        by=secretariat,
        title="Exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=3,
        at=dt.time(10),
        time_zone="Europe/Paris",
    )
    starts = [o.starts_at for o in activity.occurrences.order_by("starts_at")]
    # 10:00 in Bordeaux: 08:00 UTC in summer time, 09:00 UTC in winter time.
    assert [s.astimezone(dt.UTC).hour for s in starts] == [8, 9, 8]
    assert [s.astimezone(PARIS).time() for s in starts] == [dt.time(10)] * 3


def test_activity_takes_the_lead_citys_time_zone(project, secretariat):
    activity = services.add_activity(
        project,
        by=secretariat,
        title="Exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=1,
    )
    assert activity.time_zone == "Europe/Paris"


def test_bad_rule_is_a_clear_error_and_nothing_is_written(project, secretariat):
    with pytest.raises(services.ProjectError) as error:
        services.add_activity(
            project,
            by=secretariat,
            title="Exchange",
            first_on=dt.date(2013, 9, 16),
            rrule="FREQ=OFTEN",
        )
    assert "is not a recurrence rule" in error.value.messages[0]
    assert not Activity.objects.exists()


def test_change_of_cadence_keeps_past_occurrences(project, secretariat):
    activity = services.add_activity(
        project,
        by=secretariat,
        title="Exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=5,
        time_zone="Europe/Paris",
    )
    first = activity.occurrences.order_by("starts_at").first()
    services.save_minutes(first, by=secretariat, minutes="Tools presented.")
    successor = services.change_cadence(
        activity, by=secretariat, from_on=dt.date(2014, 3, 1), every_months=2, count=3
    )
    activity.refresh_from_db()
    assert activity.rrule == "FREQ=MONTHLY;INTERVAL=4;UNTIL=20140228T235959"
    old = [o.starts_at.astimezone(PARIS).date() for o in activity.occurrences.order_by("starts_at")]
    new = [
        o.starts_at.astimezone(PARIS).date() for o in successor.occurrences.order_by("starts_at")
    ]
    assert old == [dt.date(2013, 9, 16), dt.date(2014, 1, 16)]
    assert new == [dt.date(2014, 3, 1), dt.date(2014, 5, 1), dt.date(2014, 7, 1)]
    first.refresh_from_db()
    assert first.minutes == "Tools presented."
    # Materialising the old rule again brings nothing back after the change.
    assert services.materialise(activity) == 0
    assert AuditEvent.objects.filter(verb="project.cadence_changed").count() == 1


def test_change_of_cadence_before_the_start_is_refused(project, secretariat):
    activity = services.add_activity(
        project,
        by=secretariat,
        title="Exchange",
        first_on=dt.date(2013, 9, 16),
        every_months=4,
        count=2,
    )
    with pytest.raises(services.ProjectError):
        services.change_cadence(
            activity, by=secretariat, from_on=dt.date(2013, 9, 1), every_months=1
        )
    assert Activity.objects.count() == 1


def test_deliverable_within_18_months_and_start_moves(project, secretariat, cities):
    deliverable = services.add_deliverable(
        project, by=secretariat, title="Compendium", due_months=18, owner_city=cities["Bordeaux"]
    )
    assert deliverable.due_on == dt.date(2014, 11, 30)
    services.update_project(project, by=secretariat, starts_on=dt.date(2013, 1, 31))
    deliverable.refresh_from_db()
    assert deliverable.due_on == dt.date(2014, 7, 31)


def test_deliverable_needs_a_date_or_months_not_both(project, secretariat):
    with pytest.raises(services.ProjectError):
        services.add_deliverable(project, by=secretariat, title="x")
    with pytest.raises(services.ProjectError):
        services.add_deliverable(
            project, by=secretariat, title="x", due_months=2, due_on=dt.date(2014, 1, 1)
        )
    assert not Deliverable.objects.exists()


def test_template_plans_exchanges_and_the_month_18_deliverable(project, secretariat):
    services.apply_template(project, by=secretariat, key="exchange-4-months")
    (activity,) = project.activities.all()
    # The project starts on 31 May: the exchanges keep to the month's end.
    assert activity.rrule == "FREQ=MONTHLY;INTERVAL=4;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=5"
    assert [o.starts_at.astimezone(PARIS).date() for o in activity.occurrences.all()] == [
        dt.date(2013, 5, 31),
        dt.date(2013, 9, 30),
        dt.date(2014, 1, 31),
        dt.date(2014, 5, 31),
        dt.date(2014, 9, 30),
    ]
    (deliverable,) = project.deliverables.all()
    assert (deliverable.due_months, deliverable.due_on) == (18, dt.date(2014, 11, 30))
    assert deliverable.owner_city == project.lead_city


def test_urbact_template_checkpoints(project, secretariat):
    services.apply_template(project, by=secretariat, key="urbact-checkpoints", language="fr")
    assert [(m.on, m.title) for m in project.milestones.all()] == [
        (dt.date(2013, 8, 31), "Étude de référence"),
        (dt.date(2014, 5, 31), "Revue à mi-parcours"),
    ]
    assert [d.due_on for d in project.deliverables.all()] == [dt.date(2014, 11, 30)]
