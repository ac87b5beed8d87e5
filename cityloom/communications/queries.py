"""Reads shared by the pages, the API, the feeds and the workspace."""

import calendar as pycalendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from cityloom.core.models import OutgoingMail
from cityloom.meetings import queries as meetings_queries
from cityloom.network.permissions import secretariat_commissions

from . import audiences
from .models import (
    CalendarToken,
    Circular,
    CircularRecipient,
    Event,
    EventRegistration,
    MailPreference,
    NewsPost,
    Page,
)

# --- circulars ---------------------------------------------------------------------------


def sent_circulars():
    """The public archive: sent circulars, newest first, with their attachments."""
    return (
        Circular.objects.exclude(status=Circular.Status.DRAFT)
        .select_related("commission")
        .prefetch_related("attachments")
        .order_by("-year", "-number")
    )


def draft_circulars(user):
    """Drafts of the commissions whose secretariat `user` is on."""
    return (
        Circular.objects.filter(
            status=Circular.Status.DRAFT, commission__in=secretariat_commissions(user)
        )
        .select_related("commission")
        .order_by("-created_at")
    )


def circular(pk: int) -> Circular | None:
    return (
        Circular.objects.select_related("commission")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )


def attachment(circular: Circular, pk: int):
    return circular.attachments.filter(pk=pk).first()


@dataclass(frozen=True)
class Recipient:
    person_id: int
    email: str
    name: str
    city: str
    language: str


def audience_people(circular: Circular) -> list[Recipient]:
    """Who the circular would go to now, by e-mail address, each once.

    People who declined optional mail are left out, except focal points from a formal
    circular.
    """
    kind = audiences.get(circular.audience)
    if kind is None:
        return []
    people = list(kind.people(circular.commission, circular.audience_value))
    ids = [p.pk for p in people]
    declined = set(
        MailPreference.objects.filter(person_id__in=ids, wants_optional_mail=False).values_list(
            "person_id", flat=True
        )
    )
    found: dict[str, Recipient] = {}
    for person in people:
        if not person.email or person.email.lower() in found:
            continue
        exempt = circular.is_formal and person.role == "focal_point"
        if person.pk in declined and not exempt:
            continue
        language = person.language if person.language in ("en", "fr", "es") else "en"
        found[person.email.lower()] = Recipient(
            person_id=person.pk,
            email=person.email,
            name=person.name,
            city=person.city.name if getattr(person, "city", None) else "",
            language=language,
        )
    return sorted(found.values(), key=lambda r: (r.city, r.email))


def languages_of(recipients: list[Recipient]) -> dict[str, int]:
    return dict(Counter(r.language for r in recipients))


def delivery_log(circular: Circular):
    """Each recipient with their outbox row: sent, failed (with the reason), or waiting."""
    return (
        CircularRecipient.objects.filter(circular=circular).select_related("mail").order_by("email")
    )


def delivery_counts(circular: Circular) -> dict[str, int]:
    rows = CircularRecipient.objects.filter(circular=circular).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(mail__state=OutgoingMail.State.SENT)),
        failed=Count("pk", filter=Q(mail__state=OutgoingMail.State.FAILED)),
    )
    rows["waiting"] = rows["total"] - rows["sent"] - rows["failed"]
    return rows


def pending_recipients(circular_id: int, *, limit: int) -> list[CircularRecipient]:
    """Recipients whose message is not yet written, or written and never tried."""
    return list(
        CircularRecipient.objects.filter(circular_id=circular_id)
        .filter(Q(mail__isnull=True) | Q(mail__state=OutgoingMail.State.QUEUED, mail__attempts=0))
        .select_related("mail")
        .order_by("pk")[:limit]
    )


def unfinished_circulars(before: dt.datetime) -> list[int]:
    """Circulars still sending and untouched since `before` (for the reaper)."""
    return list(
        Circular.objects.filter(status=Circular.Status.SENDING, updated_at__lt=before).values_list(
            "pk", flat=True
        )
    )


def drafts_waiting(user) -> tuple[int, dt.datetime | None]:
    found = Circular.objects.filter(
        status=Circular.Status.DRAFT, commission__in=secretariat_commissions(user)
    ).aggregate(count=Count("pk"), since=Min("created_at"))
    return found["count"], found["since"]


def mail_preference(person) -> MailPreference | None:
    return MailPreference.objects.filter(person=person).first()


# --- news and pages ------------------------------------------------------------------------


