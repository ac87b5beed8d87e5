"""The published results: editions, rankings, a city's profile."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cityloom.network.models import City
from cityloom.study import permissions, queries
from cityloom.study.forms import RankingFilterForm
from cityloom.study.models import Edition

from .base import edition_or_404


def home(request):
    my = []
    if request.user.is_authenticated and request.user.city_id:
        my = queries.questionnaires_of_city(request.user.city_id)
    return render(
        request, "study/home.html", {"editions": queries.editions_for(request.user), "mine": my}
    )


def _results_context(request, edition: Edition):
    """The computation shown: the published one, or the secretariat's preview; None if none."""
    can_run = permissions.can_run_edition(request.user, edition)
    preview = not edition.is_published
    computation = queries.results_computation(edition, preview=preview)
    if computation is None or (preview and not can_run):
        return None
    return {
        "computation": computation,
        "structure": queries.Structure.of(computation),
        "preview": preview,
        "can_run": can_run,
    }


def edition_detail(request, pk):
    edition = edition_or_404(pk)
    can_run = permissions.can_run_edition(request.user, edition)
    if not edition.is_published and not can_run:
        raise Http404
    context = {"edition": edition, "can_run": can_run}
    results = _results_context(request, edition)
    if results:
        form = RankingFilterForm(request.GET or None, auto_id="f-%s")
        filters = form.cleaned_data if form.is_valid() else {}
        shown = queries.edition_results(
            edition,
            results["computation"],
            results["structure"],
            region=filters.get("region", ""),
            size=filters.get("size", ""),
            sort=filters.get("sort", ""),
        )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            results,
            **vars(shown),
            form=form,
            page=Paginator(shown.rows, 50).get_page(request.GET.get("page")),
            query=query.urlencode(),
        )
    return render(request, "study/edition_detail.html", context)


def city_result(request, pk, geonames_id):
    edition = edition_or_404(pk)
    results = _results_context(request, edition)
    if results is None:
        raise Http404
    city = get_object_or_404(City, geonames_id=geonames_id)
    profile = queries.city_profile(edition, results["computation"], results["structure"], city)
    if profile is None:
        raise Http404
    return render(
        request,
        "study/city_result.html",
        {"edition": edition, "city": city, **vars(profile), **results},
    )
