import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cityloom.core import ical
from cityloom.core.views import report_errors, report_form_errors
from cityloom.meetings import permissions as meetings_permissions
from cityloom.meetings import services as meetings_services
from cityloom.meetings.models import Topic
from cityloom.network import queries as network_queries
from cityloom.network.permissions import secretariat_commissions

from . import forms, permissions, queries, services
from .models import JoinRequest, Project, ProjectCity


def _project(pk) -> Project:
    project = queries.project(pk)
    if project is None:
        raise Http404
    return project


def _editable(request, pk) -> Project:
    project = _project(pk)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    return project


def _commissions(user):
    """The commissions a person may file a project in: those of their secretariat and city."""
    mine = secretariat_commissions(user)
    if user.city_id:
        mine = mine | network_queries.active_commissions_of(user.city)
    return mine.distinct().order_by("name")


def project_list(request):
    return render(
        request,
        "projects/project_list.html",
        {
            "projects": queries.project_list(),
            "can_create": permissions.can_create_project(request.user),
            "can_propose": permissions.can_propose_project(request.user),
            "is_secretariat": secretariat_commissions(request.user).exists(),
        },
    )


def project_detail(request, pk):
    project = _project(pk)
    user = request.user
    places = queries.memberships(project)
    can_edit = permissions.can_edit_project(user, project)
    taking_part = [
        p.city for p in places if p.left_on is None and p.role != ProjectCity.Role.INTERESTED
    ]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "places": places,
            "timeline": queries.timeline(project),
            "tasks": queries.tasks(project, places),
            "activities": queries.activities(project) if can_edit else [],
            "can_edit": can_edit,
            "can_join": permissions.can_request_join(user, project),
            "can_answer": user.is_authenticated
            and user.is_focal_point
            and user.city_id in {c.pk for c in taking_part},
            "can_leave": user.is_authenticated
            and user.is_focal_point
            and user.city_id in {c.pk for c in taking_part},
            "answer_form": forms.AnswerForm(),
            "forms": _planning_forms(project) if can_edit else {},
        },
    )


def _planning_forms(project) -> dict:
    cities = queries.current_cities(project)
    return {
        "activity": forms.ActivityForm(
            prefix="activity", initial={"time_zone": services.default_time_zone(project)}
        ),
        "milestone": forms.MilestoneForm(prefix="milestone"),
        "deliverable": forms.DeliverableForm(prefix="deliverable", cities=cities),
        "template": forms.TemplateForm(prefix="template"),
        "task": forms.TaskForm(prefix="task"),
        "leave": forms.LeaveForm(prefix="leave", cities=cities),
    }


@login_required
def project_create(request):
    if not permissions.can_create_project(request.user):
        raise PermissionDenied
    user = request.user
    commissions = _commissions(user)
    cities = network_queries.active_member_cities(commissions).order_by("name")
    session = None
    initial = {"status": Project.Status.PROPOSED, "language": user.language}
    if user.is_focal_point:
        initial["lead_city"] = user.city_id
    if request.GET.get("session"):
        try:
            session = get_object_or_404(Topic, pk=int(request.GET["session"]))
        except ValueError:
            raise Http404 from None
        if not meetings_permissions.can_record_outcome(user, session):
            raise PermissionDenied
        initial.update(
            title=session.title,
            axis=session.axis,
            commission=session.meeting.commission_id,
            interested=[c.pk for c in meetings_services.voters_cities(session)],
        )
    form = forms.ProjectForm(
        request.POST or None, initial=initial, commissions=commissions, cities=cities
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if session is not None:
                data.pop("commission")
                project = services.create_project_from_session(
                    session, by=user, cities=data.pop("interested"), **data
                )
            else:
                project = services.create_project(
                    by=user, commission=data.pop("commission"), **data
                )
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "session": session, "project": None}
    )


@login_required
def project_edit(request, pk):
    project = _editable(request, pk)
    cities = network_queries.active_member_cities([project.commission]).order_by("name")
    initial = {
        name: getattr(project, name)
        for name in ("title", "question", "axis", "methodology", "status", "starts_on", "language")
    }
    initial["lead_city"] = project.lead_city_id
    form = forms.ProjectForm(
        request.POST or None,
        initial=initial,
        commissions=None,
        cities=cities,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project, by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_join(request, pk):
    project = _project(pk)
    if not permissions.can_request_join(request.user, project):
        raise PermissionDenied
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_join(project, by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent: the secretariat will put you in contact with the project."
                ),
            )
            return redirect(project)
    return render(request, "projects/join_form.html", {"form": form, "project": project})


