from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cityloom.core import confirm
from cityloom.core.pdf import html_to_pdf
from cityloom.core.text import render_markdown
from cityloom.core.views import report_errors, report_form_errors

from . import exports, permissions, queries, services
from .forms import MeetingForm, MoveForm, NotesForm, OutcomeForm, ProjectForm, TopicForm
from .models import Meeting, Topic


def _meeting(request, slug) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("host_city", "commission"), slug=slug
    )
    if not permissions.can_see_meeting(request.user, meeting):
        raise Http404
    return meeting


def _topic(meeting: Meeting, pk) -> Topic:
    return get_object_or_404(Topic.objects.select_related("proposer__city"), meeting=meeting, pk=pk)


def meeting_list(request):
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": queries.meeting_list(request.user),
            "can_create": permissions.can_create_meeting(request.user),
        },
    )


@login_required
def meeting_create(request):
    if not permissions.can_create_meeting(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(by=request.user, **data)
        except services.MeetingError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The meeting was created."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


def meeting_detail(request, slug):
    meeting = _meeting(request, slug)
    user = request.user
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "rooms": meeting.rooms.all(),
            "slots": meeting.slots.all(),
            "registration": queries.registration_of(user, meeting),
            "seats_taken": meeting.registrations.confirmed().count(),
            "can_register": permissions.can_register(user, meeting),
            "registration_open": meeting.is_registration_open(),
            "is_secretariat": permissions.is_meeting_secretariat(user, meeting),
            "projects": queries.projects(meeting),
        },
    )


@login_required
@require_POST
def register(request, slug):
    meeting = _meeting(request, slug)
    try:
        registration = services.register(meeting, person=request.user)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        if registration.status == registration.Status.WAITING:
            messages.success(
                request, _("The meeting is full: you are on the waiting list. We will e-mail you.")
            )
        else:
            messages.success(request, _("You are registered. A confirmation is on its way."))
    return redirect(meeting)


@login_required
@require_POST
def cancel_registration(request, slug):
    meeting = _meeting(request, slug)
    try:
        services.cancel_registration(meeting, person=request.user)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(meeting)


@require_GET
def meeting_ics(request, slug):
    meeting = _meeting(request, slug)
    return _calendar_response(exports.meeting_calendar(meeting), f"{meeting.slug}.ics")


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- proposals and votes -------------------------------------------------------------


def _proposals_context(request, meeting: Meeting) -> dict:
    user = request.user
    return {
        "meeting": meeting,
        "topics": queries.topics_with_votes(meeting, user),
        "is_participant": permissions.is_participant(user, meeting),
    }


def proposals(request, slug):
    meeting = _meeting(request, slug)
    context = _proposals_context(request, meeting)
    form = None
    if meeting.are_votes_locked and context["is_participant"] and request.method == "POST":
        messages.error(request, _("Proposals are closed: the session grid is built."))
        return redirect("meetings:proposals", meeting.slug)
    if (
        context["is_participant"]
        and meeting.status != Meeting.Status.DRAFT
        and not meeting.are_votes_locked
    ):
        form = TopicForm(request.POST or None, meeting=meeting)
        if request.method == "POST" and form.is_valid():
            try:
                services.propose_topic(meeting, by=request.user, **form.cleaned_data)
            except services.MeetingError as exc:
                report_errors(request, exc, form)
            else:
                messages.success(request, _("Your topic is proposed."))
                return redirect("meetings:proposals", meeting.slug)
    elif request.method == "POST":
        raise PermissionDenied
    context["form"] = form
    return render(request, "meetings/proposals.html", context)


@require_GET
def proposals_partial(request, slug):
    meeting = _meeting(request, slug)
    return render(request, "meetings/_proposals.html", _proposals_context(request, meeting))


@login_required
@require_POST
def vote(request, slug, pk):
    meeting = _meeting(request, slug)
    topic = _topic(meeting, pk)
    try:
        services.set_vote(topic, person=request.user, wanted=request.POST.get("vote") == "yes")
    except services.MeetingError as exc:
        report_errors(request, exc)
    if request.headers.get("HX-Request"):
        context = _proposals_context(request, meeting)
        context["errors"] = list(messages.get_messages(request))
        return render(request, "meetings/_proposals.html", context)
    return redirect("meetings:proposals", meeting.slug)


@login_required
def topic_edit(request, slug, pk):
    meeting = _meeting(request, slug)
    topic = _topic(meeting, pk)
    if not permissions.can_edit_topic(request.user, topic):
        raise PermissionDenied
    form = TopicForm(request.POST or None, instance=topic, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_topic(topic, by=request.user, **form.cleaned_data)
        except services.MeetingError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("Your topic is saved."))
            return redirect("meetings:proposals", meeting.slug)
    return render(
        request, "meetings/topic_form.html", {"meeting": meeting, "form": form, "topic": topic}
    )


