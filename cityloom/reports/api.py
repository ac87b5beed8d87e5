"""`/api/v1/reports/annual/{year}`: the facts of an annual report, in the reader's language."""

from django.http import Http404
from django.utils import translation
from ninja import Field, Router, Schema

from cityloom.core.api import Slug, errors

from . import permissions, queries, services
from .services.facts import AnnualFacts

router = Router(tags=["reports"])


class TextsOut(Schema):
    introduction: str
    relations: str
    conclusion: str
    version: int | None = Field(description="The version of the texts, None when none is written")


class AnnualReportOut(Schema):
    year: int
    language: str = Field(description="The language of labels and texts (from Accept-Language)")
    status: str = Field(description="published, or draft (the commission's secretariat only)")
    texts: TextsOut
    facts: AnnualFacts


@router.get(
    "/reports/annual/{year}",
    response={200: AnnualReportOut, **errors(404, 422)},
    summary="The facts of a commission's annual activity report",
)
def annual_report(request, year: int, commission: Slug | None = None):
    """Every section of the report, each figure with the URL of its source page. Visitors get
    published reports; the commission's secretariat also gets drafts (with the latest texts).
    `commission` is a commission's short name; by default the featured commission."""
    found = queries.commission_by_slug(commission) if commission else queries.default_commission()
    if found is None:
        raise Http404
    try:
        services.check_year(year)
    except services.ReportError:
        raise Http404 from None
    report = queries.report_of(found, year)
    if not permissions.can_see_report(request.user, report, found):
        raise Http404
    draft = permissions.can_manage_report(request.user, found)
    language = (translation.get_language() or "en")[:2]
    content = services.report_content(found, year, language=language, draft=draft)
    return content.as_dict()
