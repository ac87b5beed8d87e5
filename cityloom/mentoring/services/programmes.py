"""Inside a programme: objectives, milestones, activities, reports, closing, evaluation."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.mentoring import permissions, queries
from cityloom.mentoring.errors import MentoringError
from cityloom.mentoring.models import (
    Activity,
    Evaluation,
    Health,
    MentoringRequest,
    Message,
    Methodology,
    Milestone,
    Mode,
    MonitoringReport,
    Objective,
    Programme,
    Stage,
)
from cityloom.mentoring.services.base import site_url
from cityloom.study import queries as study_queries

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


def create_programme(request: MentoringRequest, *, methodology: str) -> Programme:
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


def _check_manage(programme: Programme, by) -> None:
    if not permissions.can_manage(by, programme):
        raise PermissionDenied
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
        baseline = study_queries.result_value(edition, programme.mentee_id, code)
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
        raise PermissionDenied
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
                        "url": site_url("mentoring:programme-detail", programme.pk),
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
        raise PermissionDenied
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
        raise PermissionDenied
    if not text.strip():
        raise MentoringError(_("Write a message."))
    with transaction.atomic():
        message = Message.objects.create(programme=programme, author=by, text=text.strip())
        record("mentoring.message", programme, actor=by)
    return message
