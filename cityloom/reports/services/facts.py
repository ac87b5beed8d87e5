"""The facts of an annual activity report, gathered from the domain apps' queries.

`annual_facts(commission, year)` returns plain data (dataclasses of strings, numbers and dates),
in the sections of the commission's 2013 report, each figure with the URL of the page it comes
from. Labels (axes, stages) are in the active language: call it inside
`translation.override(language)`. Nothing here writes; templates and the API only read it.
"""

import dataclasses
import datetime as dt
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cityloom.communications import queries as communications_queries
from cityloom.core.axes import Axis
from cityloom.core.i18n import translated
from cityloom.meetings import queries as meetings_queries
from cityloom.mentoring import queries as mentoring_queries
from cityloom.network import queries as network_queries
from cityloom.network.models import Commission
from cityloom.observatory import queries as observatory_queries
from cityloom.practices import queries as practices_queries
from cityloom.study import queries as study_queries

# A programme that began in the last quarter of the year has "just started".
JUST_STARTED_FROM = (10, 1)


def axis_label(value: str) -> str:
    try:
        return str(Axis(value).label)
    except ValueError:
        return value


@dataclass
class Section(ABC):
    """A section of the report; `is_empty` says there is nothing to report (the page says so).

    Each section says what "nothing" means for it (`has_nothing`)."""

    is_empty: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.is_empty = self.has_nothing()

    @abstractmethod
    def has_nothing(self) -> bool: ...


@dataclass
class CityFact:
    name: str
    country: str
    url: str


@dataclass
class NewMember:
    city: CityFact
    requested_on: dt.date | None
    approved_on: dt.date | None
    joined_on: dt.date | None


@dataclass
class MembersSection(Section):
    new: list[NewMember]
    total: int  # member cities on 31 December
    total_url: str

    def has_nothing(self) -> bool:
        return not self.new


@dataclass
class RelationFact:
    name: str
    description: str
    url: str


@dataclass
class JointActivityFact:
    title: str
    date: dt.date
    city: str
    commissions: list[str]
    description: str


@dataclass
class RelationsSection(Section):
    relations: list[RelationFact]
    joint_activities: list[JointActivityFact]
    url: str

    def has_nothing(self) -> bool:
        return not (self.relations or self.joint_activities)


@dataclass
class MentoringFact:
    mentor: CityFact
    mentee: CityFact
    axes: list[str]
    started_on: dt.date
    stage: str  # just_started, under_way, advanced, completed
    stage_label: str
    milestones_due: int
    milestones_done: int
    url: str


@dataclass
class MentoringSection(Section):
    programmes: list[MentoringFact]
    url: str

    def has_nothing(self) -> bool:
        return not self.programmes


@dataclass
class EventFact:
    title: str
    starts_on: dt.date
    ends_on: dt.date
    city: str
    venue: str
    summary: str
    role: str
    url: str


@dataclass
class EventsSection(Section):
    events: list[EventFact]
    url: str

    def has_nothing(self) -> bool:
        return not self.events


@dataclass
class LeaderFact:
    rank: int
    city: str


@dataclass
class EditionFact:
    title: str
    year: int
    status: str  # published, disseminated, running
    status_label: str
    published_on: dt.date | None
    participant_count: int
    leaders: list[LeaderFact]
    url: str


@dataclass
class CompendiumFact:
    title: str
    practice_count: int
    url: str


@dataclass
class PublicationsSection(Section):
    editions: list[EditionFact]
    compendiums: list[CompendiumFact]
    practices_published: int
    practices_url: str

    def has_nothing(self) -> bool:
        return not (self.editions or self.compendiums or self.practices_published)


@dataclass
class TopicFact:
    name: str
    count: int


@dataclass
class ObservatorySection(Section):
    publications_added: int
    publications_url: str
    top_topics: list[TopicFact]
    feeds_followed: int
    feeds_url: str

    def has_nothing(self) -> bool:
        return not self.publications_added


@dataclass
class CircularFact:
    number: int | None
    title: str
    sent_on: dt.date | None
    url: str


