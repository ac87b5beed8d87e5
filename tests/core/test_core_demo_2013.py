"""The whole demo tells the commission's real 2013 (shared/seed) with fixed dates, and keeps a
present-day layer dated from the day it is loaded: nothing of the history carries that day, and
nothing waiting in My space is years old."""

import datetime as dt
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from cityloom.communications.models import Circular, Event, NewsPost
from cityloom.core import workspace
from cityloom.meetings.models import Meeting, Registration, Topic, Vote
from cityloom.mentoring.models import Programme
from cityloom.network.models import JointActivity, Membership, MembershipRequest
from cityloom.observatory.models import Publication
from cityloom.practices.models import LabelReview, Practice
from cityloom.projects.models import Project
from cityloom.study.models import Edition, Questionnaire

pytestmark = pytest.mark.slow

END_2013 = dt.date(2013, 12, 31)
# The apps whose demo files tell the history; the platform's own setup (the shipped indicator
# frameworks, imported the day the demo is loaded) is not history.
HISTORY_APPS = [
    "network",
    "practices",
    "observatory",
    "study",
    "meetings",
    "mentoring",
    "projects",
    "communications",
]
SETUP = {"study.Framework"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module (`cityloom load_demo`) and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield timezone.localdate()
        transaction.set_rollback(True)


def _dates(obj, *names):
    values = (getattr(obj, name) for name in names)
    return [
        timezone.localdate(v) if isinstance(v, dt.datetime) else v for v in values if v is not None
    ]


def _stamps(queryset, *names):
    return {d for obj in queryset for d in _dates(obj, *names)}


def test_no_history_record_carries_the_day_the_demo_was_loaded(demo, db):
    today = demo
    history = {
        "memberships": _stamps(Membership.objects.all(), "joined_on", "created_at", "updated_at"),
        "approved requests": _stamps(
            MembershipRequest.objects.exclude(status="pending"),
            "created_at",
            "updated_at",
            "decided_at",
        ),
        "published practices": _stamps(
            Practice.objects.published(), "published_at", "labelled_at", "created_at", "updated_at"
        ),
        "label reviews": _stamps(LabelReview.objects.all(), "created_at", "updated_at"),
        "Study 2012": _stamps(
            Edition.objects.filter(year=2012), "created_at", "updated_at", "published_at"
        )
        | _stamps(
            Questionnaire.objects.filter(edition__year=2012),
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        ),
        "circulars": _stamps(Circular.objects.all(), "sent_at", "created_at", "updated_at"),
        "news": _stamps(NewsPost.objects.all(), "published_at", "created_at", "updated_at"),
        "2013 events": _stamps(
            Event.objects.filter(starts_at__year=2013), "starts_at", "created_at", "updated_at"
        ),
        "Bordeaux meeting": _stamps(
            Meeting.objects.filter(slug="bordeaux-2013-smart-economy"),
            "created_at",
            "updated_at",
            "grid_built_at",
            "published_at",
        )
        | _stamps(
            Topic.objects.filter(meeting__slug="bordeaux-2013-smart-economy"),
            "created_at",
            "updated_at",
        )
        | _stamps(
            Registration.objects.filter(meeting__slug="bordeaux-2013-smart-economy"),
            "created_at",
            "updated_at",
        )
        | _stamps(
            Vote.objects.filter(topic__meeting__slug="bordeaux-2013-smart-economy"), "created_at"
        ),
        "projects": _stamps(Project.objects.all(), "created_at", "updated_at"),
        "observatory": _stamps(Publication.objects.all(), "published_at", "created_at"),
        "mentoring programmes": _stamps(Programme.objects.all(), "created_at", "updated_at"),
    }
    for what, days in history.items():
        assert days, what
        assert today not in days, f"{what} carries the load day {today}"
        assert max(days) <= END_2013, f"{what} goes beyond 2013: {max(days)}"


def test_only_the_platforms_setup_is_stamped_with_the_load_time(demo, db):
    """Every stamp of every demo row: the present-day layer is relative (days before or after
    today, never the moment of loading), so only setup rows carry today's date."""
    today = demo
    stamped = set()
    for label in HISTORY_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in SETUP:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField):
                    lookup = {f"{field.name}__date": today}
                elif isinstance(field, models.DateField):
                    lookup = {field.name: today}
                else:
                    continue
                if model._default_manager.filter(**lookup).exists():
                    stamped.add(f"{model._meta.label}.{field.name}")
    assert stamped == set()


