import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cityloom.core import uploads
from cityloom.core.text import render_markdown
from cityloom.core.views import report_errors, report_form_errors
from cityloom.network.permissions import secretariat_commissions

from . import exports, permissions, queries, services
from .forms import CircularForm, SendForm
from .models import Circular, Event

LANGUAGES = (("en", "English"), ("fr", "Français"), ("es", "Español"))


# --- circulars ---------------------------------------------------------------------------


def _circular(request, pk) -> Circular:
    circular = queries.circular(pk)
    if circular is None or not permissions.can_see_circular(request.user, circular):
        raise Http404
    return circular


def _managed_circular(request, pk) -> Circular:
    circular = _circular(request, pk)
    if not permissions.can_manage_circular(request.user, circular):
        raise PermissionDenied
    return circular


def circular_list(request):
    user = request.user
    can_write = permissions.can_write_circulars(user)
    return render(
        request,
        "communications/circular_list.html",
        {
            "circulars": queries.sent_circulars(),
            "drafts": queries.draft_circulars(user) if can_write else [],
            "can_write": can_write,
        },
    )


def circular_detail(request, pk):
    circular = _circular(request, pk)
    return render(
        request,
        "communications/circular_detail.html",
        {
            "circular": circular,
            "body": render_markdown(circular.display_body),
            "can_manage": permissions.can_manage_circular(request.user, circular),
        },
    )


def _save_circular(request, form, circular=None):
    data = dict(form.cleaned_data)
    attachments = data.pop("attachments", [])
    try:
        if circular is None:
            commission = data.pop("commission")
            circular = services.create_circular(
                commission, by=request.user, attachments=attachments, **data
            )
        else:
            services.update_circular(circular, by=request.user, attachments=attachments, **data)
    except services.CommunicationsError as exc:
        report_errors(request, exc, form)
        return None
    messages.success(request, _("The draft is saved. Look at the preview before sending it."))
    return redirect("communications:circular-preview", circular.pk)


