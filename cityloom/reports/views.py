from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityloom.core import documents
from cityloom.core.views import report_errors

from . import permissions, queries, services
from .forms import TextsForm
from .models import AnnualReport


def _commission(slug: str):
    commission = queries.commission_by_slug(slug)
    if commission is None:
        raise Http404
    return commission


def _year(year: int) -> int:
    try:
        return services.check_year(year)
    except services.ReportError:
        raise Http404 from None


def _language() -> str:
    return (translation.get_language() or "en")[:2]


def report_index(request):
    commission = queries.default_commission()
    if commission is None:
        raise Http404
    return redirect("reports:report-list", commission.slug)


def report_list(request, commission):
    commission = _commission(commission)
    can_manage = permissions.can_manage_report(request.user, commission)
    return render(
        request,
        "reports/report_list.html",
        {
            "commission": commission,
            "reports": queries.reports_of(commission, drafts=can_manage),
            "can_manage": can_manage,
            "years": services.report_years(commission) if can_manage else [],
        },
    )


def report_detail(request, commission, year):
    commission = _commission(commission)
    year = _year(year)
    report = queries.report_of(commission, year)
    if not permissions.can_see_report(request.user, report, commission):
        raise Http404
    can_manage = permissions.can_manage_report(request.user, commission)
    # The secretariat reads the draft (latest texts); everyone else the published report.
    draft = can_manage and request.GET.get("view") != "published"
    content = services.report_content(commission, year, language=_language(), draft=draft)
    return render(
        request,
        "reports/report_detail.html",
        {
            "commission": commission,
            "report": report,
            "content": content,
            "facts": content.facts,
            "can_manage": can_manage,
            "is_draft": draft,
        },
    )


@login_required
def report_edit(request, commission, year):
    commission = _commission(commission)
    year = _year(year)
    if not permissions.can_manage_report(request.user, commission):
        raise PermissionDenied
    report = queries.report_of(commission, year)
    language = request.POST.get("language") or request.GET.get("language") or _language()
    current = queries.current_texts(report, language, published=False)
    initial = {"language": language}
    if current is not None:
        initial.update(
            introduction=current.introduction,
            relations=current.relations,
            conclusion=current.conclusion,
        )
    form = TextsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = services.save_texts(commission, year, by=request.user, **form.cleaned_data)
        except services.ReportError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(
                request,
                _("The texts were saved as version %(number)s.") % {"number": text.number},
            )
            return redirect("reports:report-detail", commission.slug, year)
    return render(
        request,
        "reports/report_form.html",
        {
            "commission": commission,
            "year": year,
            "form": form,
            "versions": queries.text_versions(report, language),
            "language": language,
        },
    )


@require_POST
@login_required
def report_publish(request, commission, year):
    commission = _commission(commission)
    year = _year(year)
    if not permissions.can_publish_report(request.user, commission):
        raise PermissionDenied
    try:
        services.publish_report(commission, year, by=request.user)
    except services.ReportError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The report of %(year)s is published.") % {"year": year})
    return redirect("reports:report-detail", commission.slug, year)


def report_pdf(request, commission, year):
    """The stored PDF, or a page saying it is being prepared: a request never renders it."""
    commission = _commission(commission)
    year = _year(year)
    draft = request.GET.get("draft") == "1"
    if draft and not permissions.can_manage_report(request.user, commission):
        raise Http404
    language = _language()
    try:
        document = services.request_pdf(
            commission, year, language=language, draft=draft, by=request.user
        )
    except AnnualReport.DoesNotExist:
        raise Http404 from None
    return documents.document_response(
        request,
        document,
        filename=f"{commission.slug}-report-{year}-{language}.pdf",
        title=_("Activity report %(year)s (PDF)") % {"year": year},
        back_url=reverse("reports:report-detail", args=[commission.slug, year]),
        private=draft,
    )