def test_members_joined_from_2005_and_two_applied_and_were_approved_in_2013(demo, db):
    members = Membership.objects.filter(commission__slug="digital-cities")
    assert {m.joined_on.year for m in members} == set(range(2005, 2014))
    founders = sorted(m.city.name for m in members.filter(joined_on__year=2005))
    assert {"Bilbao", "Bordeaux"} <= set(founders)
    approved = MembershipRequest.objects.filter(status="approved").select_related("city")
    dates = {r.city.name: (r.created_at.date(), r.decided_at.date()) for r in approved}
    assert set(dates) == {"Alcorcón", "Mexico City"}
    for applied, decided in dates.values():
        assert dt.date(2013, 1, 1) <= applied < decided <= END_2013
    joined = {m.city.name: m.joined_on for m in members.filter(joined_on__year=2013)}
    assert joined == {name: decided for name, (_, decided) in dates.items()}


def test_the_2012_study_has_28_cities_published_in_2012_and_disseminated_in_2013(demo, db):
    study = Edition.objects.get(commission__slug="digital-cities", year=2012)
    assert study.cities.count() == 28
    assert study.is_published
    assert study.published_at.year == 2012
    questionnaires = study.questionnaires.all()
    assert {q.status for q in questionnaires} == {Questionnaire.Status.ACCEPTED}
    assert {(q.submitted_at.year, q.reviewed_at.year) for q in questionnaires} == {(2012, 2012)}
    assert all(q.submitted_at < q.reviewed_at < study.published_at for q in questionnaires)
    # Disseminated in 2013: the first circular of the year, and the observatory's library.
    first = Circular.objects.get(year=2013, number=1)
    assert "Smart Cities Study" in first.subject
    assert first.sent_at.year == 2013
    added = Publication.objects.get(title__startswith="Smart Cities Study 2012")
    assert (added.published_at.year, added.created_at.year) == (2012, 2013)


def test_bilbao_mentors_bordeaux_since_2012_and_johannesburg_since_late_2013(demo, db):
    programmes = {p.mentee.name: p for p in Programme.objects.select_related("mentee", "mentor")}
    bordeaux, johannesburg = programmes["Bordeaux"], programmes["Johannesburg"]
    assert bordeaux.mentor.name == johannesburg.mentor.name == "Bilbao"
    assert bordeaux.started_on.year == 2012
    # Advanced by the end of 2013: every milestone due by then is done, on a day of its own.
    due = [m for m in bordeaux.milestones.all() if m.due_on <= END_2013]
    assert len(due) == 3
    assert all(m.done_on and m.done_on <= END_2013 for m in due)
    assert bordeaux.stage == "action_plan"
    # Just started in November 2013: nothing done yet.
    assert (johannesburg.started_on.year, johannesburg.started_on.month) == (2013, 11)
    assert johannesburg.stage == "needs"
    assert not johannesburg.milestones.filter(done_on__isnull=False).exists()


def test_the_bordeaux_conference_and_the_bilbao_forum_of_2013(demo, db):
    events = Event.objects.filter(starts_at__year=2013).select_related("city")
    bordeaux = events.get(city__name="Bordeaux")
    assert (bordeaux.local_starts_at.year, bordeaux.local_starts_at.month) == (2013, 3)
    assert "traditional industries" in bordeaux.title
    forum = events.get(city__name="Bilbao")
    assert "World Cities Summit Mayors Forum" in forum.title
    assert (forum.local_starts_at.date(), forum.local_ends_at.date()) == (
        dt.date(2013, 6, 13),
        dt.date(2013, 6, 15),
    )


def test_three_circulars_and_the_news_of_2013(demo, db):
    circulars = Circular.objects.filter(commission__slug="digital-cities").order_by("number")
    assert [(c.year, c.number, c.status) for c in circulars] == [
        (2013, 1, "sent"),
        (2013, 2, "sent"),
        (2013, 3, "sent"),
    ]
    assert {c.sent_at.year for c in circulars} == {2013}
    assert "smart governance" in circulars[2].body
    news = NewsPost.objects.all()
    assert news.count() >= 3
    assert {n.published_at.year for n in news} == {2013}


