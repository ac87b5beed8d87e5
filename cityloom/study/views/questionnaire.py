"""A city's questionnaire: filling in, checking, uploading, submitting, reviewing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from cityloom.core import uploads
from cityloom.core.ratelimit import Rate, consume, too_many_requests
from cityloom.core.views import report_errors
from cityloom.study import permissions, queries
from cityloom.study.forms import IndicatorRowForm, QuestionnaireForms, ReopenRequestForm, UploadForm
from cityloom.study.models import Edition, Node, Questionnaire, Value
from cityloom.study.services import review
from cityloom.study.services.questionnaire import (
    Checked,
    QuestionnaireError,
    Row,
    check_row,
    missing_core,
    request_reopening,
    save_values,
    submit_questionnaire,
)
from cityloom.study.services.spreadsheet import (
    SpreadsheetError,
    import_spreadsheet,
    template_csv,
    template_xlsx,
)

from .base import edition_or_404

# The live check answers with a statistic of other cities' values: a person typing asks far
# fewer checks than a script probing it value after value. Counted per account.
CHECK_RATES = (Rate(limit=60, period=60), Rate(limit=600, period=3600))


# Not found rather than forbidden: another city's questionnaire does not exist for this person.
_RULES = {
    "view": permissions.can_view_questionnaire,
    "download_evidence": permissions.can_download_evidence,
}


def _questionnaire_for(
    request, edition_pk: int, geonames_id: int, *, action: str = "view"
) -> tuple[Edition, Questionnaire]:
    """The edition and the city's questionnaire, if this person may `action` it; else 404."""
    edition = edition_or_404(edition_pk)
    q = get_object_or_404(
        Questionnaire.objects.select_related("city", "edition__commission", "edition__framework"),
        edition=edition,
        city__geonames_id=geonames_id,
    )
    if not _RULES[action](request.user, q):
        raise Http404
    return edition, q


@login_required
def questionnaire(request, pk, geonames_id):
    edition, q = _questionnaire_for(request, pk, geonames_id)
    errors = {}
    if request.method == "POST":
        forms = QuestionnaireForms(q, request.POST, request.FILES)
        if forms.is_valid():
            rows, answers = forms.cleaned()
            try:
                warnings = save_values(q, by=request.user, rows=rows, answers=answers)
            except QuestionnaireError as exc:
                errors = exc.by_key()
            except PermissionDenied:
                messages.error(request, _("This questionnaire cannot be changed now."))
                return redirect(q.get_absolute_url())
            else:
                messages.success(request, _("Your draft was saved."))
                for w in warnings:
                    messages.warning(request, w)
                return redirect(q.get_absolute_url())
        else:
            errors = forms.errors()
        messages.error(request, _("Nothing was saved: please correct the values marked below."))
    sections = queries.questionnaire_sections(q, request.user)
    if errors:
        posted = request.POST
        for section in sections:
            for item in section["items"]:
                if "node" in item:
                    item["errors"] = errors.get(item["node"].code, [])
                    item["shown"] = posted.get(f"value-{item['node'].pk}", item["shown"])
    return render(
        request,
        "study/questionnaire.html",
        {
            "edition": edition,
            "q": q,
            "sections": sections,
            "can_edit": permissions.can_edit_questionnaire(request.user, q),
            "can_review": permissions.can_review(request.user, q),
            "can_reopen": permissions.can_run_edition(request.user, edition)
            and q.status != Questionnaire.Status.DRAFT,
            "can_request": permissions.can_request_reopening(request.user, q),
            "missing": missing_core(q),
            "upload_form": UploadForm(),
            "reopen_form": ReopenRequestForm(),
            "upload_errors": request.session.pop(f"upload-errors-{q.pk}", None),
        },
    )


@login_required
@require_POST
def validate_value(request, pk, geonames_id, node_id):
    """Checks while typing (htmx): errors and plausibility warnings for one value."""
    # Every window counts the attempt: a list first, not a short-circuiting generator.
    allowed = [consume("study-check", str(request.user.pk), rate) for rate in CHECK_RATES]
    if not all(allowed):
        return too_many_requests(request)
    edition, q = _questionnaire_for(request, pk, geonames_id)
    node = get_object_or_404(Node, pk=node_id, framework_id=edition.framework_id, is_indicator=True)
    form = IndicatorRowForm(request.POST, prefix=str(node.pk))
    if form.is_valid():
        row = form.row()
        checked = check_row(q, node, Row(value=row.value, year=row.year))
    else:
        checked = Checked(errors=[(f, m) for f, ms in form.errors.items() for m in ms])
    return render(request, "study/_check.html", {"checked": checked, "node": node})


