"""A city's questionnaire: typed values with checks, drafts, submission, reopening."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core import uploads
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.study import permissions
from cityloom.study.models import Answer, Edition, Node, Questionnaire, Value, ValueChange

from .plausibility import Comparison, comparison, warnings_for
from .problems import Problem, StudyError

YES = {"yes", "y", "oui", "o", "sí", "si", "s", "1", "true", "vrai", "verdadero"}
NO = {"no", "n", "non", "0", "false", "faux", "falso"}
EVIDENCE = uploads.Policy(
    types=uploads.OFFICE_AND_IMAGES,
    max_bytes=5 * 1024 * 1024,
)


class QuestionnaireError(StudyError):
    """Input that must not be saved: each problem's `where` is the indicator code or answer key."""

    def by_key(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.where, []).append(p.message)
        return out


@dataclass
class Row:
    """What a city typed for one indicator, before checks."""

    value: str = ""
    year: str = ""
    source: str = ""
    note: str = ""
    evidence_url: str = ""
    evidence_file: object = None


@dataclass
class Checked:
    number: float | None = None
    year: int | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    warnings: list[str] = field(default_factory=list)
    evidence: uploads.Checked | None = None


def _normalise_label(text: str) -> str:
    return "".join(text.replace("\u2013", "-").replace("%", "").split()).casefold()


def parse_value(indicator: Node, raw) -> tuple[float | None, str | None]:
    """The number the engine reads for a typed answer, or an error message."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    vt = indicator.value_type
    text = str(raw).strip()
    if vt == Node.ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return float(raw), None
        folded = text.casefold()
        if folded in YES:
            return 1.0, None
        if folded in NO:
            return 0.0, None
        return None, _("Answer yes or no.")
    if vt == Node.ValueType.CATEGORY:
        labels = [_normalise_label(c) for c in indicator.categories]
        if _normalise_label(text) in labels:
            return float(labels.index(_normalise_label(text)) + 1), None
        if text.isdigit() and 1 <= int(text) <= len(labels):
            return float(text), None
        return None, _("Choose one of: %(choices)s.") % {"choices": ", ".join(indicator.categories)}
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    else:
        cleaned = text.replace("\u00a0", "").replace(" ", "").removesuffix("%")
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")  # a decimal comma, as French and Spanish write
        try:
            number = float(cleaned)
        except ValueError:
            return None, _("Enter a number.")
    if not math.isfinite(number):
        return None, _("Enter a number.")
    low, high = indicator.bounds()
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            return None, _("Enter a value between %(low)s and %(high)s.") % {
                "low": f"{low:g}",
                "high": f"{high:g}",
            }
        if low is not None:
            return None, _("Enter a value of at least %(low)s.") % {"low": f"{low:g}"}
        return None, _("Enter a value of at most %(high)s.") % {"high": f"{high:g}"}
    return number, None


def display_value(indicator: Node, number: float | None) -> str:
    """The answer as a person reads and types it (round-trips through `parse_value`)."""
    if number is None:
        return ""
    if indicator.value_type == Node.ValueType.BOOLEAN:
        return _("yes") if number >= 0.5 else _("no")
    if indicator.value_type == Node.ValueType.CATEGORY:
        index = int(number) - 1
        return indicator.categories[index] if 0 <= index < len(indicator.categories) else ""
    return f"{number:g}"


def parse_year(edition: Edition, raw) -> tuple[int | None, str | None]:
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        year = int(float(str(raw).strip()))
    except ValueError:
        return None, _("Enter a year, e.g. %(year)s.") % {"year": edition.year}
    if not edition.year - 10 <= year <= edition.year + 1:
        return None, _("The year must be between %(low)s and %(high)s.") % {
            "low": edition.year - 10,
            "high": edition.year + 1,
        }
    return year, None


def check_row(
    questionnaire: Questionnaire,
    indicator: Node,
    row: Row,
    *,
    compared: Comparison | None = None,
) -> Checked:
    """Every check on one indicator's row: type, range, year, link, file; then warnings.

    `compared` holds the peers and previous values of a whole save, read at once.
    """
    out = Checked()
    out.number, error = parse_value(indicator, row.value)
    if error:
        out.errors.append(("value", error))
    out.year, error = parse_year(questionnaire.edition, row.year)
    if error:
        out.errors.append(("year", error))
    if row.evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(row.evidence_url)
        except ValidationError:
            out.errors.append(
                ("evidence", _("The evidence link must be a web address (https://…)."))
            )
    if len(row.source) > 300:
        out.errors.append(("source", _("The source is longer than 300 characters.")))
    if row.evidence_file is not None:
        try:
            out.evidence = uploads.check(row.evidence_file, EVIDENCE)
        except ValidationError as exc:
            out.errors += [("evidence_file", message) for message in exc.messages]
    if out.number is not None and not out.errors:
        out.warnings = warnings_for(questionnaire, indicator, out.number, compared=compared)
    return out


def missing_core(questionnaire: Questionnaire) -> list[Node]:
    """Core indicators of the edition's framework without a value in this questionnaire."""
    answered = set(
        questionnaire.values.filter(number__isnull=False).values_list("indicator_id", flat=True)
    )
    return [
        n
        for n in questionnaire.edition.framework.nodes.indicators().order_by("position")
        if n.is_core and n.pk not in answered
    ]


