"""The secretariat's side: the method, the status, the computation, the publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityloom.core import confirm
from cityloom.core.views import report_errors
from cityloom.study import permissions, queries
from cityloom.study.forms import MethodForm
from cityloom.study.models import Edition
from cityloom.study.services import computation as computing
from cityloom.study.services import editions

from .base import edition_or_404


def _require_run(request, edition):
    if not permissions.can_run_edition(request.user, edition):
        raise PermissionDenied


@login_required
def manage(request, pk):
    edition = edition_or_404(pk)
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
            report_errors(request, exc, form)
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
    edition = edition_or_404(pk)
    try:
        editions.set_status(edition, request.POST.get("status", ""), by=request.user)
    except editions.EditionError as exc:
        report_errors(request, exc)
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
    edition = edition_or_404(pk)
    computing.request_computation(edition, by=request.user)
    messages.success(request, _("The computation has started."))
    return redirect("study:edition-manage", pk=edition.pk)


@login_required
def computation_status(request, pk):
    edition = edition_or_404(pk)
    _require_run(request, edition)
    return render(
        request,
        "study/_computation.html",
        {"edition": edition, "computation": edition.computations.first()},
    )


@login_required
def publish(request, pk):
    """Publishing asks first, on a page that says what becomes public; only its POST acts."""
    edition = edition_or_404(pk)
    _require_run(request, edition)
    if not confirm.is_confirmed(request):
        names = {"edition": edition.display_title, "licence": edition.licence}
        return confirm.page(
            request,
            title=_("Publish the results of %(edition)s?") % names,
            consequences=[
                _(
                    "The ranking, the cities' profiles and the open data of %(edition)s become "
                    "public, under the licence %(licence)s."
                )
                % names,
                _("The edition can no longer change: its values, method and results are final."),
                _("No one is e-mailed."),
            ],
            action=reverse("study:edition-publish", args=[edition.pk]),
            confirm_label=_("Yes, publish the results"),
            cancel_url=reverse("study:edition-manage", args=[edition.pk]),
        )
    try:
        editions.publish_edition(edition, by=request.user)
    except editions.EditionError as exc:
        report_errors(request, exc)
        return redirect("study:edition-manage", pk=edition.pk)
    messages.success(request, _("The results are published."))
    return redirect("study:edition-detail", pk=edition.pk)
