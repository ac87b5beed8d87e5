"""One representation for "several of a fixed set of codes": several axes, several languages.

`ChoicesListField` stores a JSON list of codes (`["economy", "people"]`), checks every code
against its choices, and is queried with real lookups that compare whole elements:

    Publication.objects.filter(axes__has="economy")
    Publication.objects.filter(axes__has_any=["economy", "people"])

`axes__icontains='"economy"'` matched inside the JSON text; these lookups ask the database
for list membership (`json_each` on SQLite, `@>` and `?|` on PostgreSQL), so "eco" never
matches "economy". A field that holds one axis (a practice, a meeting) stays a CharField
with `choices=Axis`.

The model gains `get_<name>_labels()` (the codes' names in the reader's language, in order)
and `get_<name>_display()` (those names joined by commas), like Django's `get_FOO_display`.
"""

import json
from collections.abc import Callable, Iterable, Sequence

from django import forms
from django.core import exceptions
from django.db import NotSupportedError, models
from django.db.models import Lookup
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

Choices = Sequence[tuple[str, str]]


def _pairs(choices) -> list[tuple[str, str]]:
    """(code, label) pairs of an enum of choices, a callable returning pairs, or pairs."""
    if isinstance(choices, type) and issubclass(choices, models.Choices):
        return list(choices.choices)
    if callable(choices):
        return list(choices())
    return list(choices)


class ChoicesListFormField(forms.MultipleChoiceField):
    """Several codes among the choices, returned without repeats in a stable order."""

    def __init__(self, *, ordered: bool = True, **kwargs):
        self.ordered = ordered
        super().__init__(**kwargs)

    def clean(self, value):
        codes = list(dict.fromkeys(super().clean(value)))
        if self.ordered:
            position = {str(code): i for i, (code, _label) in enumerate(self.choices)}
            codes.sort(key=lambda code: position.get(code, len(position)))
        return codes


class ChoicesListField(models.JSONField):
    """A list of distinct codes, each one of `choices`.

    `choices` is a `TextChoices` class, a list of (code, label) pairs, or a callable returning
    them when labels depend on the reader's language (`core.languages.language_choices`).
    With `ordered` (the default) the list is stored in the order of the choices, so equal
    sets are equal lists; without it the order given is kept (a city's main language first).
    `widget` is the form widget: checkboxes by default, a multiple select for long lists.
    """

    description = _("A list of codes from given choices")
    # Changing the choices or their order never changes the column.
    non_db_attrs = (*models.JSONField.non_db_attrs, "ordered")
    default_error_messages = {
        # Django's own messages, already translated in every language the platform speaks.
        "invalid_list": forms.MultipleChoiceField.default_error_messages["invalid_list"],
        "invalid_choice": models.Field.default_error_messages["invalid_choice"],
        "duplicate": _("“%(value)s” is listed more than once."),
    }

    def __init__(
        self,
        *args,
        choices: type[models.Choices] | Choices | Callable[[], Choices],
        ordered: bool = True,
        widget: type[forms.Widget] = forms.CheckboxSelectMultiple,
        **kwargs,
    ):
        self.member_choices = choices
        self.ordered = ordered
        self.widget = widget
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.member_choices
        if not self.ordered:
            kwargs["ordered"] = False
        # The widget is presentation, not schema: migrations leave it out.
        return name, path, args, kwargs

    def pairs(self) -> list[tuple[str, str]]:
        return _pairs(self.member_choices)

    def codes(self) -> list[str]:
        return [code for code, _label in self.pairs()]

    def normalise(self, value: Iterable[str]) -> list[str]:
        """Repeats dropped; in the choices' order when `ordered` (unknown codes last)."""
        codes = list(dict.fromkeys(value))
        if self.ordered:
            position = {code: i for i, code in enumerate(self.codes())}
            codes.sort(key=lambda code: position.get(code, len(position)))
        return codes

    def labels(self, value: Iterable[str]) -> list[str]:
        names = dict(self.pairs())
        return [str(names.get(code, code)) for code in value]

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        field = self

        def get_labels(instance) -> list[str]:
            return field.labels(getattr(instance, field.attname) or [])

        def get_display(instance) -> str:
            return ", ".join(get_labels(instance))

        # The admin's column title when `get_<name>_display` is in list_display.
        get_display.short_description = self.verbose_name
        setattr(cls, f"get_{name}_labels", get_labels)
        setattr(cls, f"get_{name}_display", get_display)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, list | tuple):
            value = self.normalise(value)
            setattr(model_instance, self.attname, value)
        return value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list | tuple):
            raise exceptions.ValidationError(self.error_messages["invalid_list"], "invalid_list")
        known = set(self.codes())
        seen = set()
        for code in value:
            if not isinstance(code, str) or code not in known:
                raise exceptions.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": code},
                )
            if code in seen:
                raise exceptions.ValidationError(
                    self.error_messages["duplicate"], code="duplicate", params={"value": code}
                )
            seen.add(code)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": ChoicesListFormField,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
            "choices": self.pairs if callable(self.member_choices) else self.pairs(),
            "widget": self.widget,
            "ordered": self.ordered,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        # JSONField.formfield would force its own form class; build ours directly.
        return form_class(**defaults)