VALUE_FIELDS = ("number", "year", "source", "note", "evidence_url")


def _prepare(
    questionnaire, indicator, existing, checked: Checked, row: Row, *, stored: list
) -> tuple[Value, dict, dict] | None:
    """One checked row applied to its value in memory: (value, before, changes), or None when
    nothing changes. The caller writes every row at once.

    A new evidence file's stored name is appended to `stored`, so that the caller can remove
    it if the transaction fails; the file it replaces is removed once the change is committed.
    """
    value = existing or Value(questionnaire=questionnaire, indicator=indicator)
    before = {k: getattr(value, k) for k in VALUE_FIELDS}
    value.number, value.year = checked.number, checked.year
    value.source, value.note, value.evidence_url = (
        row.source.strip(),
        row.note.strip(),
        row.evidence_url,
    )
    changed = {
        k: [before[k], getattr(value, k)] for k in VALUE_FIELDS if before[k] != getattr(value, k)
    }
    if checked.evidence is not None:
        replaced = value.evidence_file.name if value.evidence_file else ""
        changed["evidence_file"] = [value.evidence_name or None, checked.evidence.original_name]
        stored.append(uploads.store(value.evidence_file, row.evidence_file, checked.evidence))
        value.evidence_name = checked.evidence.original_name
        value.evidence_type = checked.evidence.content_type
        if replaced:
            storage = value.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    if not changed or (existing is None and all(v[1] in (None, "") for v in changed.values())):
        return None
    if value.review == Value.Review.RETURNED and "number" in changed:
        value.review = Value.Review.PENDING
    return value, before, changed


def _write(prepared: list[tuple[Value, dict, dict]], *, by, action: str) -> None:
    """Every changed value and its history line, in a fixed number of statements."""
    now = timezone.now()
    new = [value for value, _before, _changed in prepared if value.pk is None]
    old = [value for value, _before, _changed in prepared if value.pk is not None]
    Value.objects.bulk_create(new)
    for value in old:
        value.updated_at = now  # bulk_update skips auto_now
    Value.objects.bulk_update(
        old,
        [
            *VALUE_FIELDS,
            "evidence_file",
            "evidence_name",
            "evidence_type",
            "review",
            "updated_at",
        ],
    )
    ValueChange.objects.bulk_create(
        ValueChange(
            value=value,
            action=action,
            old_number=before["number"],
            new_number=value.number,
            details={k: v for k, v in changed.items() if k != "number"},
            by=by,
        )
        for value, before, changed in prepared
    )