@login_required
def circular_create(request):
    if not permissions.can_write_circulars(request.user):
        raise PermissionDenied
    form = CircularForm(
        request.POST or None,
        request.FILES or None,
        commissions=secretariat_commissions(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid() and (done := _save_circular(request, form)):
        return done
    return render(request, "communications/circular_form.html", {"form": form})


@login_required
def circular_edit(request, pk):
    circular = _managed_circular(request, pk)
    if circular.status != Circular.Status.DRAFT:
        messages.error(request, _("This circular was sent: it can no longer be changed."))
        return redirect(circular)
    form = CircularForm(
        request.POST or None,
        request.FILES or None,
        instance=circular,
        commissions=secretariat_commissions(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        done = _save_circular(request, form, circular)
        if done:
            return done
    return render(
        request, "communications/circular_form.html", {"form": form, "circular": circular}
    )


@login_required
def circular_preview(request, pk):
    circular = _managed_circular(request, pk)
    recipients = queries.audience_people(circular)
    versions = []
    for code, name in LANGUAGES:
        subject, body = circular.in_language(code)
        versions.append(
            {
                "code": code,
                "name": name,
                "subject": subject,
                "body": render_markdown(body),
                "is_fallback": code != "en" and not getattr(circular, f"subject_{code}"),
            }
        )
    return render(
        request,
        "communications/circular_preview.html",
        {
            "circular": circular,
            "recipients": recipients,
            "languages": queries.languages_of(recipients),
            "versions": versions,
            "form": SendForm(initial={"expected": len(recipients)}),
        },
    )


@login_required
@require_POST
def circular_send(request, pk):
    circular = _managed_circular(request, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("communications:circular-preview", circular.pk)
    try:
        count = services.send_circular(
            circular, by=request.user, expected=form.cleaned_data["expected"]
        )
    except services.CommunicationsError as exc:
        report_errors(request, exc)
        return redirect("communications:circular-preview", circular.pk)
    messages.success(
        request,
        ngettext(
            "%(label)s is being sent to %(n)d person.",
            "%(label)s is being sent to %(n)d people.",
            count,
        )
        % {"label": circular.label, "n": count},
    )
    return redirect("communications:circular-log", circular.pk)


@login_required
def circular_log(request, pk):
    circular = _managed_circular(request, pk)
    return render(
        request,
        "communications/circular_log.html",
        {
            "circular": circular,
            "rows": queries.delivery_log(circular),
            "counts": queries.delivery_counts(circular),
        },
    )


@require_GET
def circular_attachment(request, pk, attachment_pk):
    circular = _circular(request, pk)
    attachment = queries.attachment(circular, attachment_pk)
    if attachment is None:
        raise Http404
    file_type = uploads.TYPES.get(attachment.content_type, uploads.UNKNOWN)
    return uploads.file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=uploads.download_name(attachment.original_name, file_type, fallback="circular"),
        private=circular.status == Circular.Status.DRAFT,
    )


def unsubscribe(request, token):
    person = services.person_of_unsubscribe_token(token)
    if person is None:
        raise Http404
    if request.method == "POST":
        wanted = request.POST.get("wanted") == "1"
        try:
            services.set_optional_mail(token, wanted=wanted)
        except services.CommunicationsError as exc:
            report_errors(request, exc)
        else:
            messages.success(
                request,
                _("You will receive optional e-mail again.")
                if wanted
                else _(
                    "You will no longer receive optional e-mail. Formal circulars to focal "
                    "points still reach you."
                ),
            )
        return redirect("communications:unsubscribe", token)
    return render(request, "communications/unsubscribe.html", {"token": token})


# --- news and pages --------------------------------------------------------------------------


def news_list(request):
    return render(request, "communications/news_list.html", {"posts": queries.published_news()})


def news_detail(request, slug):
    post = queries.news_post(slug)
    if post is None:
        raise Http404
    return render(
        request,
        "communications/news_detail.html",
        {"post": post, "body": render_markdown(post.display_body)},
    )


@require_GET
def news_image(request, slug):
    post = queries.news_post(slug)
    if post is None or not post.image:
        raise Http404
    file_type = uploads.TYPES.get(post.image_type, uploads.UNKNOWN)
    response = uploads.file_response(
        post.image,
        content_type=file_type.content_type,
        filename=f"{slug}.{file_type.extension}",
        private=False,
    )
    response["Content-Disposition"] = "inline"
    return response


def page_detail(request, slug):
    page = queries.page(slug)
    if page is None:
        raise Http404
    return render(
        request,
        "communications/page_detail.html",
        {"page": page, "body": render_markdown(page.display_body), "pages": queries.pages()},
    )


@require_GET
def document_download(request, slug, pk):
    page = queries.page(slug)
    document = next((d for d in page.documents.all() if d.pk == pk), None) if page else None
    if document is None:
        raise Http404
    file_type = uploads.TYPES.get(document.content_type, uploads.UNKNOWN)
    return uploads.file_response(
        document.file,
        content_type=document.content_type,
        filename=uploads.download_name(document.original_name, file_type, fallback="document"),
        private=False,
    )


# --- events ----------------------------------------------------------------------------------


def _event(request, slug) -> Event:
    event = queries.event(slug)
    if event is None or not permissions.can_see_event(request.user, event):
        raise Http404
    return event


def event_list(request):
    upcoming, past = queries.upcoming_and_past(request.user)
    return render(
        request,
        "communications/event_list.html",
        {"upcoming": upcoming, "past": past, "today": timezone.localdate()},
    )


def event_calendar(request, year=None, month=None):
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "communications/event_calendar.html",
        {
            "weeks": queries.month(request.user, year, month),
            "first": first,
            "previous": previous,
            "following": following,
        },
    )


def event_detail(request, slug):
    event = _event(request, slug)
    user = request.user
    return render(
        request,
        "communications/event_detail.html",
        {
            "event": event,
            "description": render_markdown(event.display_description),
            "programme": render_markdown(event.display_programme),
            "registration": queries.registration_of(user, event),
            "seats_taken": queries.seats_taken(event),
            "can_register": permissions.can_register(user, event),
            "can_export": permissions.can_export_participants(user, event),
        },
    )


@login_required
@require_POST
def event_register(request, slug):
    event = _event(request, slug)
    try:
        registration = services.register_for_event(event, person=request.user)
    except services.CommunicationsError as exc:
        report_errors(request, exc)
    else:
        if registration.status == registration.Status.WAITING:
            messages.success(
                request, _("The event is full: you are on the waiting list. We will e-mail you.")
            )
        else:
            messages.success(request, _("You are registered. A confirmation is on its way."))
    return redirect(event)


@login_required
@require_POST
def event_cancel(request, slug):
    event = _event(request, slug)
    try:
        services.cancel_event_registration(event, person=request.user)
    except services.CommunicationsError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


def _calendar_response(text: str, filename: str, *, download: bool = True) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = _event(request, slug)
    return _calendar_response(exports.event_calendar(event), f"{event.slug}.ics")


@require_GET
def events_ics(request):
    return _calendar_response(
        exports.events_calendar(queries.public_events(), name=_("Events")),
        "events.ics",
        download=False,
    )


@require_GET
def my_events_ics(request, token):
    person = queries.person_of_token(token)
    if person is None:
        raise Http404
    return _calendar_response(
        exports.events_calendar(queries.events_of(person), name=_("My events")),
        "my-events.ics",
        download=False,
    )


@login_required
def my_calendar(request):
    if request.method == "POST":
        token = services.renew_calendar_token(request.user)
        messages.success(request, _("Your calendar has a new address; the old one stops working."))
        return redirect("communications:my-calendar")
    token = services.calendar_token_of(request.user)
    feed = request.build_absolute_uri(reverse("communications:my-events-ics", args=[token.token]))
    return render(
        request,
        "communications/my_calendar.html",
        {"feed": feed, "events": queries.events_of(request.user)},
    )


@login_required
@require_GET
def participants_csv(request, slug):
    event = _event(request, slug)
    if not permissions.can_export_participants(request.user, event):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-participants.csv"'
    exports.write_participants(csv.writer(response), queries.participants(event))
    return response
