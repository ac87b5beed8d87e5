"""The demo network, loaded from data files: `cityloom/<app>/demo/*.yaml`.

Every installed cityloom app may keep data files in its `demo/` folder. A file is a mapping:

```yaml
depends_on: [network]            # apps whose demo rows this file refers to
natural_keys:                    # how a scalar names a row of a model (merged over all files)
  network.City: geonames_id
accounts:                        # printed by `cityloom load_demo`: e-mail -> what the account is
  focal.bilbao@cityloom.demo: focal point of Bilbao
records:
  - model: network.Membership    # rows of one model...
    key: [city, commission]      # ...found by these fields, created when missing, else updated
    defaults: {status: active}   # optional: merged under every row
    initial: {}                  # optional: only when the row is created (steps move it on)
    rows:
      - {city: 3128026, commission: digital-cities, joined_on: 2005-01-15}
  - step: meetings.services.optimise_grid   # or a named step, `cityloom.` + dotted path
    args: {meeting: {ref: meetings.Meeting, slug: bordeaux-2013-smart-economy}}
    unless: {model: meetings.Meeting, slug: bordeaux-2013-smart-economy, status: published}
```

Values: a foreign key is the related row's natural key (`3128026`, `digital-cities`) or a
lookup mapping (`{meeting: bordeaux-2013-smart-economy, title: ...}`, resolved the same way); a
many-to-many field is a list of them; a multi-valued field is a YAML list (joined with "," when
the field is still a CharField). The demo's account of time is explicit: the history has
absolute dates (`2013-05-31`, `2013-05-31T10:00:00+02:00`), the present-day layer a relative
form, `{days_from_today: 30}` (a date, or that day at `at: "18:00"` UTC for a date-time).
The stamps a model sets itself are data too: a row's `created_at` (`auto_now_add`) is written as
given, and its `updated_at` (`auto_now`), unless given, is its `created_at` when the row is
created. A history row without them would carry the day the demo was loaded: give them.
`password` is set, hashed, when the row is created only. In step arguments, `{ref: model,
...lookup}` is one row and `{refs: model, field: [values]}` the rows in that order.

Apps load in the order their files depend on each other, each app in one transaction; loading
twice changes nothing. Core imports no app: models come from the app registry and steps by
their dotted path.
"""

import dataclasses
import datetime as dt
import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone

RELATIVE = "days_from_today"
DEMO_PASSWORD = "cityloom-demo"  # every demo account's, as the data files set it


class _Yaml(yaml.SafeLoader):
    """YAML with the booleans of YAML 1.2: `on`, `off`, `yes`, `no` stay words (a field `on`)."""


_Yaml.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class DemoDataError(Exception):
    """A data file that cannot be loaded: the message names the file and the record."""


@dataclasses.dataclass
class DemoFile:
    app: str
    path: Path
    depends_on: list[str]
    natural_keys: dict[str, str]
    accounts: dict[str, str]
    records: list[dict]


@dataclasses.dataclass
class Loaded:
    accounts: dict[str, str] = dataclasses.field(default_factory=dict)
    created: int = 0
    updated: int = 0
    steps: int = 0
    changes: list[str] = dataclasses.field(default_factory=list)  # what an update changed


