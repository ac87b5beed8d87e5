from pathlib import Path
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from cityloom.core import uploads
from cityloom.core.pdf import html_to_pdf
from cityloom.core.ratelimit import Rate, consume, too_many_requests
from cityloom.network.models import City

from . import charts, exports, permissions, queries
from .forms import MethodForm, RankingFilterForm, ReopenRequestForm, UploadForm
from .models import Edition, Node, Questionnaire, Value
from .services import computation as computing
from .services import editions, review
from .services.questionnaire import (
    QuestionnaireError,
    Row,
    check_row,
    display_value,
    missing_core,
    request_reopening,
    save_values,
    submit_questionnaire,
)
from .services.spreadsheet import SpreadsheetError, import_spreadsheet, template_csv, template_xlsx

PRINT_CSS = Path(__file__).parent / "static" / "study" / "report-print.css"
# The live check answers with a statistic of other cities' values: a person typing asks far
# fewer checks than a script probing it value after value. Counted per account.
CHECK_RATES = (Rate(limit=60, period=60), Rate(limit=600, period=3600))


def _edition(pk) -> Edition:
    # The snapshot (every input value) is only read to compute and to export, never by a page.
    return get_object_or_404(
        Edition.objects.select_related("framework", "commission", "published_computation").defer(
            "published_computation__snapshot"
        ),
        pk=pk,
    )


def _questionnaire(edition: Edition, geonames_id: int) -> Questionnaire:
    return get_object_or_404(
        Questionnaire.objects.select_related("city", "edition__commission", "edition__framework"),
        edition=edition,
        city__geonames_id=geonames_id,
    )


def home(request):
    my = []
    if request.user.is_authenticated and request.user.city_id:
        my = list(
            Questionnaire.objects.filter(city_id=request.user.city_id)
            .exclude(edition__status=Edition.Status.DRAFT)
            .select_related("edition", "city")
            .order_by("-edition__year")
        )
    return render(
        request, "study/home.html", {"editions": queries.editions_for(request.user), "mine": my}
    )


def _results_context(request, edition: Edition):
    can_run = permissions.can_run_edition(request.user, edition)
    preview = not edition.is_published
    computation = queries.results_computation(edition, preview=preview)
    if computation is None or (preview and not can_run):
        return None
    structure = queries.Structure.of(computation)
    return {
        "computation": computation,
        "structure": structure,
        "preview": preview,
        "can_run": can_run,
    }


def edition_detail(request, pk):
    edition = _edition(pk)
    can_run = permissions.can_run_edition(request.user, edition)
    if not edition.is_published and not can_run:
        raise Http404
    context = {"edition": edition, "can_run": can_run}
    results = _results_context(request, edition)
    if results:
        context.update(results)
        structure = results["structure"]
        form = RankingFilterForm(request.GET or None, auto_id="f-%s")
        filters = form.cleaned_data if form.is_valid() else {}
        sort = filters.get("sort") or "overall"
        if sort != "overall" and sort not in {g["code"] for g in structure.top}:
            sort = "overall"
        rows = queries.ranking(
            results["computation"],
            region=filters.get("region", ""),
            size=filters.get("size", ""),
            sort=sort,
        )
        top = [g["code"] for g in structure.top]
        low, high = queries.score_range(rows, top)
        distributions = charts.strips(
            [
                (
                    queries.label(g),
                    queries.axis_scores(rows, g["code"]),
                    None,
                )
                for g in structure.top
            ],
            label=_("Distribution of the scores per axis"),
            low=low,
            high=high,
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            rows=rows,
            page=page,
            query=query.urlencode(),
            sort=sort,
            sort_label=queries.label(structure.groups[sort]) if sort != "overall" else "",
            top=[(g["code"], queries.label(g)) for g in structure.top],
            distributions=distributions,
            notes=[computing.describe(n) for n in results["computation"].notes],
            shares=[
                {
                    **s,
                    "chart": charts.share_bar(
                        s["lines"][0]["shares"], label=s["question"].display_name
                    ),
                }
                for s in queries.answer_shares(edition)
                if s["lines"]
            ],
        )
    return render(request, "study/edition_detail.html", context)