# --- the grid ------------------------------------------------------------------------


def _manager(request, slug) -> Meeting:
    meeting = _meeting(request, slug)
    if not permissions.can_manage_grid(request.user, meeting):
        raise PermissionDenied
    return meeting


@login_required
def grid_manage(request, slug):
    meeting = _manager(request, slug)
    grid = queries.grid(meeting, published=False)
    return render(
        request,
        "meetings/grid_manage.html",
        {
            "meeting": meeting,
            "grid": grid,
            "report": queries.grid_report(meeting),
            "errors": [
                {"message": services.grid_error_message(e["code"]), "problems": e["problems"]}
                for e in meeting.grid_errors
            ],
            "unplaced": [t for t in queries.topics_with_votes(meeting) if not t.room_id],
            "move_form": MoveForm(meeting=meeting),
            "unpublished_changes": services.has_unpublished_changes(meeting),
        },
    )


@login_required
@require_GET
def grid_status(request, slug):
    """Polled by the grid page while the engine runs; tells htmx to reload once it is done."""
    meeting = _manager(request, slug)
    if meeting.is_grid_busy:
        return render(request, "meetings/_grid_status.html", {"meeting": meeting})
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def grid_compute(request, slug, mode):
    meeting = _manager(request, slug)
    if mode not in (services.Mode.BUILD, services.Mode.REOPTIMISE, services.Mode.LATE):
        raise Http404
    try:
        services.request_grid(meeting, by=request.user, mode=mode)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        meeting.refresh_from_db()
        if meeting.grid_job == Meeting.GridJob.DONE:
            messages.success(request, _("The grid is ready."))
        elif meeting.grid_job == Meeting.GridJob.FAILED:
            messages.error(request, services.grid_error_message(meeting.grid_errors[0]["code"]))
        else:
            messages.info(request, _("The grid is being computed; this page updates itself."))
    return redirect("meetings:grid-manage", meeting.slug)


@login_required
@require_POST
def session_move(request, slug, pk):
    meeting = _manager(request, slug)
    topic = _topic(meeting, pk)
    form = MoveForm(request.POST, meeting=meeting)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("meetings:grid-manage", meeting.slug)
    room, slot = form.cell(meeting)
    try:
        occupant = services.move_session(topic, by=request.user, room=room, slot=slot)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("“%(topic)s” is moved and pinned.") % {"topic": topic})
        if occupant is not None:
            occupant.refresh_from_db()
            if not occupant.is_scheduled:
                messages.warning(
                    request,
                    _("“%(topic)s” lost its cell: re-optimise to place it again.")
                    % {"topic": occupant},
                )
    return redirect("meetings:grid-manage", meeting.slug)


@login_required
@require_POST
def session_pin(request, slug, pk):
    meeting = _manager(request, slug)
    topic = _topic(meeting, pk)
    pinned = request.POST.get("pinned") == "yes"
    try:
        services.set_pin(topic, by=request.user, pinned=pinned)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        message = _("“%(topic)s” is pinned.") if pinned else _("“%(topic)s” is unpinned.")
        messages.success(request, message % {"topic": topic})
    return redirect("meetings:grid-manage", meeting.slug)


@login_required
def grid_publish(request, slug):
    """Publishing asks first, on a page that says who is e-mailed; only its POST acts."""
    meeting = _manager(request, slug)
    if not confirm.is_confirmed(request):
        names = {
            "meeting": meeting.display_title,
            "n": queries.participant_count(meeting),
        }
        if meeting.is_published:
            mailed = ngettext(
                "The %(n)d registered participant is e-mailed that the grid changed.",
                "The %(n)d registered participants are e-mailed that the grid changed.",
                names["n"],
            )
        else:
            mailed = ngettext(
                "The %(n)d registered participant is e-mailed the grid.",
                "The %(n)d registered participants are e-mailed the grid.",
                names["n"],
            )
        return confirm.page(
            request,
            title=_("Publish the grid of %(meeting)s?") % names,
            consequences=[
                _(
                    "The current grid of %(meeting)s becomes the public one, with its printable "
                    "version and calendar exports."
                )
                % names,
                mailed % names,
            ],
            action=reverse("meetings:grid-publish", args=[meeting.slug]),
            confirm_label=_("Yes, publish the grid"),
            cancel_url=reverse("meetings:grid-manage", args=[meeting.slug]),
        )
    try:
        services.publish_grid(meeting, by=request.user)
    except services.MeetingError as exc:
        report_errors(request, exc)
        return redirect("meetings:grid-manage", meeting.slug)
    messages.success(request, _("The grid is published."))
    return redirect("meetings:grid", meeting.slug)


def _published(request, slug) -> Meeting:
    meeting = _meeting(request, slug)
    if not meeting.is_published:
        raise Http404(_("The session grid is not published yet."))
    return meeting


