"""Every write of mentoring, each in one transaction with its audit event and its e-mails."""

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.engines import matching
from cityloom.network.models import City, Commission, Membership, Region

from . import permissions, queries
from .models import (
    Activity,
    Evaluation,
    Health,
    MentorCapacity,
    MentoringRequest,
    Message,
    Methodology,
    Milestone,
    MilestoneReminder,
    Mode,
    MonitoringReport,
    Objective,
    Programme,
    Stage,
)

User = get_user_model()

# Days after the start at which each stage's milestone falls, per methodology template.
TEMPLATES: dict[str, list[tuple[str, int]]] = {
    Methodology.CLASSIC: [
        (Stage.NEEDS, 30),
        (Stage.PLAN, 90),
        (Stage.VISITS, 180),
        (Stage.ACTION_PLAN, 270),
    ],
    Methodology.LIGHT: [(Stage.NEEDS, 30), (Stage.PLAN, 90), (Stage.ACTION_PLAN, 180)],
}
# Reminders go out this many days before a milestone is due, once per lead time.
REMINDER_DAYS = (7, 1)


class MentoringError(ValidationError):
    """A request that must not be recorded; the message is for the person who made it."""


def _focal_points(city: City):
    return User.objects.filter(city=city, role=User.Role.FOCAL_POINT, is_active=True)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _mail_city(city: City, template: str, context: dict) -> None:
    for person in _focal_points(city):
        queue_mail(to=person.email, template=template, context=context, language=person.language)


def _mail_secretariat(commission: Commission, template: str, context: dict) -> None:
    emails = {p.email: p.language for p in commission.secretariat.all()}
    if commission.secretariat_email and commission.secretariat_email not in emails:
        emails[commission.secretariat_email] = settings.LANGUAGE_CODE[:2]
    for email, language in emails.items():
        queue_mail(to=email, template=template, context=context, language=language)


# Requests and pairing