@login_required
@require_safe
def evidence(request, pk, geonames_id, value_id):
    """An evidence file, for the city's people and the edition's secretariat only."""
    _edition, q = _questionnaire_for(request, pk, geonames_id, action="download_evidence")
    value = get_object_or_404(
        Value.objects.select_related("indicator").exclude(evidence_file=""),
        pk=value_id,
        questionnaire=q,
    )
    file_type = uploads.TYPES.get(value.evidence_type, uploads.UNKNOWN)
    return uploads.file_response(
        value.evidence_file,
        content_type=file_type.content_type,
        filename=uploads.download_name(
            value.evidence_name,
            file_type,
            fallback=f"evidence-{q.city.geonames_id}-{value.indicator.code}",
        ),
    )


@login_required
@require_GET
def template(request, pk, geonames_id, fmt):
    edition, q = _questionnaire_for(request, pk, geonames_id)
    name = f"questionnaire-{edition.year}-{q.city.geonames_id}"
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(q),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(template_csv(q), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def upload(request, pk, geonames_id):
    _edition, q = _questionnaire_for(request, pk, geonames_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(q.get_absolute_url())
    f = form.cleaned_data["file"]
    try:
        content = f.read(1024 * 1024 + 1)
        warnings = import_spreadsheet(q, f.name, content, by=request.user)
    except SpreadsheetError as exc:
        # Every problem is listed on the page, by row and column; the message counts them.
        request.session[f"upload-errors-{q.pk}"] = exc.messages
        messages.error(
            request,
            ngettext(
                "The file has %(count)d error; nothing was saved.",
                "The file has %(count)d errors; nothing was saved.",
                len(exc.problems),
            )
            % {"count": len(exc.problems)},
        )
    except PermissionDenied:
        messages.error(request, _("This questionnaire cannot be changed now."))
    else:
        messages.success(request, _("The spreadsheet was imported."))
        for w in warnings:
            messages.warning(request, w)
    return redirect(q.get_absolute_url())


@login_required
@require_POST
def submit(request, pk, geonames_id):
    _edition, q = _questionnaire_for(request, pk, geonames_id)
    try:
        missing = submit_questionnaire(q, by=request.user)
    except PermissionDenied:
        messages.error(request, _("This questionnaire cannot be submitted now."))
    else:
        messages.success(
            request, _("Thank you: the questionnaire was submitted to the secretariat.")
        )
        if missing:
            messages.warning(
                request,
                ngettext(
                    "%(count)d core indicator is still empty: %(codes)s.",
                    "%(count)d core indicators are still empty: %(codes)s.",
                    len(missing),
                )
                % {"count": len(missing), "codes": ", ".join(n.code for n in missing)},
            )
    return redirect(q.get_absolute_url())


@login_required
@require_POST
def request_reopen(request, pk, geonames_id):
    _edition, q = _questionnaire_for(request, pk, geonames_id)
    try:
        request_reopening(q, by=request.user, reason=request.POST.get("reason", ""))
    except QuestionnaireError as exc:
        report_errors(request, exc)
    except PermissionDenied:
        messages.error(request, _("Reopening cannot be requested now."))
    else:
        messages.success(request, _("Your request was sent to the secretariat."))
    return redirect(q.get_absolute_url())


@login_required
@require_POST
def review_questionnaire(request, pk, geonames_id):
    _edition, q = _questionnaire_for(request, pk, geonames_id)
    try:
        if request.POST.get("decision") == "accept":
            review.accept_questionnaire(q, by=request.user)
            messages.success(
                request, _("The questionnaire of %(city)s is accepted.") % {"city": q.city.name}
            )
        elif request.POST.get("decision") == "reopen":
            review.reopen_questionnaire(q, by=request.user)
            messages.success(
                request, _("The questionnaire of %(city)s is open again.") % {"city": q.city.name}
            )
        else:
            comments = {}
            for key, text in request.POST.items():
                if key.startswith("comment-") and key[8:].isdigit():
                    comments[int(key[8:])] = text
            count = review.return_values(q, by=request.user, comments=comments)
            messages.success(
                request,
                ngettext(
                    "%(count)d value was returned to the city.",
                    "%(count)d values were returned to the city.",
                    count,
                )
                % {"count": count},
            )
    except QuestionnaireError as exc:
        report_errors(request, exc)
    except PermissionDenied:
        messages.error(
            request, _("Only the edition's secretariat reviews a submitted questionnaire.")
        )
    return redirect(q.get_absolute_url())


@login_required
def history(request, pk, geonames_id):
    edition, q = _questionnaire_for(request, pk, geonames_id)
    return render(
        request,
        "study/history.html",
        {"edition": edition, "q": q, "changes": queries.value_changes(q)},
    )