def city_result(request, pk, geonames_id):
    edition = _edition(pk)
    results = _results_context(request, edition)
    if results is None:
        raise Http404
    city = get_object_or_404(City, geonames_id=geonames_id)
    computation = results["computation"]
    result = get_object_or_404(computation.results.select_related("city"), city=city)
    structure = results["structure"]
    all_rows = [
        SimpleNamespace(score=score, axes=axes)
        for score, axes in computation.results.values_list("score", "axes")
    ]
    top = structure.top
    low, high = queries.score_range(all_rows, [g["code"] for g in top])
    means = []
    for g in top:
        values = queries.axis_scores(all_rows, g["code"])
        means.append(sum(values) / len(values) if values else None)
    axis_labels = [queries.label(g) for g in top]
    radar = charts.radar(
        axis_labels,
        [
            (city.name, [result.groups.get(g["code"]) for g in top]),
            (_("Average of the cities"), means),
        ],
        label=_("Scores of %(city)s on each axis") % {"city": city.name},
        low=low,
        high=high,
    )
    axes = []
    for g, mean in zip(top, means, strict=True):
        factors = [
            (queries.label(f), result.groups.get(f["code"]), result.group_ranks.get(f["code"]))
            for f in structure.children.get(g["code"], [])
        ]
        axes.append(
            {
                "code": g["code"],
                "label": queries.label(g),
                "score": result.groups.get(g["code"]),
                "rank": result.group_ranks.get(g["code"]),
                "mean": mean,
                "factors": factors,
                "chart": charts.bars(
                    [(f[0], f[1]) for f in factors], label=queries.label(g), low=low, high=high
                )
                if factors
                else None,
            }
        )
    distribution = charts.strips(
        [
            (
                queries.label(g),
                queries.axis_scores(all_rows, g["code"]),
                result.groups.get(g["code"]),
            )
            for g in top
        ],
        label=_("%(city)s among the other cities, per axis") % {"city": city.name},
        low=low,
        high=high,
    )
    change = queries.progress(result)
    progress_rows = []
    trajectory = queries.trajectory(edition, city.pk)
    trajectory_chart = None
    if change is not None:
        progress_rows = [(_("Overall"), change.get(""))] + [
            (queries.label(g), change.get(g["code"])) for g in top if g["code"] in change
        ]
    if trajectory:
        years = [y for y, _s in trajectory["points"]]
        series = [(_("Overall"), [p.get("") for _y, p in trajectory["points"]])] + [
            (queries.label(g), [p.get(g["code"]) for _y, p in trajectory["points"]]) for g in top
        ]
        trajectory_chart = charts.trajectory(
            years, series, label=_("Trajectory of %(city)s across editions") % {"city": city.name}
        )
        trajectory["series"] = series
        trajectory["years"] = years
    return render(
        request,
        "study/city_result.html",
        {
            "edition": edition,
            "city": city,
            "result": result,
            "radar": radar,
            "radar_rows": list(
                zip(axis_labels, [result.groups.get(g["code"]) for g in top], means, strict=True)
            ),
            "axes": axes,
            "distribution": distribution,
            "progress_rows": progress_rows,
            "base_year": (result.comparable or {}).get("base_year"),
            "basis": computation.comparable_basis,
            "trajectory": trajectory,
            "trajectory_chart": trajectory_chart,
            "n_cities": len(all_rows),
            **results,
        },
    )