def request_mentoring(
    city: City,
    *,
    by,
    commission: Commission,
    axes: list[str],
    need: str,
    topics: str = "",
    languages: list[str] | None = None,
    mode: str = Mode.STRUCTURED,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> MentoringRequest:
    """A focal point asks the commission for a mentor city."""
    if not permissions.can_request_for(by, city):
        raise MentoringError(_("Only the city's focal point can request mentoring for it."))
    if not Membership.objects.active().filter(city=city, commission=commission).exists():
        raise MentoringError(_("Only member cities of the commission can request mentoring."))
    if not axes or any(a not in Axis.values for a in axes):
        raise MentoringError(_("Choose at least one axis."))
    if not need.strip():
        raise MentoringError(_("Describe the need in a few sentences."))
    if starts_on and ends_on and ends_on < starts_on:
        raise MentoringError(_("The end of the time frame comes before its start."))
    with transaction.atomic():
        request = MentoringRequest.objects.create(
            commission=commission,
            city=city,
            axes=[a for a in Axis.values if a in axes],
            topics=topics.strip(),
            need=need.strip(),
            languages=",".join(languages or []),
            mode=mode,
            starts_on=starts_on,
            ends_on=ends_on,
            requested_by=by,
        )
        record("mentoring.request", request, actor=by, axes=request.axes, mode=mode)
        _mail_secretariat(
            commission,
            "mentoring/email/request_created",
            {"city": city.name, "url": _url("mentoring:request-detail", request.pk)},
        )
    return request


def withdraw_request(request: MentoringRequest, *, by) -> MentoringRequest:
    if not permissions.can_request_for(by, request.city):
        raise MentoringError(_("Only the city's focal point can withdraw its request."))
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (MentoringRequest.Status.OPEN, MentoringRequest.Status.PROPOSED):
            raise MentoringError(_("This request is no longer open."))
        request.status = MentoringRequest.Status.WITHDRAWN
        request.mentor = None
        request.save(update_fields=["status", "mentor", "updated_at"])
        record("mentoring.withdraw", request, actor=by)
    return request


@dataclass
class Reason:
    """One criterion of a suggestion, with the objects its numbers refer to."""

    criterion: str
    value: float
    weight: float
    contribution: float
    detail: object
    practice: object = None
    axes: list | None = None
    languages: list[str] | None = None
    region: str = ""

    @property
    def points(self) -> float:
        return self.contribution * 100


@dataclass
class MentorSuggestion:
    city: City
    rank: int
    total: float
    reasons: list[Reason]

    @property
    def percent(self) -> float:
        return round(self.total * 100, 1)


@dataclass
class SuggestionList:
    suggestions: list[MentorSuggestion]
    edition: object
    n_eligible: int
    n_unavailable: int


def suggest_mentors(request: MentoringRequest, *, limit: int = 10) -> SuggestionList:
    """The engine's ranked mentors for a request, with the Study results and practices behind them."""
    data = queries.candidate_data(request.commission, axes=request.axes)
    try:
        pool = matching.build_pool(data.candidates)
        result = matching.suggest(
            queries.engine_request(request), pool, limit=limit, excluded=_declined([request])
        )
    except matching.MatchingError as exc:
        raise MentoringError(
            _("The suggestions could not be computed (%(error)s).") % {"error": exc}
        ) from exc
    out = []
    for s in result.suggestions:
        city_pk = int(s.city_id)
        reasons = []
        for c in s.criteria:
            reason = Reason(
                criterion=str(c.criterion),
                value=c.value,
                weight=c.weight,
                contribution=c.contribution,
                detail=c.detail,
            )
            if c.criterion == matching.Criterion.PRACTICES and c.detail.practice_index is not None:
                reason.practice = data.practices[city_pk][c.detail.practice_index]
            if c.criterion == matching.Criterion.LANGUAGE:
                reason.languages = [language_name(code) for code in c.detail.shared]
            if c.criterion == matching.Criterion.CONTEXT and c.detail.region:
                reason.region = str(Region(c.detail.region).label)
            if c.criterion == matching.Criterion.STRENGTH:
                reason.axes = [
                    {
                        "axis": Axis(a.axis).label,
                        "score": a.score,
                        "rank": a.rank,
                        "n_ranked": a.n_ranked,
                    }
                    for a in c.detail.axes
                ]
            reasons.append(reason)
        out.append(
            MentorSuggestion(city=data.cities[city_pk], rank=s.rank, total=s.total, reasons=reasons)
        )
    return SuggestionList(
        suggestions=out,
        edition=data.study.edition,
        n_eligible=result.n_eligible,
        n_unavailable=result.n_unavailable,
    )


def language_name(code: str) -> str:
    """A language's name in the reader's language (CLDR), else its code."""
    try:
        locale = Locale.parse((translation.get_language() or "en")[:2])
    except (ValueError, UnknownLocaleError):
        return code
    return locale.languages.get(code, code)


def _check_mentor(request: MentoringRequest, mentor: City) -> None:
    if mentor.pk == request.city_id:
        raise MentoringError(_("A city cannot mentor itself."))
    if not Membership.objects.active().filter(city=mentor, commission=request.commission).exists():
        raise MentoringError(_("The mentor must be a member city of the commission."))
    if request.declined_by.filter(pk=mentor.pk).exists():
        raise MentoringError(
            _("%(city)s has already declined this request.") % {"city": mentor.name}
        )
    committed = queries.committed_as_mentor([mentor.pk]).get(mentor.pk, 0)
    if committed >= queries.capacity_of(mentor):
        raise MentoringError(
            _("%(city)s has no capacity left for another programme.") % {"city": mentor.name}
        )


def propose_mentor(request: MentoringRequest, *, mentor: City, by) -> MentoringRequest:
    """The secretariat confirms (or changes) the pairing; the mentor city is asked to answer."""
    if not permissions.can_pair(by, request):
        raise MentoringError(_("Only the commission's secretariat can pair cities."))
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.OPEN:
            raise MentoringError(_("This request already has a mentor proposed or is closed."))
        _check_mentor(request, mentor)
        request.mentor = mentor
        request.status = MentoringRequest.Status.PROPOSED
        request.proposed_at = timezone.now()
        request.save(update_fields=["mentor", "status", "proposed_at", "updated_at"])
        record("mentoring.propose", request, actor=by, mentor=mentor.name)
        _mail_city(
            mentor,
            "mentoring/email/pairing_proposed",
            {
                "mentee": request.city.name,
                "mentor": mentor.name,
                "url": _url("mentoring:request-detail", request.pk),
            },
        )
    return request


def cancel_proposal(request: MentoringRequest, *, by) -> MentoringRequest:
    """The secretariat takes back a pairing not yet answered, to propose another city."""
    if not permissions.can_pair(by, request):
        raise MentoringError(_("Only the commission's secretariat can pair cities."))
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.PROPOSED:
            raise MentoringError(_("There is no pairing waiting for an answer."))
        previous = request.mentor
        request.mentor = None
        request.status = MentoringRequest.Status.OPEN
        request.save(update_fields=["mentor", "status", "updated_at"])
        record("mentoring.unpropose", request, actor=by, mentor=previous.name if previous else "")
    return request


def _create_programme(request: MentoringRequest, *, methodology: str) -> Programme:
    start = max(timezone.localdate(), request.starts_on or timezone.localdate())
    programme = Programme.objects.create(
        request=request,
        commission=request.commission,
        mentor=request.mentor,
        mentee=request.city,
        axes=request.axes,
        mode=request.mode,
        methodology=methodology,
        started_on=start,
        ends_on=request.ends_on,
    )
    if request.mode == Mode.STRUCTURED:
        Milestone.objects.bulk_create(
            Milestone(programme=programme, stage=stage, due_on=start + dt.timedelta(days=days))
            for stage, days in TEMPLATES[methodology]
        )
    return programme


def answer_pairing(
    request: MentoringRequest,
    *,
    by,
    accept: bool,
    message: str = "",
    methodology: str = Methodology.CLASSIC,
) -> Programme | None:
    """The mentor city's focal point accepts (a programme starts) or declines with a message."""
    if not permissions.can_answer(by, request):
        raise MentoringError(_("Only the proposed mentor city's focal point can answer."))
    if methodology not in Methodology.values:
        raise MentoringError(_("Choose a methodology."))
    if not accept and not message.strip():
        raise MentoringError(_("Tell the city why you decline, in a few words."))
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.PROPOSED or request.mentor_id != by.city_id:
            raise MentoringError(_("This pairing has already been answered."))
        mentor = request.mentor
        request.answer_message = message.strip()
        programme = None
        if accept:
            request.status = MentoringRequest.Status.ACCEPTED
            programme = _create_programme(request, methodology=methodology)
            record("mentoring.accept", request, actor=by, programme=programme.pk)
        else:
            request.status = MentoringRequest.Status.OPEN
            request.mentor = None
            request.declined_by.add(mentor)
            record("mentoring.decline", request, actor=by, mentor=mentor.name)
        request.save(update_fields=["status", "mentor", "answer_message", "updated_at"])
        context = {
            "mentee": request.city.name,
            "mentor": mentor.name,
            "accepted": "yes" if accept else "",
            "message": request.answer_message,
            "url": _url("mentoring:programme-detail", programme.pk)
            if programme
            else _url("mentoring:request-detail", request.pk),
        }
        _mail_city(request.city, "mentoring/email/pairing_answered", context)
        _mail_secretariat(request.commission, "mentoring/email/pairing_answered", context)
    return programme


@dataclass
class PairingPlan:
    """The exact assignment of every open request, beside the one-by-one choice."""

    rows: list[dict]
    assignment: matching.Assignment | None
    edition: object


def _declined(requests) -> dict[str, frozenset[str]]:
    """The engine's exclusions: each request's declining cities, as engine ids."""
    return {str(r.pk): frozenset(str(c.pk) for c in r.declined_by.all()) for r in requests}


def plan_pairings(commission: Commission) -> PairingPlan:
    """Pair every open request at once, maximising total suitability under each city's capacity."""
    requests = list(
        MentoringRequest.objects.open()
        .filter(commission=commission)
        .select_related("city")
        .prefetch_related("declined_by")
        .order_by("created_at", "id")
    )
    data = queries.candidate_data(commission)
    if not requests:
        return PairingPlan(rows=[], assignment=None, edition=data.study.edition)
    try:
        pool = matching.build_pool(data.candidates)
        # A city that declined a request is never proposed to it again: the optimum avoids it.
        assignment = matching.assign(
            [queries.engine_request(r) for r in requests], pool, excluded=_declined(requests)
        )
    except matching.MatchingError as exc:
        raise MentoringError(
            _(
                "The pairing of every request could not be computed (%(error)s): pair them one by one."
            )
            % {"error": exc}
        ) from exc
    rows = []
    for request, match in zip(requests, assignment.matches, strict=True):
        city = data.cities.get(int(match.city_id)) if match.city_id else None
        greedy = data.cities.get(int(match.greedy_city_id)) if match.greedy_city_id else None
        rows.append(
            {
                "request": request,
                "mentor": city,
                "suitability": match.suitability,
                "greedy": greedy,
                "greedy_suitability": match.greedy_suitability,
                "changed": match.changed,
            }
        )
    return PairingPlan(rows=rows, assignment=assignment, edition=data.study.edition)


def apply_pairings(commission: Commission, *, by) -> int:
    """Propose every mentor of the optimal plan; returns the number of pairings proposed."""
    if not permissions.is_secretariat_of(by, commission.pk):
        raise MentoringError(_("Only the commission's secretariat can pair cities."))
    plan = plan_pairings(commission)
    with transaction.atomic():
        n = 0
        for row in plan.rows:
            if row["mentor"] is not None:
                propose_mentor(row["request"], mentor=row["mentor"], by=by)
                n += 1
        record("mentoring.pair_many", commission, actor=by, proposed=n)
    return n


def set_capacity(city: City, *, by, max_programmes: int) -> MentorCapacity:
    if not permissions.can_set_capacity(by, city):
        raise MentoringError(_("Only the city's focal point can set its capacity."))
    if not 0 <= max_programmes <= 20:
        raise MentoringError(_("The capacity must be between 0 and 20 programmes."))
    with transaction.atomic():
        capacity, _created = MentorCapacity.objects.update_or_create(
            city=city, defaults={"max_programmes": max_programmes}
        )
        record("mentoring.capacity", city, actor=by, max_programmes=max_programmes)
    return capacity


# Inside a programme


def _check_manage(programme: Programme, by) -> None:
    if not permissions.can_manage(by, programme):
        raise MentoringError(
            _("Only the two cities' focal points and the secretariat can do this.")
        )
    if programme.is_closed:
        raise MentoringError(_("This programme is closed."))


def add_objective(
    programme: Programme,
    *,
    by,
    title: str,
    indicator_code: str = "",
    baseline: float | None = None,
    target: float | None = None,
) -> Objective:
    """An objective, tied if possible to a Study code; the baseline defaults to the latest result."""
    _check_manage(programme, by)
    if not title.strip():
        raise MentoringError(_("Give the objective a title."))
    code = indicator_code.strip()
    edition = queries.latest_edition(programme.commission) if code else None
    baseline_year = None
    if code and baseline is None:
        baseline = queries.study_value(edition, programme.mentee, code)
        if baseline is None:
            raise MentoringError(
                _("No published Study value of %(city)s for the code %(code)s: enter a baseline.")
                % {"city": programme.mentee.name, "code": code}
            )
    if code and edition is not None:
        baseline_year = edition.year
    with transaction.atomic():
        objective = Objective.objects.create(
            programme=programme,
            title=title.strip(),
            indicator_code=code,
            baseline=baseline,
            target=target,
            baseline_year=baseline_year,
        )
        record("mentoring.objective", programme, actor=by, objective=objective.title)
    return objective


def add_milestone(
    programme: Programme, *, by, title: str, due_on: dt.date, stage: str = Stage.NEEDS
) -> Milestone:
    _check_manage(programme, by)
    if not title.strip():
        raise MentoringError(_("Give the milestone a title."))
    if stage not in Stage.values or stage == Stage.CLOSED:
        raise MentoringError(_("Choose a stage."))
    if due_on < programme.started_on:
        raise MentoringError(
            _("A milestone cannot be due before the programme starts (%(date)s).")
            % {"date": formats.date_format(programme.started_on, "DATE_FORMAT")}
        )
    with transaction.atomic():
        milestone = Milestone.objects.create(
            programme=programme, title=title.strip(), stage=stage, due_on=due_on
        )
        record("mentoring.milestone", programme, actor=by, milestone=milestone.title)
    return milestone


def complete_milestone(milestone: Milestone, *, by, done_on: dt.date | None = None) -> Milestone:
    """Mark a milestone done; the programme moves to the stage of its next open milestone."""
    programme = milestone.programme
    _check_manage(programme, by)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.is_done:
            raise MentoringError(_("This milestone is already done."))
        milestone.done_on = done_on or timezone.localdate()
        milestone.save(update_fields=["done_on"])
        upcoming = programme.milestones.filter(done_on__isnull=True).order_by("due_on").first()
        if upcoming is not None and upcoming.stage != programme.stage:
            programme.stage = upcoming.stage
            programme.save(update_fields=["stage", "updated_at"])
        record("mentoring.milestone_done", programme, actor=by, milestone=str(milestone.pk))
    return milestone


def log_activity(
    programme: Programme, *, by, kind: str, happened_on: dt.date, summary: str, link: str = ""
) -> Activity:
    if not permissions.can_read_private(by, programme):
        raise MentoringError(_("Only the two cities' people and the secretariat can do this."))
    if kind not in Activity.Kind.values:
        raise MentoringError(_("Choose the kind of activity."))
    if not summary.strip():
        raise MentoringError(_("Summarise the activity."))
    if happened_on < programme.started_on:
        raise MentoringError(_("An activity cannot come before the programme starts."))
    with transaction.atomic():
        activity = Activity.objects.create(
            programme=programme,
            kind=kind,
            happened_on=happened_on,
            summary=summary.strip(),
            link=link,
            by=by,
        )
        record("mentoring.activity", programme, actor=by, kind=kind)
    return activity


def file_report(programme: Programme, *, by, status: str, summary: str) -> MonitoringReport:
    """A monitoring report; its status becomes the programme's."""
    _check_manage(programme, by)
    if status not in Health.values:
        raise MentoringError(_("Choose a status."))
    if not summary.strip():
        raise MentoringError(_("Write what the report is about."))
    with transaction.atomic():
        report = MonitoringReport.objects.create(
            programme=programme, status=status, summary=summary.strip(), by=by
        )
        previous = programme.status
        programme.status = status
        programme.save(update_fields=["status", "updated_at"])
        record("mentoring.report", programme, actor=by, status=status)
        # The secretariat hears of trouble when it starts, not at every report.
        if status != previous and status in (Health.AT_RISK, Health.LATE):
            for person in programme.commission.secretariat.all():
                with translation.override(person.language):
                    context = {
                        "programme": str(programme),
                        "status": str(Health(status).label),
                        "summary": report.summary,
                        "url": _url("mentoring:programme-detail", programme.pk),
                    }
                queue_mail(
                    to=person.email,
                    template="mentoring/email/programme_in_trouble",
                    context=context,
                    language=person.language,
                )
    return report


def close_programme(programme: Programme, *, by) -> Programme:
    _check_manage(programme, by)
    with transaction.atomic():
        programme.stage = Stage.CLOSED
        programme.closed_on = timezone.localdate()
        programme.save(update_fields=["stage", "closed_on", "updated_at"])
        record("mentoring.close", programme, actor=by)
    return programme


def evaluate_programme(programme: Programme, *, by, rating: int, text: str) -> Evaluation:
    """Each city's closing evaluation, once, after the programme is closed."""
    if not permissions.can_evaluate(by, programme):
        raise MentoringError(_("Only the two cities' focal points can evaluate the programme."))
    if not programme.is_closed:
        raise MentoringError(_("The programme is evaluated once it is closed."))
    if not 1 <= rating <= 5:
        raise MentoringError(_("The rating goes from 1 to 5."))
    if not text.strip():
        raise MentoringError(_("Write a few words of evaluation."))
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                programme=programme, city_id=by.city_id, rating=rating, text=text.strip(), by=by
            )
            record("mentoring.evaluate", programme, actor=by, rating=rating)
    except IntegrityError:
        raise MentoringError(_("Your city has already evaluated this programme.")) from None
    return evaluation