def demo_files(app_labels: list[str] | None = None) -> list[DemoFile]:
    """The data files of the installed cityloom apps, in dependency order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cityloom.") or (
            app_labels is not None and config.label not in app_labels
        ):
            continue
        for path in sorted(Path(config.path, "demo").glob("*.yaml")):
            found.append(read_file(path, app=config.label))
    return _ordered(found)


def read_file(path: Path, *, app: str) -> DemoFile:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml) or {}  # a SafeLoader
    except yaml.YAMLError as error:
        raise DemoDataError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("records", []), list):
        raise DemoDataError(f"{path}: expected a mapping with a list of `records`")
    unknown = set(data) - {"depends_on", "natural_keys", "accounts", "records"}
    if unknown:
        raise DemoDataError(f"{path}: unknown top-level keys {sorted(unknown)}")
    return DemoFile(
        app=app,
        path=path,
        depends_on=list(data.get("depends_on") or []),
        natural_keys=dict(data.get("natural_keys") or {}),
        accounts=dict(data.get("accounts") or {}),
        records=list(data.get("records") or []),
    )


def _ordered(files: list[DemoFile]) -> list[DemoFile]:
    """Files sorted so that an app's files come after those of the apps it depends on."""
    by_app: dict[str, list[DemoFile]] = {}
    for file in files:
        by_app.setdefault(file.app, []).append(file)
    needs = {app: {d for f in group for d in f.depends_on} for app, group in by_app.items()}
    ordered, done, visiting = [], set(), []

    def visit(app: str) -> None:
        if app in done or app not in by_app:
            return  # an app without data, or not installed: nothing to wait for
        if app in visiting:
            raise DemoDataError(f"demo data files depend on each other in a cycle: {visiting}")
        visiting.append(app)
        for dependency in sorted(needs[app]):
            visit(dependency)
        visiting.pop()
        done.add(app)
        ordered.extend(by_app[app])

    for app in by_app:
        visit(app)
    return ordered


def load_demo(*, files: list[DemoFile] | None = None, today: dt.date | None = None) -> Loaded:
    """Load the demo data files (idempotent): one transaction per app, in dependency order."""
    every = demo_files()
    files = every if files is None else _ordered(files)
    loader = _Loader(today or timezone.localdate())
    for file in [*every, *files]:  # a file names the rows of apps it does not load itself
        loader.natural_keys.update(file.natural_keys)
    for app in dict.fromkeys(f.app for f in files):
        with transaction.atomic():
            for file in (f for f in files if f.app == app):
                loader.load_file(file)
    return loader.result


def _stamped(field) -> bool:
    return getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)


def _last_changed(model, later: dict) -> dict:
    """A row created on a given day was last changed that day, unless the data says when: its
    `auto_now` stamps not given take its `auto_now_add` one (its creation), never the load time.
    Only when the row is created: the platform moves them on afterwards."""
    created = next((v for f, v in later.items() if getattr(f, "auto_now_add", False)), None)
    if created is None:
        return {}
    return {
        f: created
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) and f not in later
    }


