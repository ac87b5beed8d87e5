"""Helpers for the admin tests: one commission's records of every kind, and admin forms to POST."""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.utils import timezone

from cityloom.communications.models import (
    CalendarToken,
    Circular,
    Event,
    EventRegistration,
    MailPreference,
    NewsPost,
    Page,
)
from cityloom.core.models import record
from cityloom.forum.models import Board, ModerationLog, Post, Report, Subscription, Thread
from cityloom.meetings.models import NoteVersion, ProjectProposal
from cityloom.mentoring.models import (
    Activity,
    Evaluation,
    Health,
    MentorCapacity,
    Message,
    MonitoringReport,
)
from cityloom.network.models import CommissionRelation, Invitation, JointActivity
from cityloom.practices.models import Compendium, Conversation, LabelReview, Practice
from cityloom.projects.models import Activity as ProjectActivity
from cityloom.projects.models import JoinRequest, Occurrence, Project, ProjectCity
from cityloom.reports.models import AnnualReport
from cityloom.study.models import Computation, Questionnaire, Value, ValueChange
from cityloom.study.services.editions import create_edition
from cityloom.study.services.frameworks import import_framework, read_framework
from tests.factories import (
    CityFactory,
    CommissionFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)
from tests.meetings.factories import MeetingFactory, RegistrationFactory, RoomFactory, SlotFactory
from tests.meetings.factories import TopicFactory as MeetingTopicFactory
from tests.mentoring.factories import ProgrammeFactory, RequestFactory
from tests.practices.factories import PracticeFactory, TransferFactory
from tests.study.factories import SMALL_FRAMEWORK

User = get_user_model()


