from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityloom.core import charts, uploads
from cityloom.core.axes import Axis
from cityloom.core.errors import ServiceError
from cityloom.core.views import report_errors

from . import permissions, queries, services, trends
from .forms import PeriodForm, PublicationFilterForm, PublicationForm, SourceForm
from .models import Publication, Source


def home(request):
    return render(
        request,
        "observatory/home.html",
        {
            "latest": queries.latest_publications(),
            "can_manage": permissions.can_manage(request.user),
        },
    )


def publication_list(request):
    form = PublicationFilterForm(request.GET or None)
    rows = queries.publications(**form.cleaned_data) if form.is_valid() else queries.publications()
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "observatory/publication_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def publication_detail(request, pk):
    publication = get_object_or_404(queries.publications_in_full(), pk=pk)
    return render(request, "observatory/publication_detail.html", {"publication": publication})


def publication_pdf(request, pk):
    """A publication's PDF, for everyone (the observatory is public), as a download named after
    its title: the secretariat's own file name says nothing to a reader."""
    publication = get_object_or_404(Publication, pk=pk)
    return uploads.file_response(
        publication.pdf,
        content_type=uploads.PDF.content_type,
        filename=uploads.download_name(
            slugify(publication.title)[:80], uploads.PDF, fallback=f"publication-{publication.pk}"
        ),
        private=False,
    )


@login_required
def publication_create(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.add_publication(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            # The upload checks and the PDF reading name no field: their errors belong to the PDF.
            if getattr(exc, "code", None) in ("too_big", "wrong_type", "pdf_unreadable"):
                exc = ServiceError(exc, field="pdf")
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The publication is added."))
            return redirect(publication)
    return render(request, "observatory/publication_form.html", {"form": form})


def _manager(request):
    if not request.user.is_authenticated:
        return None
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    return request.user


@login_required
def source_list(request):
    _manager(request)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.register_source(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            report_errors(request, exc, form)
        else:
            messages.success(request, _("The feed is followed; its first poll is queued."))
            return redirect(source)
    sources = queries.sources()
    for source in sources:
        source.error_text = services.error_message(source)
    return render(request, "observatory/source_list.html", {"sources": sources, "form": form})


@login_required
def source_detail(request, pk):
    _manager(request)
    source = get_object_or_404(Source, pk=pk)
    error = services.error_message(source)
    return render(
        request,
        "observatory/source_detail.html",
        {
            "source": source,
            "error": error,
            "items": queries.latest_items(source),
        },
    )


@login_required
@require_POST
def source_poll(request, pk):
    _manager(request)
    source = get_object_or_404(Source, pk=pk)
    services.request_poll(source, by=request.user)
    messages.success(request, _("A poll of the feed is queued."))
    return redirect(source)


def trends_view(request):
    start, end = trends.default_period()
    form = PeriodForm(request.GET or None)
    bucket = "quarter"
    if form.is_bound and form.is_valid():
        start, end, bucket = (
            form.cleaned_data["start"],
            form.cleaned_data["end"],
            form.cleaned_data["bucket"],
        )
    try:
        result = trends.trends(start, end, bucket)
        if not form.is_bound and not any(any(row) for row in result.axes.values()):
            # Nothing in the last two years: open on the latest two years that have items.
            period = trends.period_with_data(start)
            if period is not None:
                start, end = period
                result = trends.trends(start, end, bucket)
        # The fields show the period the page counts (ISO dates, see forms.DateInput).
        form.initial = {"start": start, "end": end, "bucket": bucket}
    except trends.PeriodError as exc:
        # The form checks order and length; dates the counts cannot reach are refused here.
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        start, end = trends.default_period()
        result = trends.trends(start, end, "quarter")
    axis_labels = dict(Axis.choices)
    axis_series = [(str(axis_labels[a]), values) for a, values in result.axes.items()]
    watch = [
        (
            axis,
            str(axis_labels[axis]),
            topics,
            charts.line_chart(
                result.labels,
                [(label, series) for label, series, _total in topics],
                title=_("Watched topics: %(axis)s") % {"axis": axis_labels[axis]},
                chart_id=f"watch-{axis}",
            ),
        )
        for axis, topics in result.watch.items()
    ]
    return render(
        request,
        "observatory/trends.html",
        {
            "form": form,
            "result": result,
            "axis_rows": axis_series,
            "axis_chart": charts.line_chart(
                result.labels,
                axis_series,
                title=_("Practices and publications per axis"),
                chart_id="axes",
            ),
            "watch": watch,
        },
    )