@login_required
def project_propose(request):
    if not permissions.can_propose_project(request.user):
        raise PermissionDenied
    form = forms.ProposeForm(request.POST or None, commissions=_commissions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_project(by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your proposal is sent to the secretariat."))
            return redirect("projects:project-list")
    return render(request, "projects/join_form.html", {"form": form, "project": None})


@login_required
def request_list(request):
    if not secretariat_commissions(request.user).exists():
        raise PermissionDenied
    return render(
        request,
        "projects/requests.html",
        {
            "requests": queries.pending_requests(request.user),
            "overdue": queries.overdue_deliverables(request.user),
        },
    )


@login_required
def request_decide(request, pk):
    join = queries.join_request(pk)
    if join is None:
        raise Http404
    if not permissions.can_decide(request.user, join):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and join.status == JoinRequest.Status.PENDING and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            project = services.decide(join, by=request.user, accept=accept)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            if accept:
                messages.success(request, _("The request is accepted and the cities are e-mailed."))
                return redirect(project)
            messages.success(request, _("The request is declined and the city is told."))
            return redirect("projects:request-list")
    return render(
        request,
        "projects/decide.html",
        {"join": join, "form": form, "recipients": services.recipients(join)},
    )


@login_required
@require_POST
def task_answer(request, pk, task_pk):
    project = _project(pk)
    task = queries.task(project, task_pk)
    if task is None:
        raise Http404
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(project)
    try:
        services.answer_task(task, by=request.user, **form.cleaned_data)
    except services.ProjectError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("Your city's answer is saved."))
    return redirect(f"{project.get_absolute_url()}#task-{task.pk}")


def _plan(request, pk, form_class, prefix, call, success, **form_kwargs):
    """POST of one planning form of the project page: validate, call the service, go back."""
    project = _editable(request, pk)
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(project)
    try:
        call(project, form.cleaned_data)
    except services.ProjectError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect(project)


@login_required
@require_POST
def activity_add(request, pk):
    def call(project, data):
        services.add_activity(project, by=request.user, **data)

    return _plan(request, pk, forms.ActivityForm, "activity", call, _("The activity is planned."))


@login_required
@require_POST
def milestone_add(request, pk):
    def call(project, data):
        services.add_milestone(project, by=request.user, **data)

    return _plan(request, pk, forms.MilestoneForm, "milestone", call, _("The milestone is added."))


@login_required
@require_POST
def deliverable_add(request, pk):
    def call(project, data):
        services.add_deliverable(project, by=request.user, **data)

    project = _editable(request, pk)
    return _plan(
        request,
        pk,
        forms.DeliverableForm,
        "deliverable",
        call,
        _("The deliverable is added."),
        cities=queries.current_cities(project),
    )


@login_required
@require_POST
def template_apply(request, pk):
    def call(project, data):
        services.apply_template(project, by=request.user, key=data["template"])

    return _plan(request, pk, forms.TemplateForm, "template", call, _("The template is applied."))


@login_required
@require_POST
def task_add(request, pk):
    def call(project, data):
        services.add_task(project, by=request.user, **data)

    return _plan(request, pk, forms.TaskForm, "task", call, _("The task is added."))


@login_required
@require_POST
def city_leave(request, pk):
    project = _project(pk)
    cities = queries.current_cities(project)
    form = forms.LeaveForm(request.POST, prefix="leave", cities=cities)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(project)
    try:
        services.leave_project(
            project,
            form.cleaned_data["city"],
            by=request.user,
            reassign_to=form.cleaned_data["reassign_to"],
        )
    except services.ProjectError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The city has left the project; nothing it did is lost."))
    return redirect(project)


@login_required
def cadence_change(request, pk, activity_pk):
    project = _editable(request, pk)
    activity = next((a for a in queries.activities(project) if a.pk == activity_pk), None)
    if activity is None:
        raise Http404
    form = forms.CadenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_cadence(activity, by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The cadence is changed; past occurrences are kept."))
            return redirect(project)
    return render(
        request,
        "projects/cadence_form.html",
        {"form": form, "project": project, "activity": activity},
    )


@login_required
def occurrence_minutes(request, pk, occurrence_pk):
    project = _project(pk)
    occurrence = queries.occurrence(project, occurrence_pk)
    if occurrence is None:
        raise Http404
    form = forms.MinutesForm(
        request.POST or None, initial={"agenda": occurrence.agenda, "minutes": occurrence.minutes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(occurrence, by=request.user, **form.cleaned_data)
        except services.ProjectError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect(project)
    return render(
        request,
        "projects/occurrence_form.html",
        {"form": form, "project": project, "occurrence": occurrence},
    )


# --- exports ------------------------------------------------------------------------------


@require_GET
def project_ics(request, pk):
    project = _project(pk)
    url = request.build_absolute_uri(project.get_absolute_url())
    events = [
        ical.Event(
            uid=f"project-{project.pk}-occurrence-{o.pk}@cityloom",
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            summary=f"{project.display_title}: {o.activity.display_title}",
            description=o.agenda or o.activity.agenda,
            location=o.activity.online_url,
            url=url,
            time_zone=o.activity.time_zone,
        )
        for o in queries.ical_occurrences(project)
    ]
    body = ical.calendar(events, now=timezone.now(), name=project.display_title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.ics"'
    return response


@require_GET
def project_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Title"),
            _("Axis"),
            _("Status"),
            _("Lead city"),
            _("Start date"),
            _("Cities"),
            _("Next activity"),
        ]
    )
    for p in queries.project_list():
        writer.writerow(
            [
                p.display_title,
                p.get_axis_display(),
                p.get_status_display(),
                p.lead_city.name if p.lead_city else "",
                p.starts_on.isoformat() if p.starts_on else "",
                "; ".join(
                    f"{m.city.name} ({m.get_role_display()})"
                    for m in p.memberships.all()
                    if not m.left_on
                ),
                p.next_starts_at.isoformat() if p.next_starts_at else "",
            ]
        )
    return response