def build_commission_records(commission, tag: str) -> dict:
    """One record of each kind that belongs to `commission`, keyed by model label.

    The city is a member of this commission only, so everything here is the commission's
    alone. Extra keys (starting with "_") are records of models with no admin of their own.
    """
    city = CityFactory(name=f"{tag} city")
    MembershipFactory(city=city, commission=commission)
    partner = CityFactory(name=f"{tag} partner city")
    MembershipFactory(city=partner, commission=commission)
    focal = UserFactory(city=city, role=User.Role.FOCAL_POINT, name=f"{tag} focal point")
    person = UserFactory(city=city, name=f"{tag} member")

    meeting = MeetingFactory(commission=commission, title=f"{tag} meeting")
    board = Board.objects.create(
        commission=commission, slug=f"board-{tag.lower()}", title=f"{tag} board"
    )
    now = timezone.now()
    thread = Thread.objects.create(
        board=board, title=f"{tag} thread", author=person, created_at=now, last_post_at=now
    )
    post = Post.objects.create(
        thread=thread, position=0, author=person, body=f"{tag} post", created_at=now
    )
    room = RoomFactory(meeting=meeting)
    slot = SlotFactory(meeting=meeting)
    topic = MeetingTopicFactory(meeting=meeting, proposer=person, title=f"{tag} topic")

    practice = PracticeFactory(
        commission=commission,
        city=city,
        title=f"{tag} practice",
        status=Practice.Status.DRAFT,
        published_at=None,
    )
    framework = import_framework(
        read_framework(SMALL_FRAMEWORK.replace("id: small-test", f"id: small-{tag}"))
    )
    edition = create_edition(
        commission=commission,
        framework=framework,
        year=2014,
        title=f"{tag} Smart Cities Study",
        cities=[city],
    )
    questionnaire = Questionnaire.objects.get(edition=edition, city=city)
    indicator = framework.nodes.filter(is_indicator=True).order_by("position").first()
    value = Value.objects.create(questionnaire=questionnaire, indicator=indicator, number=1.0)
    programme = ProgrammeFactory(commission=commission, mentor=partner, mentee=city)
    joint = JointActivity.objects.create(
        title=f"{tag} joint activity", starts_on=dt.date(2013, 10, 2)
    )
    joint.commissions.set([commission])

    project = Project.objects.create(
        commission=commission, title=f"{tag} project", axis="economy", lead_city=city
    )
    ProjectCity.objects.create(project=project, city=city, role=ProjectCity.Role.LEAD)
    project_activity = ProjectActivity.objects.create(
        project=project,
        title=f"{tag} exchange",
        rrule="FREQ=MONTHLY;INTERVAL=4;COUNT=2",
        first_on=dt.date(2014, 1, 15),
        at=dt.time(10),
        time_zone="Europe/Paris",
    )

    event = Event.objects.create(
        commission=commission,
        slug=f"event-{tag.lower()}",
        title=f"{tag} conference",
        starts_at=dt.datetime(2014, 3, 10, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2014, 3, 10, 17, tzinfo=dt.UTC),
        city=city,
        role=Event.Role.ORGANISER,
    )

    return {
        "accounts.user": person,
        "network.commission": commission,
        "network.city": city,
        "network.membership": city.memberships.get(commission=commission),
        "network.membershiprequest": MembershipRequestFactory(commission=commission),
        "network.commissionrelation": CommissionRelation.objects.create(
            commission=commission, related=CommissionFactory(), description=f"{tag} relation"
        ),
        "network.jointactivity": joint,
        "network.invitation": Invitation.objects.create(
            city=city, email=f"invited.{tag}@example.org", invited_by=focal
        ),
        "meetings.meeting": meeting,
        "meetings.registration": RegistrationFactory(meeting=meeting, person=person),
        "meetings.topic": topic,
        "meetings.noteversion": NoteVersion.objects.create(
            topic=topic, number=1, text=f"{tag} notes", author=person
        ),
        "meetings.projectproposal": ProjectProposal.objects.create(
            meeting=meeting, title=f"{tag} project", axis="economy", proposed_by=person
        ),
        "practices.practice": practice,
        "practices.labelreview": LabelReview.objects.create(
            practice=practice,
            reviewer=focal,
            relevance=3,
            evidence=3,
            transferability=3,
            comments=f"{tag} review",
            decision=LabelReview.Decision.DECLINED,
        ),
        "practices.transfer": TransferFactory(
            practice=practice, adopting_city=partner, recorded_by=focal
        ),
        "practices.conversation": Conversation.objects.create(
            practice=practice,
            city=partner,
            started_by=focal,
            contact=focal,
            subject=f"{tag} question",
        ),
        "practices.compendium": Compendium.objects.create(
            commission=commission,
            slug=f"compendium-{tag}",
            title=f"{tag} compendium",
            introduction="An introduction.",
        ),
        "study.framework": framework,
        "study.node": indicator,
        "study.edition": edition,
        "study.value": value,
        "study.valuechange": ValueChange.objects.create(
            value=value, action=ValueChange.Action.EDIT, new_number=1.0, by=focal
        ),
        "study.computation": Computation.objects.create(edition=edition),
        "mentoring.mentorcapacity": MentorCapacity.objects.create(city=city, max_programmes=2),
        "mentoring.mentoringrequest": RequestFactory(
            commission=commission, city=city, requested_by=focal
        ),
        "mentoring.programme": programme,
        "mentoring.activity": Activity.objects.create(
            programme=programme,
            kind=Activity.Kind.MEETING,
            happened_on=dt.date(2025, 2, 1),
            summary=f"{tag} call",
            by=focal,
        ),
        "mentoring.monitoringreport": MonitoringReport.objects.create(
            programme=programme, status=Health.ON_TRACK, summary=f"{tag} report", by=focal
        ),
        "mentoring.evaluation": Evaluation.objects.create(
            programme=programme, city=city, rating=4, text=f"{tag} evaluation", by=focal
        ),
        "mentoring.message": Message.objects.create(
            programme=programme, author=focal, text=f"{tag} message"
        ),
        "projects.project": project,
        "projects.occurrence": Occurrence.objects.create(
            activity=project_activity,
            starts_at=dt.datetime(2014, 1, 15, 9, tzinfo=dt.UTC),
            ends_at=dt.datetime(2014, 1, 15, 10, tzinfo=dt.UTC),
        ),
        "projects.joinrequest": JoinRequest.objects.create(
            commission=commission,
            kind=JoinRequest.Kind.JOIN,
            project=project,
            city=partner,
            requested_by=focal,
            message=f"{tag} wants to join",
        ),
        "communications.circular": Circular.objects.create(
            commission=commission, subject=f"{tag} circular", body="To the members."
        ),
        "communications.newspost": NewsPost.objects.create(
            commission=commission, slug=f"news-{tag.lower()}", title=f"{tag} news", body="News."
        ),
        "communications.page": Page.objects.create(
            commission=commission, slug=f"about-{tag.lower()}", title=f"{tag} about", body="About."
        ),
        "communications.event": event,
        "communications.eventregistration": EventRegistration.objects.create(
            event=event, person=person, status=EventRegistration.Status.REGISTERED
        ),
        "core.auditevent": record("meeting.created", meeting, actor=focal),
        "reports.annualreport": AnnualReport.objects.create(commission=commission, year=2013),
        "forum.board": board,
        "forum.thread": thread,
        "forum.post": post,
        "forum.report": Report.objects.create(post=post, reporter=person, reason=f"{tag} spam"),
        "forum.moderationlog": ModerationLog.objects.create(
            action=ModerationLog.Action.LOCK, by=focal, commission=commission, thread=thread
        ),
        "_focal": focal,
        "_partner": partner,
        "_room": room,
        "_slot": slot,
        "_questionnaire": questionnaire,
    }


