"""What every page of the Study starts from: the edition."""

from django.shortcuts import get_object_or_404

from cityloom.study.models import Edition


def edition_or_404(pk) -> Edition:
    # The snapshot (every input value) is only read to compute and to export, never by a page.
    return get_object_or_404(
        Edition.objects.select_related("framework", "commission", "published_computation").defer(
            "published_computation__snapshot"
        ),
        pk=pk,
    )