def save_values(
    questionnaire: Questionnaire,
    *,
    by,
    rows: dict[str, Row],
    answers: dict[tuple[int, str], tuple[str, str]] | None = None,
    action: str = ValueChange.Action.EDIT,
    check_only: bool = False,
) -> list[str]:
    """Check every row, then save all of them or none; returns the warnings, one per line.

    `rows` maps indicator codes to what was typed; `answers` maps (axis node id, kind)
    to (text, link). Raises QuestionnaireError with every problem (always, with
    `check_only`, so that a caller with problems of its own can list them all).
    """
    if not permissions.can_edit_questionnaire(by, questionnaire):
        raise PermissionDenied(_("This questionnaire cannot be changed now."))
    indicators = {n.code: n for n in questionnaire.edition.framework.nodes.indicators()}
    existing = {v.indicator.code: v for v in questionnaire.values.select_related("indicator")}
    # Peers and previous values of every row read at once: a fixed number of queries per save.
    compared = comparison(
        questionnaire,
        [
            indicators[code]
            for code in rows
            if code in indicators
            and indicators[code].value_type not in (Node.ValueType.BOOLEAN, Node.ValueType.CATEGORY)
        ],
    )
    errors: list[Problem] = []
    warnings: list[str] = []
    checked: dict[str, Checked] = {}
    for code, row in rows.items():
        indicator = indicators.get(code)
        if indicator is None:
            errors.append(
                Problem(_("Unknown indicator code %(code)s.") % {"code": code}, code, "code")
            )
            continue
        result = check_row(questionnaire, indicator, row, compared=compared)
        value = existing.get(code)
        unchanged = (value.number if value else None) == result.number
        if not unchanged and not permissions.can_edit_value(by, questionnaire, value):
            result.errors.append(
                (
                    "value",
                    _(
                        "This value was submitted and was not returned for correction: it cannot change."
                    ),
                )
            )
        if result.errors:
            errors += [Problem(m, where=code, field=f) for f, m in result.errors]
        else:
            checked[code] = result
            warnings += [f"{code}: {w}" for w in result.warnings]
    answer_rows = []
    for (group_id, kind), (text, link) in (answers or {}).items():
        if link:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except ValidationError:
                errors.append(
                    Problem(
                        _("The link must be a web address (https://…)."),
                        where=f"answer-{group_id}-{kind}",
                        field="link",
                    )
                )
                continue
        answer_rows.append((group_id, kind, text.strip()[:4000], link))
    if errors or check_only:
        raise QuestionnaireError(errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            prepared = []
            for code, result in checked.items():
                if (
                    questionnaire.status == Questionnaire.Status.RETURNED
                    and not permissions.can_edit_value(by, questionnaire, existing.get(code))
                ):
                    continue  # an untouched locked value: nothing to write
                change = _prepare(
                    questionnaire,
                    indicators[code],
                    existing.get(code),
                    result,
                    rows[code],
                    stored=stored,
                )
                if change is not None:
                    prepared.append(change)
            _write(prepared, by=by, action=action)
            groups = (
                set(questionnaire.edition.framework.nodes.top().values_list("pk", flat=True))
                if answer_rows
                else set()
            )
            for group_id, kind, text, link in answer_rows:
                if group_id in groups and kind in Answer.Kind.values:
                    Answer.objects.update_or_create(
                        questionnaire=questionnaire,
                        group_id=group_id,
                        kind=kind,
                        defaults={"text": text, "link": link},
                    )
            Questionnaire.objects.filter(pk=questionnaire.pk).update(updated_at=timezone.now())
    except Exception:
        # Nothing was written: the evidence files stored on the way go too.
        storage = Value._meta.get_field("evidence_file").storage
        for name in stored:
            storage.delete(name)
        raise
    return warnings


def _secretariat_mail(questionnaire: Questionnaire, template: str, **context) -> None:
    email = questionnaire.edition.commission.secretariat_email
    if email:
        queue_mail(
            to=email,
            template=f"study/email/{template}",
            context={
                "city": questionnaire.city.name,
                "edition": questionnaire.edition.title,
                "url": settings.SITE_URL + questionnaire.get_absolute_url(),
                **context,
            },
            language="en",
        )


def submit_questionnaire(questionnaire: Questionnaire, *, by) -> list[Node]:
    """Hand the questionnaire to the secretariat; returns the core indicators left empty."""
    if not permissions.can_edit_questionnaire(by, questionnaire):
        raise PermissionDenied(_("This questionnaire cannot be submitted now."))
    with transaction.atomic():
        questionnaire.status = Questionnaire.Status.SUBMITTED
        questionnaire.submitted_at = timezone.now()
        questionnaire.reopen_requested = ""
        questionnaire.save(
            update_fields=["status", "submitted_at", "reopen_requested", "updated_at"]
        )
        missing = missing_core(questionnaire)
        record(
            "questionnaire.submit", questionnaire, actor=by, missing_core=[n.code for n in missing]
        )
        _secretariat_mail(questionnaire, "submitted")
    return missing


def request_reopening(questionnaire: Questionnaire, *, by, reason: str) -> None:
    if not permissions.can_request_reopening(by, questionnaire):
        raise PermissionDenied(_("Reopening cannot be requested now."))
    reason = reason.strip()[:2000]
    if not reason:
        raise QuestionnaireError(
            [Problem(_("Say what needs to change."), where="reason", field="reason")]
        )
    with transaction.atomic():
        questionnaire.reopen_requested = reason
        questionnaire.save(update_fields=["reopen_requested", "updated_at"])
        record("questionnaire.request_reopening", questionnaire, actor=by, reason=reason)
        _secretariat_mail(questionnaire, "reopen_requested", reason=reason)