def build_shared_records() -> dict:
    """Records of no commission: the network's library, and what only superusers open."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult

    from cityloom.core.models import OutgoingMail, Tag
    from cityloom.observatory.models import Publication, Source, WatchedTopic
    from tests.factories import OrganisationFactory

    someone = UserFactory(name="Someone")
    app = SocialApp.objects.create(
        provider="openid_connect", name="Login", client_id="x", secret="s"
    )
    account = SocialAccount.objects.create(user=someone, provider="openid_connect", uid="1")
    return {
        "network.organisation": OrganisationFactory(),
        "core.tag": Tag.objects.create(slug="open-data", name="Open data"),
        "observatory.source": Source.objects.create(
            title="Urban feed", url="http://127.0.0.1:9/feed.xml"
        ),
        "observatory.publication": Publication.objects.create(
            title="A report", published_at=timezone.now()
        ),
        "observatory.watchedtopic": WatchedTopic.objects.create(
            axis="economy", label="Start-ups", terms="start-up"
        ),
        "auth.group": Group.objects.create(name="Another group"),
        "account.emailaddress": EmailAddress.objects.get_or_create(
            user=someone, email=someone.email, defaults={"verified": True, "primary": True}
        )[0],
        "socialaccount.socialapp": app,
        "socialaccount.socialaccount": account,
        "socialaccount.socialtoken": SocialToken.objects.create(
            app=app, account=account, token="t"
        ),
        # A person's own settings, tied to no commission.
        "communications.mailpreference": MailPreference.objects.create(
            person=someone, wants_optional_mail=False
        ),
        "communications.calendartoken": CalendarToken.objects.create(person=someone),
        "forum.subscription": Subscription.objects.create(
            person=someone,
            board=Board.objects.create(
                commission=CommissionFactory(slug="forum-shared"), slug="shared", title="Shared"
            ),
        ),
        "core.outgoingmail": OutgoingMail.objects.create(
            to=someone.email, template="network/email/invitation", language="en"
        ),
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="cityloom.core.tasks.nothing",
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        ),
    }


# -- admin forms as a browser would send them ------------------------------------------------

TEXT_FIELDS = (
    "title",
    "name",
    "description",
    "summary",
    "text",
    "comments",
    "notes",
    "need",
    "motivation",
    "contact_name",
    "subject",
    "label",
    "caption",
    "position",
)


def form_data(response) -> dict:
    """The POST a person sends by saving the admin page unchanged, as the browser shows it."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form(data, form)
    return data


def edited_field(response) -> str | None:
    """A free-text field of the page's form a test may change, if it has one."""
    fields = response.context["adminform"].form.fields
    for name in TEXT_FIELDS:
        if name in fields and not fields[name].disabled:
            return name
    return None


def _add_form(data, form):
    for bound in form:
        if bound.field.disabled:
            continue
        _put(data, bound.html_name, bound.field, _unwrap(bound.field.widget), bound.value())


def _unwrap(widget):
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _put(data, name, field, widget, value):
    if isinstance(widget, forms.MultiWidget):
        if not isinstance(value, list | tuple):
            value = widget.decompress(value)
        for suffix, sub, sub_value in zip(widget.widgets_names, widget.widgets, value, strict=True):
            _put(data, name + suffix, None, sub, sub_value)
        return
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[name] = "on"
        return
    if isinstance(widget, forms.FileInput):
        return
    if isinstance(field, forms.ModelMultipleChoiceField):
        # The browser offers, and so sends, only the choices the page lists.
        shown = field.queryset.filter(pk__in=value or [])
        pks = [str(pk) for pk in shown.values_list("pk", flat=True)]
        data[name] = ",".join(pks) if isinstance(widget, forms.TextInput) else pks
        return
    # A multiple select or its checkboxes (several axes or languages): one value per item.
    if getattr(widget, "allow_multiple_selected", False):
        data[name] = [str(v) for v in value or []]
        return
    if value is None:
        data[name] = ""
        return
    if isinstance(widget, forms.Select | forms.HiddenInput) or not hasattr(widget, "format_value"):
        data[name] = str(value)
        return
    formatted = widget.format_value(value)
    data[name] = "" if formatted is None else str(formatted)
