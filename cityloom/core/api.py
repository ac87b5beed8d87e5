"""What every router of `/api/v1/` shares: bounded pagination, bounded search text, error bodies.

Bounds live in the schemas, so the OpenAPI document states them and a value outside them is a
422 before any query runs (an offset of 2**63 once reached the database and came back a 500).
"""

from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100
# Far past the largest table (34,000 cities), far below the 64-bit integers databases take.
MAX_OFFSET = 1_000_000
# The same cap as the search forms of the pages.
MAX_SEARCH_LENGTH = 200

# PostgreSQL text cannot hold NUL (a query with one fails); Django's form fields refuse it, and
# so does every string the API reads.
NO_NUL = r"^[^\x00]*$"


def text(max_length: int, description: str = "") -> Any:
    """A string parameter: `max_length` characters at most, no NUL."""
    return Field(max_length=max_length, pattern=NO_NUL, description=description)


SearchText = Annotated[str, text(MAX_SEARCH_LENGTH, "Words to search, 200 characters at most.")]
CountryCode = Annotated[str, text(2, "ISO 3166 country code")]
LanguageCode = Annotated[str, text(7, "Language code, such as en")]
Slug = Annotated[str, Field(max_length=100, pattern=r"^[-a-zA-Z0-9_]+$")]
# The languages the platform speaks, for fields that choose among them.
Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Pydantic's list of errors: where (`loc`), what (`msg`), and its `type`."""

    detail: list[dict[str, Any]]


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The documented error answers of an operation, to merge into its `response=`."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")
