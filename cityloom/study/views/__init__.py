"""The Study's pages, by topic; the URLconf reads every view from here."""

from .downloads import download, report, report_pdf
from .manage import computation_status, compute, manage, publish, set_status
from .public import city_result, edition_detail, home
from .questionnaire import (
    CHECK_RATES,
    evidence,
    history,
    questionnaire,
    request_reopen,
    review_questionnaire,
    submit,
    template,
    upload,
    validate_value,
)

__all__ = [
    "CHECK_RATES",
    "city_result",
    "computation_status",
    "compute",
    "download",
    "edition_detail",
    "evidence",
    "history",
    "home",
    "manage",
    "publish",
    "questionnaire",
    "report",
    "report_pdf",
    "request_reopen",
    "review_questionnaire",
    "set_status",
    "submit",
    "template",
    "upload",
    "validate_value",
]