class _Loader:
    def __init__(self, today: dt.date):
        self.today = today
        self.natural_keys: dict[str, str] = {}
        self.result = Loaded()
        self.where = ""

    def fail(self, message: str):
        raise DemoDataError(f"{self.where}: {message}")

    def load_file(self, file: DemoFile) -> None:
        self.result.accounts.update(file.accounts)
        for index, record in enumerate(file.records, start=1):
            self.where = f"{file.path}: record {index}"
            if not isinstance(record, dict):
                self.fail("expected a mapping with `model` or `step`")
            if "model" in record:
                self.where += f" ({record['model']})"
                self.load_rows(record)
            elif "step" in record:
                self.where += f" (step {record['step']})"
                self.run_step(record)
            else:
                self.fail("expected `model` or `step`")

    # Rows

    def model(self, label: Any) -> type[models.Model]:
        try:
            return apps.get_model(str(label))
        except (LookupError, ValueError):
            self.fail(f"unknown model {label!r}")

    def field(self, model, name: str):
        if not isinstance(name, str):  # YAML 1.1 reads a bare on/off/yes/no as a boolean
            self.fail(f'field name {name!r} is not a string: quote it (e.g. "on")')
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            self.fail(f"{model._meta.label} has no field {name!r}")

    def load_rows(self, record: dict) -> None:
        unknown = set(record) - {"model", "key", "defaults", "initial", "rows"}
        if unknown:
            self.fail(f"unknown keys {sorted(unknown)}")
        model = self.model(record["model"])
        key = record.get("key")
        if not key or not isinstance(key, list):
            self.fail("`key` must list the fields that find a row")
        rows = record.get("rows")
        if not isinstance(rows, list):
            self.fail("`rows` must be a list")
        where = self.where
        for number, row in enumerate(rows, start=1):
            self.where = f"{where} row {number}"
            if not isinstance(row, dict):
                self.fail("a row must be a mapping of fields")
            self.upsert(
                model, key, {**(record.get("defaults") or {}), **row}, record.get("initial") or {}
            )
        self.where = where

    def upsert(self, model, key: list[str], row: dict, initial: dict) -> models.Model:
        missing = [k for k in key if k not in row]
        if missing:
            self.fail(f"missing key field(s) {missing}")
        values, many, password = {}, {}, None
        for name, raw in row.items():
            if name == "password" and hasattr(model, "set_password"):
                password = raw
                continue
            field = self.field(model, name)
            if field.many_to_many:
                if not isinstance(raw, list):
                    self.fail(f"{name}: a many-to-many field takes a list")
                many[field] = [self.related(field.related_model, v) for v in raw]
            elif field.is_relation and not field.concrete:
                self.fail(f"{name}: a reverse relation cannot be written from this side")
            else:
                values[field] = self.value(field, raw)
        lookup = {f.attname: v for f, v in values.items() if f.name in key}
        try:
            obj = model._default_manager.get(**lookup)
        except ObjectDoesNotExist:
            obj = None
        except model.MultipleObjectsReturned:
            self.fail(f"several rows match {lookup}")
        # Stamps the model sets itself (`auto_now_add`, `auto_now`) are written after saving.
        later = {f: v for f, v in values.items() if _stamped(f)}
        if obj is None:
            fields = {f.attname: v for f, v in values.items() if f not in later}
            for name, raw in initial.items():
                field = self.field(model, name)
                fields.setdefault(field.attname, self.value(field, raw))
            later.update(_last_changed(model, later))
            obj = model(**fields)
            if password is not None:
                obj.set_password(str(password))
            obj.save()
            self.result.created += 1
            changed, is_new = later, True
        else:
            changed, is_new = (
                {f: v for f, v in values.items() if getattr(obj, f.attname) != v},
                False,
            )
            if changed:
                self.result.updated += 1
                names = ", ".join(f.name for f in changed)
                self.result.changes.append(f"{self.where}: {model._meta.label} {obj.pk}: {names}")
        if changed:
            # Direct update: the row keeps what the data says, `auto_now` stamps included.
            model._default_manager.filter(pk=obj.pk).update(
                **{f.attname: v for f, v in changed.items()}
            )
            for field, value in changed.items():
                setattr(obj, field.attname, value)
        for field, related in many.items():
            manager = getattr(obj, field.name)
            if {r.pk for r in manager.all()} != {r.pk for r in related}:
                manager.set(related)
                self.result.updated += not is_new
        return obj

    def value(self, field, raw):
        if raw is None:
            return None
        if field.is_relation:
            return self.related(field.related_model, raw).pk
        if isinstance(field, models.DateTimeField):
            return self.datetime(field.name, raw)
        if isinstance(field, models.DateField):
            return self.date(field.name, raw)
        if isinstance(raw, list) and hasattr(field, "normalise"):
            return field.normalise(raw)  # a list field keeps its own order: compare like with like
        if isinstance(raw, list) and not isinstance(field, models.JSONField):
            return ",".join(str(v) for v in raw)  # a multi-valued CharField, until it is a list
        if isinstance(field, models.JSONField):
            return raw
        if isinstance(raw, dict):
            self.fail(f"{field.name}: unexpected mapping {raw}")
        try:
            return field.to_python(raw)  # "10:30" for a TimeField, as the database gives it back
        except ValidationError as error:
            self.fail(f"{field.name}: {raw!r}: {' '.join(error.messages)}")

    def relative(self, name: str, raw: dict) -> dt.date:
        if set(raw) - {RELATIVE, "at"} or not isinstance(raw.get(RELATIVE), int):
            self.fail(f"{name}: a relative date is {{{RELATIVE}: <integer>}}, not {raw}")
        return self.today + dt.timedelta(days=raw[RELATIVE])

    def date(self, name: str, raw) -> dt.date:
        if isinstance(raw, dict):
            return self.relative(name, raw)
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            self.fail(f"{name}: {raw!r} is not a date (YYYY-MM-DD or {{{RELATIVE}: N}})")

    def datetime(self, name: str, raw) -> dt.datetime:
        if isinstance(raw, dict):
            day = self.relative(name, raw)
            try:
                at = dt.time.fromisoformat(str(raw.get("at", "12:00")))
            except ValueError:
                self.fail(f"{name}: `at` must be a time like 18:00")
            value = dt.datetime.combine(day, at)
        elif isinstance(raw, dt.datetime):
            value = raw
        elif isinstance(raw, dt.date):
            value = dt.datetime.combine(raw, dt.time(12))
        else:
            try:
                value = dt.datetime.fromisoformat(str(raw))
            except ValueError:
                self.fail(f"{name}: {raw!r} is not a date-time (ISO 8601)")
        if timezone.is_naive(value):
            value = value.replace(tzinfo=dt.UTC)
        return value

    def related(self, model, raw) -> models.Model:
        """The row of `model` that `raw` names: its natural key, or a lookup mapping."""
        if isinstance(raw, models.Model):
            return raw
        if isinstance(raw, dict):
            lookup = self.lookup(model, raw)
        else:
            key = self.natural_keys.get(model._meta.label)
            if key is None:
                self.fail(f"{model._meta.label} has no natural key: name it with a mapping")
            lookup = {key: raw}
        try:
            return model._default_manager.get(**lookup)
        except ObjectDoesNotExist:
            self.fail(f"unknown {model._meta.label} {raw!r}")
        except model.MultipleObjectsReturned:
            self.fail(f"{raw!r} names several {model._meta.label} rows")

    def lookup(self, model, raw: dict) -> dict:
        lookup = {}
        for name, value in raw.items():
            base = name.split("__")[0]
            field = self.field(model, base)
            if name.endswith("__in"):
                lookup[name] = [self.value(field, v) for v in value]
            elif name != base:
                lookup[name] = value
            elif field.many_to_many:
                lookup[name] = self.related(field.related_model, value).pk
            else:
                lookup[field.attname] = self.value(field, value)
        return lookup

    # Steps

    def argument(self, raw):
        if isinstance(raw, dict) and "ref" in raw:
            model = self.model(raw["ref"])
            return self.related(model, {k: v for k, v in raw.items() if k != "ref"})
        if isinstance(raw, dict) and "refs" in raw:
            model = self.model(raw["refs"])
            rest = {k: v for k, v in raw.items() if k != "refs"}
            if len(rest) != 1 or not isinstance(next(iter(rest.values())), list):
                self.fail("`refs` takes one field and a list of its values")
            ((name, values),) = rest.items()
            return [self.related(model, {name: v}) for v in values]
        if isinstance(raw, dict) and RELATIVE in raw:
            return self.relative("argument", raw)
        if isinstance(raw, dict):
            return {k: self.argument(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.argument(v) for v in raw]
        return raw

    def function(self, dotted: str) -> Callable:
        module, _, name = f"cityloom.{dotted}".rpartition(".")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            self.fail(f"no step {dotted!r} (looked for {name} in {module})")

    def run_step(self, record: dict) -> None:
        unknown = set(record) - {"step", "args", "unless"}
        if unknown:
            self.fail(f"unknown keys {sorted(unknown)}")
        function = self.function(str(record["step"]))
        if unless := record.get("unless"):
            model = self.model(unless.get("model"))
            lookup = self.lookup(model, {k: v for k, v in unless.items() if k != "model"})
            if model._default_manager.filter(**lookup).exists():
                return
        args = self.argument(record.get("args") or {})
        if not isinstance(args, dict):
            self.fail("`args` must be a mapping of keyword arguments")
        function(**args)
        self.result.steps += 1