def grid_public(request, slug):
    meeting = _published(request, slug)
    return render(
        request,
        "meetings/grid.html",
        {
            "meeting": meeting,
            "grid": queries.grid(meeting),
            "is_secretariat": permissions.is_meeting_secretariat(request.user, meeting),
        },
    )


def grid_print(request, slug):
    meeting = _published(request, slug)
    return render(
        request, "meetings/grid_print.html", {"meeting": meeting, "grid": queries.grid(meeting)}
    )


@require_GET
def schedule_json(request, slug):
    meeting = _published(request, slug)
    return JsonResponse(exports.frab_schedule(meeting), json_dumps_params={"ensure_ascii": False})


# --- sessions --------------------------------------------------------------------------


def _session(request, slug, pk) -> tuple[Meeting, Topic]:
    meeting = _published(request, slug)
    session = queries.published_session(meeting, int(pk))
    if session is None:
        raise Http404
    return meeting, session


def session_detail(request, slug, pk):
    meeting, session = _session(request, slug, pk)
    versions = session.note_versions.select_related("author")
    number = request.GET.get("version", "")
    shown = None
    if number.isdigit():
        shown = versions.filter(number=int(number)).first()
    latest = versions.first()
    shown = shown or latest
    can_write = permissions.can_write_notes(request.user, session)
    return render(
        request,
        "meetings/session_detail.html",
        {
            "meeting": meeting,
            "session": session,
            "participants": queries.session_participants(session),
            "notes": render_markdown(shown.text) if shown else "",
            "shown": shown,
            "latest": latest,
            "versions": versions,
            "can_write": can_write,
            "outcome_form": OutcomeForm(initial={"experiences": session.experiences}),
            "project_form": ProjectForm(initial={"title": session.title}),
            "voters_cities": services.voters_cities(session),
            "projects": queries.session_projects(session),
        },
    )


@require_GET
def session_ics(request, slug, pk):
    meeting, session = _session(request, slug, pk)
    return _calendar_response(
        exports.session_calendar(meeting, session), f"{meeting.slug}-{session.pk}.ics"
    )


@login_required
def notes_edit(request, slug, pk):
    meeting, session = _session(request, slug, pk)
    if not permissions.can_write_notes(request.user, session):
        raise PermissionDenied
    latest = session.note_versions.first()
    form = NotesForm(
        request.POST or None,
        initial={
            "text": latest.text if latest else "",
            "base_version": latest.number if latest else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_notes(
                session,
                by=request.user,
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["base_version"],
            )
        except services.MeetingError as exc:
            report_errors(request, exc, form)
            if exc.code == "conflict":  # the next save compares with the version shown now
                data = form.data.copy()
                data["base_version"] = latest.number if latest else 0
                form.data = data
        else:
            messages.success(
                request, _("Version %(number)s of the notes is saved.") % {"number": version.number}
            )
            return redirect(session)
    return render(
        request,
        "meetings/notes_form.html",
        {"meeting": meeting, "session": session, "form": form, "latest": latest},
    )


@login_required
@require_POST
def session_outcome(request, slug, pk):
    session = _session(request, slug, pk)[1]
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(session)
    services.record_outcome(session, by=request.user, **form.cleaned_data)
    messages.success(request, _("The outcome is saved."))
    return redirect(session)


@login_required
@require_POST
def session_project(request, slug, pk):
    session = _session(request, slug, pk)[1]
    form = ProjectForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(session)
    try:
        project = services.identify_project(session, by=request.user, **form.cleaned_data)
    except services.MeetingError as exc:
        report_errors(request, exc)
    else:
        messages.success(
            request,
            _("The project “%(title)s” is proposed with %(cities)s.")
            % {
                "title": project.title,
                "cities": ", ".join(c.name for c in project.cities.all()) or "—",
            },
        )
    return redirect(session)


# --- the meeting report ----------------------------------------------------------------


def _report_context(request, meeting: Meeting) -> dict:
    grid = queries.grid(meeting) if meeting.is_published else None
    return {
        "meeting": meeting,
        "grid": grid,
        "rooms": meeting.rooms.all(),
        "participants_by_city": queries.participants_by_city(meeting),
        "projects": queries.projects(meeting),
        "generated_at": timezone.now(),
    }


def meeting_report(request, slug):
    meeting = _meeting(request, slug)
    return render(request, "meetings/report.html", _report_context(request, meeting))


def meeting_report_pdf(request, slug):
    meeting = _meeting(request, slug)
    html = render_to_string(
        "meetings/report_pdf.html", _report_context(request, meeting), request=request
    )
    pdf = html_to_pdf(html, stylesheet=finders.find("meetings/report.css"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{meeting.slug}-report.pdf"'
    return response