@dataclass
class ChannelFact:
    name: str
    url: str


@dataclass
class CommunicationSection(Section):
    circulars: list[CircularFact]
    circulars_url: str
    news_count: int
    news_url: str
    channels: list[ChannelFact]

    def has_nothing(self) -> bool:
        return not (self.circulars or self.news_count)


@dataclass
class ProjectFact:
    title: str
    cities: list[str]
    methodology: str
    url: str


@dataclass
class MeetingFact:
    title: str
    axis: str
    axis_label: str
    city: str
    starts_on: dt.date
    ends_on: dt.date
    method: str
    participant_count: int
    session_count: int
    projects: list[ProjectFact]
    url: str


@dataclass
class MeetingsSection(Section):
    meetings: list[MeetingFact]
    url: str

    def has_nothing(self) -> bool:
        return not self.meetings


@dataclass
class PlannedMeetingFact:
    title: str
    axis: str
    axis_label: str
    city: str
    starts_on: dt.date
    is_next_year: bool  # held the year after the report's (else its date may still move)
    url: str


@dataclass
class PlannedSection(Section):
    meetings: list[PlannedMeetingFact]
    year: int

    def has_nothing(self) -> bool:
        return not self.meetings


@dataclass
class CommissionFact:
    name: str
    description: str
    founded_year: int | None
    president_city: CityFact | None
    president_name: str
    url: str


@dataclass
class AnnualFacts:
    year: int
    commission: CommissionFact
    members: MembersSection
    relations: RelationsSection
    mentoring: MentoringSection
    events: EventsSection
    publications: PublicationsSection
    observatory: ObservatorySection
    communication: CommunicationSection
    meetings: MeetingsSection
    planned: PlannedSection
    sections: list[str] = field(
        default_factory=lambda: [
            "members",
            "relations",
            "mentoring",
            "events",
            "publications",
            "observatory",
            "communication",
            "meetings",
            "planned",
        ]
    )

    def as_dict(self) -> dict:
        """JSON-able (dates as ISO strings)."""
        return _jsonable(self)


def _jsonable(value):
    # Not dataclasses.asdict: it deep-copies, and user content may be a str subclass
    # (core.i18n.Text, which knows its language); the JSON wants plain strings.
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def mentoring_stage(
    *, started_on: dt.date, closed_on: dt.date | None, milestones: list, year: int
) -> tuple[str, int, int]:
    """The stage of a programme at the end of `year`, with its milestones due and done by then.

    The rule: closed by the year's end → "completed"; begun in the year's last quarter (from
    1 October) → "just started"; more than half of the milestones due by 31 December done by
    then → "advanced"; otherwise "under way". `milestones` have `due_on` and `done_on`.
    """
    end = dt.date(year, 12, 31)
    due = [m for m in milestones if m.due_on <= end]
    done = [m for m in due if m.done_on is not None and m.done_on <= end]
    if closed_on is not None and closed_on <= end:
        return "completed", len(due), len(done)
    if started_on >= dt.date(year, *JUST_STARTED_FROM):
        return "just_started", len(due), len(done)
    if due and 2 * len(done) > len(due):
        return "advanced", len(due), len(done)
    return "under_way", len(due), len(done)


def stage_label(stage: str) -> str:
    labels = {
        "completed": pgettext("mentoring stage in the report", "completed"),
        "just_started": pgettext("mentoring stage in the report", "just started"),
        "advanced": pgettext("mentoring stage in the report", "advanced"),
        "under_way": pgettext("mentoring stage in the report", "under way"),
    }
    return labels[stage]


def edition_status_label(status: str) -> str:
    labels = {
        "published": pgettext("study edition in the report", "published"),
        "disseminated": pgettext("study edition in the report", "published the year before"),
        "running": pgettext("study edition in the report", "under way"),
    }
    return labels[status]


def _city(city) -> CityFact | None:
    if city is None:
        return None
    return CityFact(name=city.name, country=city.country, url=city.get_absolute_url())


def _name(city) -> str:
    return city.name if city is not None else ""