def published_news():
    return NewsPost.objects.filter(
        published_at__isnull=False, published_at__lte=timezone.now()
    ).order_by("-published_at", "-pk")


def news_post(slug: str) -> NewsPost | None:
    return published_news().filter(slug=slug).first()


def pages():
    return Page.objects.order_by("position", "pk")


def page(slug: str) -> Page | None:
    return Page.objects.prefetch_related("documents").filter(slug=slug).first()


# --- events --------------------------------------------------------------------------------


def _events():
    return Event.objects.select_related("city", "commission")


def visible_events(user):
    """Published events, and the drafts of the commissions `user` runs."""
    return (
        _events()
        .filter(Q(is_published=True) | Q(commission__in=secretariat_commissions(user)))
        .annotate(
            seats_taken=Count(
                "registrations",
                filter=Q(registrations__status=EventRegistration.Status.REGISTERED),
            )
        )
    )


def public_events():
    return _events().filter(is_published=True)


def event(slug: str) -> Event | None:
    return _events().filter(slug=slug).first()


def upcoming_and_past(user, *, now: dt.datetime | None = None) -> tuple[list, list]:
    now = now or timezone.now()
    events = list(visible_events(user).order_by("starts_at", "pk"))
    return [e for e in events if e.ends_at >= now], [e for e in events if e.ends_at < now][::-1]


def registration_of(user, event: Event) -> EventRegistration | None:
    if not user.is_authenticated:
        return None
    return (
        EventRegistration.objects.filter(event=event, person=user)
        .exclude(status=EventRegistration.Status.CANCELLED)
        .first()
    )


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status=EventRegistration.Status.REGISTERED).count()


def participants(event: Event):
    """Registered first, then the waiting list, each in order of registration."""
    return (
        EventRegistration.objects.filter(event=event)
        .exclude(status=EventRegistration.Status.CANCELLED)
        .select_related("person__city")
        .order_by("-status", "created_at", "pk")
    )


def events_of(person):
    """Events the person is registered for (or waiting for)."""
    return (
        _events()
        .filter(
            registrations__person=person,
            registrations__status__in=[
                EventRegistration.Status.REGISTERED,
                EventRegistration.Status.WAITING,
            ],
        )
        .order_by("starts_at")
    )


def person_of_token(token: str):
    found = CalendarToken.objects.select_related("person").filter(token=token).first()
    return found.person if found else None


def calendar_token(person) -> CalendarToken | None:
    return CalendarToken.objects.filter(person=person).first()


@dataclass
class Day:
    date: dt.date
    in_month: bool
    events: list = field(default_factory=list)
    meetings: list = field(default_factory=list)


def month(user, year: int, month_number: int) -> list[list[Day]]:
    """The weeks of the month (Monday first), each day with its events and working meetings.

    An event is placed on the days it covers at its own city's time.
    """
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number)
    first, last = weeks[0][0], weeks[-1][-1]
    days = {d: Day(d, d.month == month_number) for week in weeks for d in week}
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    for event in visible_events(user).filter(starts_at__lt=end, ends_at__gte=start):
        day = event.local_starts_at.date()
        while day <= event.local_ends_at.date():
            if day in days:
                days[day].events.append(event)
            day += dt.timedelta(days=1)
    meetings = meetings_queries.meeting_list(user).filter(starts_on__lte=last, ends_on__gte=first)
    for meeting in meetings:
        day = meeting.starts_on
        while day <= meeting.ends_on:
            if day in days:
                days[day].meetings.append(meeting)
            day += dt.timedelta(days=1)
    return [[days[d] for d in week] for week in weeks]


def meetings_between(user, first: dt.date, last: dt.date):
    return meetings_queries.meeting_list(user).filter(starts_on__lte=last, ends_on__gte=first)


def events_in(commission, year: int) -> list[Event]:
    """The commission's published events that began in `year`, with their city."""
    return list(
        Event.objects.filter(commission=commission, is_published=True, starts_at__year=year)
        .select_related("city")
        .order_by("starts_at", "pk")
    )


def circulars_sent_in(commission, year: int) -> list[Circular]:
    """The circulars sent in `year`, by number."""
    return list(
        Circular.objects.filter(
            commission=commission, status=Circular.Status.SENT, sent_at__year=year
        ).order_by("sent_at", "number", "pk")
    )


def news_count_in(commission, year: int) -> int:
    return NewsPost.objects.filter(commission=commission, published_at__year=year).count()
