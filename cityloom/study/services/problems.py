"""The errors of the Study's services: one `ServiceError` listing `Problem`s.

Every Study service refuses a request the same way: it raises a subclass of `StudyError`
(itself the core `ServiceError`) with every problem found, so that a person corrects them all
at once. Views report it with `cityloom.core.views.report_errors`; pages that place each
problem (the questionnaire by indicator, the upload by row and column) read `problems`.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cityloom.core.errors import ServiceError

__all__ = ["Problem", "StudyError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong, in the reader's language.

    `where` says what it is about (an indicator code, an answer key, a spreadsheet row, a
    node of a framework file) and `field` which part of it (a form field, a spreadsheet
    column); both are empty for a problem with the whole request.
    """

    message: str
    where: str = ""
    field: str = ""

    def __str__(self) -> str:
        return self.message


class StudyError(ServiceError):
    """A request a Study service refuses; `problems` lists every `Problem`, in order."""

    def __init__(self, problems: Iterable[Problem | str], *, code: str | None = None):
        self.problems = [p if isinstance(p, Problem) else Problem(str(p)) for p in problems]
        super().__init__([ValidationError(p.message, code=code) for p in self.problems])

    def __str__(self) -> str:
        # One line per problem, as the command line and the logs show them.
        return "\n".join(p.message for p in self.problems)