def first_line(markdown: str, *, limit: int = 240) -> str:
    """The first paragraph of a Markdown text as plain text, cut at `limit` characters."""
    for line in (markdown or "").splitlines():
        text = re.sub(r"[#*_`>]+", "", line).strip()
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


def _local_date(moment: dt.datetime | None, zone: str) -> dt.date | None:
    if moment is None:
        return None
    try:
        from zoneinfo import ZoneInfo

        return timezone.localtime(moment, ZoneInfo(zone)).date()
    except (ValueError, KeyError, LookupError):
        return timezone.localtime(moment).date()


def members_section(commission: Commission, year: int) -> MembersSection:
    new = [
        NewMember(
            city=_city(membership.city),
            requested_on=_local_date(request.created_at, "UTC") if request else None,
            approved_on=_local_date(request.decided_at, "UTC") if request else None,
            joined_on=membership.joined_on,
        )
        for membership, request in network_queries.new_members_in(commission, year)
    ]
    return MembersSection(
        new=new,
        total=network_queries.member_count_on(commission, dt.date(year, 12, 31)),
        total_url=reverse("network:directory"),
    )


def relations_section(commission: Commission, year: int) -> RelationsSection:
    relations = [
        RelationFact(
            name=relation.related.display_name,
            description=relation.description,
            url=relation.related.get_absolute_url(),
        )
        for relation in network_queries.commission_relations(commission)
    ]
    activities = [
        JointActivityFact(
            title=activity.display_title,
            date=activity.starts_on,
            city=_name(activity.city),
            commissions=[c.display_name for c in activity.commissions.all()],
            description=activity.description,
        )
        for activity in network_queries.joint_activities_in(commission, year)
    ]
    return RelationsSection(
        relations=relations, joint_activities=activities, url=commission.get_absolute_url()
    )


def mentoring_section(commission: Commission, year: int) -> MentoringSection:
    programmes = []
    for programme in mentoring_queries.programmes_active_in(commission, year):
        stage, due, done = mentoring_stage(
            started_on=programme.started_on,
            closed_on=programme.closed_on,
            milestones=list(programme.milestones.all()),
            year=year,
        )
        programmes.append(
            MentoringFact(
                mentor=_city(programme.mentor),
                mentee=_city(programme.mentee),
                axes=[axis_label(a) for a in programme.axes or []],
                started_on=programme.started_on,
                stage=stage,
                stage_label=stage_label(stage),
                milestones_due=due,
                milestones_done=done,
                url=programme.get_absolute_url(),
            )
        )
    return MentoringSection(programmes=programmes, url=reverse("mentoring:programme-list"))


def events_section(commission: Commission, year: int) -> EventsSection:
    events = [
        EventFact(
            title=event.display_title,
            starts_on=_local_date(event.starts_at, event.zone_name),
            ends_on=_local_date(event.ends_at, event.zone_name),
            city=_name(event.city),
            venue=event.venue,
            summary=first_line(translated(event, "description")),
            role=event.get_role_display(),
            url=event.get_absolute_url(),
        )
        for event in communications_queries.events_in(commission, year)
    ]
    return EventsSection(events=events, url=reverse("communications:event-list"))


def publications_section(commission: Commission, year: int) -> PublicationsSection:
    editions = []
    for edition in study_queries.editions_in_report(commission, year):
        published_on = _local_date(edition.published_at, "UTC")
        if edition.is_published:
            status = "published" if published_on and published_on.year == year else "disseminated"
        else:
            status = "running"
        editions.append(
            EditionFact(
                title=edition.display_title,
                year=edition.year,
                status=status,
                status_label=edition_status_label(status),
                published_on=published_on if edition.is_published else None,
                participant_count=edition.participant_count,
                leaders=[LeaderFact(rank=r.rank, city=r.city.name) for r in edition.leaders],
                url=edition.get_absolute_url(),
            )
        )
    compendiums = [
        CompendiumFact(
            title=compendium.display_title,
            practice_count=compendium.practice_count,
            url=compendium.get_absolute_url(),
        )
        for compendium in practices_queries.compendiums_in(commission, year)
    ]
    return PublicationsSection(
        editions=editions,
        compendiums=compendiums,
        practices_published=practices_queries.practices_published_count(commission, year),
        practices_url=reverse("practices:list"),
    )