@require_GET
def download(request, pk, fmt):
    edition = _edition(pk)
    if not edition.is_published:
        raise Http404
    computation = edition.published_computation
    name = f"smart-cities-study-{edition.year}"
    if fmt == "csv":
        response = HttpResponse(
            exports.as_csv(edition, computation), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(edition, computation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "json":
        response = HttpResponse(
            exports.as_json(edition, computation), content_type="application/json"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# The secretariat's side


def _require_run(request, edition):
    if not permissions.can_run_edition(request.user, edition):
        raise PermissionDenied


@login_required
def manage(request, pk):
    edition = _edition(pk)
    _require_run(request, edition)
    form = MethodForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            editions.update_method(
                edition,
                by=request.user,
                pipeline=form.pipeline(),
                uncertainty=form.uncertainty(),
                base_edition=form.cleaned_data["base_edition"],
                calendar=form.calendar(),
            )
        except editions.EditionError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The method was saved."))
            return redirect("study:edition-manage", pk=edition.pk)
    return render(
        request,
        "study/edition_manage.html",
        {
            "edition": edition,
            "form": form,
            "completeness": queries.completeness(edition),
            "computation": edition.computations.first(),
            "transitions": sorted(editions.TRANSITIONS.get(edition.status, ())),
            "status_labels": dict(Edition.Status.choices),
        },
    )


@login_required
@require_POST
def set_status(request, pk):
    edition = _edition(pk)
    try:
        editions.set_status(edition, request.POST.get("status", ""), by=request.user)
    except editions.EditionError as exc:
        messages.error(request, " ".join(exc.problems))
    except ValueError:
        messages.error(request, _("Unknown status."))
    else:
        messages.success(
            request, _("The edition is now %(status)s.") % {"status": edition.get_status_display()}
        )
    return redirect("study:edition-manage", pk=edition.pk)


@login_required
@require_POST
def compute(request, pk):
    edition = _edition(pk)
    computing.request_computation(edition, by=request.user)
    messages.success(request, _("The computation has started."))
    return redirect("study:edition-manage", pk=edition.pk)


@login_required
def computation_status(request, pk):
    edition = _edition(pk)
    _require_run(request, edition)
    return render(
        request,
        "study/_computation.html",
        {"edition": edition, "computation": edition.computations.first()},
    )


@login_required
@require_POST
def publish(request, pk):
    edition = _edition(pk)
    try:
        editions.publish_edition(edition, by=request.user)
    except editions.EditionError as exc:
        messages.error(request, " ".join(exc.problems))
        return redirect("study:edition-manage", pk=edition.pk)
    messages.success(request, _("The results are published."))
    return redirect("study:edition-detail", pk=edition.pk)


# The questionnaire


def _rows(questionnaire: Questionnaire, user):
    """Indicators grouped by axis, with the city's values and what may be changed."""
    nodes = list(questionnaire.edition.framework.nodes.order_by("position"))
    values = {v.indicator_id: v for v in questionnaire.values.all()}
    answers = {(a.group_id, a.kind): a for a in questionnaire.answers.all()}
    by_parent: dict = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)
    sections = []

    def walk(node, depth, items):
        for child in by_parent.get(node.pk, []):
            if child.is_indicator:
                value = values.get(child.pk)
                items.append(
                    {
                        "node": child,
                        "value": value,
                        "shown": display_value(child, value.number) if value else "",
                        "editable": permissions.can_edit_value(user, questionnaire, value),
                    }
                )
            else:
                items.append({"heading": child, "depth": depth})
                walk(child, depth + 1, items)

    for top in by_parent.get(None, []):
        items: list = []
        walk(top, 0, items)
        sections.append(
            {
                "axis": top,
                "items": items,
                "actions": answers.get((top.pk, "actions")),
                "experience": answers.get((top.pk, "experience")),
            }
        )
    return sections


def _posted_rows(request, questionnaire) -> tuple[dict, dict]:
    rows, answers = {}, {}
    for n in questionnaire.edition.framework.nodes.all():
        if n.is_indicator and f"value-{n.pk}" in request.POST:
            rows[n.code] = Row(
                value=request.POST.get(f"value-{n.pk}", ""),
                year=request.POST.get(f"year-{n.pk}", ""),
                source=request.POST.get(f"source-{n.pk}", ""),
                note=request.POST.get(f"note-{n.pk}", ""),
                evidence_url=request.POST.get(f"url-{n.pk}", "").strip(),
                evidence_file=request.FILES.get(f"file-{n.pk}"),
            )
        elif n.parent_id is None:
            for kind in ("actions", "experience"):
                if f"answer-{n.pk}-{kind}" in request.POST:
                    answers[(n.pk, kind)] = (
                        request.POST.get(f"answer-{n.pk}-{kind}", ""),
                        request.POST.get(f"link-{n.pk}-{kind}", "").strip(),
                    )
    return rows, answers


@login_required
def questionnaire(request, pk, geonames_id):
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404  # another city's questionnaire does not exist for this person
    errors = {}
    if request.method == "POST":
        rows, answers = _posted_rows(request, q)
        try:
            warnings = save_values(q, by=request.user, rows=rows, answers=answers)
        except QuestionnaireError as exc:
            errors = exc.by_key()
            messages.error(request, _("Nothing was saved: please correct the values marked below."))
        except PermissionDenied:
            messages.error(request, _("This questionnaire cannot be changed now."))
            return redirect(q.get_absolute_url())
        else:
            messages.success(request, _("Your draft was saved."))
            for w in warnings:
                messages.warning(request, w)
            return redirect(q.get_absolute_url())
    sections = _rows(q, request.user)
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
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
    node = get_object_or_404(Node, pk=node_id, framework_id=edition.framework_id, is_indicator=True)
    checked = check_row(
        q,
        node,
        Row(
            value=request.POST.get(f"value-{node.pk}", ""),
            year=request.POST.get(f"year-{node.pk}", ""),
        ),
    )
    return render(request, "study/_check.html", {"checked": checked, "node": node})


@login_required
@require_safe
def evidence(request, pk, geonames_id, value_id):
    """An evidence file, for the city's people and the edition's secretariat only."""
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_download_evidence(request.user, q):
        raise Http404  # another city's evidence does not exist for this person
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
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
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
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(q.get_absolute_url())
    f = form.cleaned_data["file"]
    try:
        content = f.read(1024 * 1024 + 1)
        warnings = import_spreadsheet(q, f.name, content, by=request.user)
    except SpreadsheetError as exc:
        request.session[f"upload-errors-{q.pk}"] = [str(e) for e in exc.errors]
        messages.error(
            request,
            ngettext(
                "The file has %(count)d error; nothing was saved.",
                "The file has %(count)d errors; nothing was saved.",
                len(exc.errors),
            )
            % {"count": len(exc.errors)},
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
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
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
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
    try:
        request_reopening(q, by=request.user, reason=request.POST.get("reason", ""))
    except QuestionnaireError as exc:
        messages.error(request, " ".join(m for _k, _f, m in exc.problems))
    except PermissionDenied:
        messages.error(request, _("Reopening cannot be requested now."))
    else:
        messages.success(request, _("Your request was sent to the secretariat."))
    return redirect(q.get_absolute_url())


@login_required
@require_POST
def review_questionnaire(request, pk, geonames_id):
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
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
        messages.error(request, " ".join(m for _k, _f, m in exc.problems))
    except PermissionDenied:
        messages.error(
            request, _("Only the edition's secretariat reviews a submitted questionnaire.")
        )
    return redirect(q.get_absolute_url())


@login_required
def history(request, pk, geonames_id):
    edition = _edition(pk)
    q = _questionnaire(edition, geonames_id)
    if not permissions.can_view_questionnaire(request.user, q):
        raise Http404
    from .models import ValueChange

    changes = ValueChange.objects.filter(value__questionnaire=q).select_related(
        "value__indicator", "by"
    )
    return render(request, "study/history.html", {"edition": edition, "q": q, "changes": changes})


def report(request, pk):
    edition = _edition(pk)
    if not edition.is_published:
        raise Http404
    from .report import report_context

    return render(request, "study/report.html", report_context(edition))


def report_pdf(request, pk):
    edition = _edition(pk)
    if not edition.is_published:
        raise Http404
    from .report import report_context

    html = render_to_string("study/report_print.html", report_context(edition), request=request)
    pdf = html_to_pdf(html, stylesheet=PRINT_CSS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="smart-cities-study-{edition.year}.pdf"'
    return response