def test_the_bordeaux_meeting_its_projects_and_the_joint_meeting_in_rabat(demo, db):
    bordeaux = Meeting.objects.get(slug="bordeaux-2013-smart-economy")
    assert (bordeaux.starts_on, bordeaux.axis, bordeaux.host_city.name) == (
        dt.date(2013, 5, 31),
        "economy",
        "Bordeaux",
    )
    assert bordeaux.status == Meeting.Status.PUBLISHED
    assert bordeaux.grid_built_at < bordeaux.published_at
    assert bordeaux.published_at.date() < bordeaux.starts_on
    assert bordeaux.registrations.count() == 9
    projects = Project.objects.filter(meeting=bordeaux)
    assert {
        p.title: sorted(c.name for c in p.cities.all()) for p in projects.prefetch_related("cities")
    } == {
        "How can cities join traditional industries with those linked to new technologies?": [
            "Bilbao",
            "Bordeaux",
            "Poitiers",
        ],
        "Creating spaces for collaboration between businesses": [
            "Bilbao",
            "Bordeaux",
            "Lappeenranta",
            "Pau",
        ],
    }
    assert all("4 months" in p.methodology or "4-5 sectors" in p.methodology for p in projects)
    assert {p.created_at.date() for p in projects} == {dt.date(2013, 5, 31)}
    rabat = JointActivity.objects.get(city__name="Rabat")
    assert (rabat.starts_on.year, rabat.starts_on.month) == (2013, 10)
    assert rabat.commissions.count() == 2


def test_the_2014_smart_governance_meeting_was_planned_in_2013_and_is_live_today(demo, db):
    governance = Meeting.objects.get(slug="smart-governance-2014")
    assert governance.axis == "governance"
    # Planned: recorded in 2013 (the day circular 2013/3 announced it), held after 2013.
    announced = Circular.objects.get(year=2013, number=3)
    assert governance.created_at.date() == announced.sent_at.date()
    assert governance.starts_on > END_2013
    # Live: open for registration and proposals today, held in the demo's near future.
    today = demo
    assert governance.is_registration_open(timezone.now())
    assert not governance.are_votes_locked
    assert today < governance.starts_on <= today + dt.timedelta(days=120)
    assert all(
        today - dt.timedelta(days=30) <= t.created_at.date() < today
        for t in governance.topics.all()
    )


def test_practices_and_the_observatory_are_dated_as_they_happened(demo, db):
    practices = Practice.objects.published()
    assert {p.published_at.year for p in practices} <= {2011, 2012, 2013}
    labelled = practices.filter(is_labelled=True)
    assert labelled.exists()
    assert {p.labelled_at.year for p in labelled} == {2013}
    # Every published practice was reviewed for the label at a session of 2013, after it was
    # published, with the decision the practice shows.
    for practice in practices.prefetch_related("reviews"):
        (review,) = practice.reviews.all()
        assert practice.published_at < review.created_at
        assert review.created_at.year == 2013
        assert (review.decision == "awarded") == practice.is_labelled
    assert {p.created_at.year for p in Publication.objects.all()} == {2013}


def test_the_2014_study_is_open_for_the_focal_points_today(demo, db):
    today = demo
    edition = Edition.objects.get(commission__slug="digital-cities", year=2014)
    assert edition.status == Edition.Status.OPEN
    assert edition.opens_on < today < edition.closes_on < edition.publish_on
    assert edition.cities.count() == 30
    statuses = dict(edition.questionnaires.values_list("city__name", "status"))
    assert {statuses[c] for c in ("Bilbao", "Bordeaux", "Johannesburg")} == {"draft"}
    assert list(statuses.values()).count("submitted") == 4
    bilbao = edition.questionnaires.get(city__name="Bilbao")
    indicators = edition.framework.nodes.indicators().count()
    assert 0 < bilbao.values.count() < indicators  # partly answered, something left to fill


def test_an_event_is_still_to_come(demo, db):
    assert Event.objects.filter(is_published=True, starts_at__gt=timezone.now()).exists()


def test_nothing_in_my_space_is_years_old(demo, db):
    """The present-day layer keeps every pending item recent: no item waiting since 2013 or
    late since 2014, for any demo account."""
    from cityloom.accounts.models import User

    today = demo
    seen = 0
    for person in User.objects.filter(email__endswith="@cityloom.demo"):
        for item in workspace.pending(person):
            seen += 1
            if item.since:
                waited = today - item.since.astimezone(zoneinfo.ZoneInfo("UTC")).date()
                assert waited.days <= 60, (person.email, item.label, item.since)
            if item.due:
                assert (today - item.due).days <= 30, (person.email, item.label, item.due)
    assert seen >= 10