class _MembershipLookup(Lookup):
    """Whole-element membership in a JSON list of strings, written per database."""

    # The right-hand side is a plain code (or codes), never JSON-encoded by the field.
    prepare_rhs = False

    def codes(self) -> list[str]:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        raise NotSupportedError(
            f"The {self.lookup_name} lookup is written for SQLite and PostgreSQL only."
        )


@ChoicesListField.register_lookup
class Has(_MembershipLookup):
    """`axes__has="economy"`: the list holds this code."""

    lookup_name = "has"

    def codes(self) -> list[str]:
        if not isinstance(self.rhs, str):
            raise TypeError(f"{self.lookup_name} takes one code, not {self.rhs!r}.")
        return [self.rhs]

    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)"
        return sql, (*params, *self.codes())

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"({lhs} @> %s::jsonb)", (*params, json.dumps(self.codes()))


@ChoicesListField.register_lookup
class HasAny(_MembershipLookup):
    """`axes__has_any=["economy", "people"]`: the list holds at least one of these codes."""

    lookup_name = "has_any"

    def codes(self) -> list[str]:
        if isinstance(self.rhs, str) or not all(isinstance(c, str) for c in self.rhs):
            raise TypeError(f"{self.lookup_name} takes a list of codes, not {self.rhs!r}.")
        return list(self.rhs)

    def as_sqlite(self, compiler, connection):
        codes = self.codes()
        if not codes:
            return "0 = 1", ()
        lhs, params = self.process_lhs(compiler, connection)
        marks = ", ".join(["%s"] * len(codes))
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({marks}))"
        return sql, (*params, *codes)

    def as_postgresql(self, compiler, connection):
        codes = self.codes()
        if not codes:
            return "1 = 0", ()
        lhs, params = self.process_lhs(compiler, connection)
        return f"({lhs} ?| %s::text[])", (*params, codes)


def comma_separated_to_list(model_label: str, old: str, new: str):
    """RunPython functions copying `"es,eu"` in `old` to `["es", "eu"]` in `new`, and back.

    For the data migrations that replaced comma-separated codes by a `ChoicesListField`:
    every code is kept (even one the choices no longer offer), order included; "" is [].
    """

    def forwards(apps, schema_editor):
        model = apps.get_model(model_label)
        rows = list(model.objects.only("pk", old))
        for row in rows:
            codes = (code.strip() for code in getattr(row, old).split(","))
            setattr(row, new, list(dict.fromkeys(code for code in codes if code)))
        model.objects.bulk_update(rows, [new], batch_size=500)

    def backwards(apps, schema_editor):
        model = apps.get_model(model_label)
        rows = list(model.objects.only("pk", new))
        for row in rows:
            setattr(row, old, ",".join(getattr(row, new) or []))
        model.objects.bulk_update(rows, [old], batch_size=500)

    return forwards, backwards