def post_message(programme: Programme, *, by, text: str) -> Message:
    """A message in the two cities' conversation."""
    if not by.is_authenticated or by.city_id not in (programme.mentor_id, programme.mentee_id):
        raise MentoringError(_("Only the two cities' people can write in the conversation."))
    if not text.strip():
        raise MentoringError(_("Write a message."))
    with transaction.atomic():
        message = Message.objects.create(programme=programme, author=by, text=text.strip())
        record("mentoring.message", programme, actor=by)
    return message


# Reminders


def send_milestone_reminders(*, today: dt.date | None = None) -> int:
    """E-mail both cities before each open milestone, once per milestone and lead time."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    due = (
        Milestone.objects.filter(done_on__isnull=True, due_on__gte=today, due_on__lte=horizon)
        .exclude(programme__stage=Stage.CLOSED)
        .select_related("programme__mentor", "programme__mentee")
    )
    sent = 0
    for milestone in due:
        days_left = (milestone.due_on - today).days
        # The tightest lead time reached: a late first run sends one reminder, not two.
        lead = min(d for d in REMINDER_DAYS if days_left <= d)
        try:
            with transaction.atomic():
                _reminder, created = MilestoneReminder.objects.get_or_create(
                    milestone=milestone, days_before=lead
                )
                if not created:
                    continue
                programme = milestone.programme
                for city in (programme.mentor, programme.mentee):
                    for person in _focal_points(city):
                        with translation.override(person.language):
                            context = {
                                "milestone": milestone.display_title,
                                "programme": str(programme),
                                "due_on": formats.date_format(milestone.due_on, "DATE_FORMAT"),
                                "days": str(days_left),
                                "url": _url("mentoring:programme-detail", programme.pk),
                            }
                        queue_mail(
                            to=person.email,
                            template="mentoring/email/milestone_due",
                            context=context,
                            language=person.language,
                        )
                sent += 1
        except IntegrityError:  # another worker sent it at the same moment
            continue
    return sent