def observatory_section(year: int) -> ObservatorySection:
    count, tags, feeds = observatory_queries.added_in(year)
    return ObservatorySection(
        publications_added=count,
        publications_url=reverse("observatory:publication-list") + f"?year={year}",
        top_topics=[TopicFact(name=t.display_name, count=t.publication_count) for t in tags],
        feeds_followed=feeds,
        feeds_url=reverse("observatory:source-list"),
    )


def communication_section(commission: Commission, year: int) -> CommunicationSection:
    circulars = [
        CircularFact(
            number=circular.number,
            title=translated(circular, "subject"),
            sent_on=_local_date(circular.sent_at, "UTC"),
            url=circular.get_absolute_url(),
        )
        for circular in communications_queries.circulars_sent_in(commission, year)
    ]
    channels = [
        ChannelFact(
            _("Circulars e-mailed to the members"), reverse("communications:circular-list")
        ),
        ChannelFact(_("News on the website"), reverse("communications:news-list")),
        ChannelFact(_("Events calendar"), reverse("communications:event-list")),
        ChannelFact(_("RSS and Atom feeds"), reverse("communications:news-feed")),
    ]
    return CommunicationSection(
        circulars=circulars,
        circulars_url=reverse("communications:circular-list"),
        news_count=communications_queries.news_count_in(commission, year),
        news_url=reverse("communications:news-list"),
        channels=channels,
    )


def meetings_section(commission: Commission, year: int) -> MeetingsSection:
    meetings = [
        MeetingFact(
            title=meeting.display_title,
            axis=meeting.axis,
            axis_label=axis_label(meeting.axis),
            city=_name(meeting.host_city),
            starts_on=meeting.starts_on,
            ends_on=meeting.ends_on,
            method=_("Mini BarCamp"),
            participant_count=meeting.participant_count,
            session_count=meeting.session_count,
            projects=[
                ProjectFact(
                    title=project.display_title,
                    cities=[c.name for c in project.cities.all()],
                    methodology=project.methodology,
                    url=project.get_absolute_url(),
                )
                for project in meeting.identified_projects
            ],
            url=meeting.get_absolute_url(),
        )
        for meeting in meetings_queries.meetings_in(commission, year)
    ]
    return MeetingsSection(meetings=meetings, url=reverse("meetings:meeting-list"))


def planned_section(commission: Commission, year: int) -> PlannedSection:
    """Meetings planned at the end of the year: recorded by 31 December, held after it."""
    meetings = [
        PlannedMeetingFact(
            title=meeting.display_title,
            axis=meeting.axis,
            axis_label=axis_label(meeting.axis),
            city=_name(meeting.host_city),
            starts_on=meeting.starts_on,
            is_next_year=meeting.starts_on.year == year + 1,
            url=meeting.get_absolute_url(),
        )
        for meeting in meetings_queries.meetings_planned_after(commission, year)
    ]
    return PlannedSection(meetings=meetings, year=year)


def commission_fact(commission: Commission) -> CommissionFact:
    return CommissionFact(
        name=commission.display_name,
        description=commission.display_description,
        founded_year=commission.founded_year,
        president_city=_city(commission.president_city),
        president_name=commission.president_name,
        url=commission.get_absolute_url(),
    )


def annual_facts(commission: Commission, year: int) -> AnnualFacts:
    """Every section of the annual report of `commission` for `year`, in the active language."""
    return AnnualFacts(
        year=year,
        commission=commission_fact(commission),
        members=members_section(commission, year),
        relations=relations_section(commission, year),
        mentoring=mentoring_section(commission, year),
        events=events_section(commission, year),
        publications=publications_section(commission, year),
        observatory=observatory_section(year),
        communication=communication_section(commission, year),
        meetings=meetings_section(commission, year),
        planned=planned_section(commission, year),
    )
