"""The admin's one permission story: every admin says whose its records are.

The Django admin is the secretariat's back office. Model permissions (the "Secretariat"
group) say which *kinds* of records a person may touch; they say nothing about *which*
records. `CommissionScopedAdmin` adds the object rule, the same one the platform's pages
use (the function `settings.CITYLOOM_SECRETARIAT_COMMISSIONS` names, so core imports no app:
`cityloom.network.permissions.secretariat_commissions`): a record belongs to one
commission, or to several when joint, and the secretariat sees and changes the records
of its own commissions only. Superusers see everything.

Every registered admin, ours and the third-party ones, uses the mixin and declares one of:

- ``commission_path``: the ORM path from the model to the Commission(s) its records belong
  to (``"questionnaire__edition__commission"``; ``"pk"`` for Commission itself). Lists,
  change and delete views, actions, autocomplete and the choices other forms offer are
  cut to the person's commissions. ``readable_by_all`` keeps the list whole where the
  facts are public on the site anyway (cities, frameworks); changes stay scoped.
- ``global_reason``: the records belong to no commission; the sentence says why and who
  changes them. Read-only for the secretariat unless ``editable_by_secretariat``.
- ``superusers_only``: nobody else opens it (groups and permissions, login secrets, the
  task queue).

Inlines declare their path too; their rows follow their parent's rule.

A form's choices for a relation come from the admin of the related model, so a POST that
points a record at another commission's meeting, practice or person fails validation; a
record that still ends up outside the person's commissions after saving is refused and
the whole save rolled back (the admin saves inside one transaction).
"""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import get_fields_from_path
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, OutgoingMail, Tag


def secretariat_commissions(user):
    """The commissions whose records `user` may see and change in the admin."""
    return import_string(settings.CITYLOOM_SECRETARIAT_COMMISSIONS)(user)


def commission_filter(path: str, commissions) -> Q:
    """Rows whose commission, reached by `path`, is one of `commissions`."""
    return Q(**{f"{path}__in": commissions})


class OwnRelatedFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """Offers only the related records the person's own rows use (no other's titles).

    Kept even with a single choice: Django drops a filter with fewer than two, and its URL
    parameter (`?questionnaire__edition__id__exact=…`) with it, which would show the whole
    list under another record's filter.
    """

    def has_output(self):
        return bool(self.lookup_choices or self.used_parameters)


class CommissionScopedAdmin:
    """Mixin for every ModelAdmin and inline: see the module docstring."""

    commission_path: str | None = None
    readable_by_all = False
    global_reason = ""
    editable_by_secretariat = False
    superusers_only = False
    # Choices of a relation to a model that has no admin of its own: field → commission path.
    choice_paths: dict[str, str] = {}

    # -- which records -------------------------------------------------------------------

    def scope_filter(self, request) -> Q | None:
        """The records this person may change (and see); None when nothing is cut."""
        user = request.user
        if user.is_superuser:
            return None
        if self.superusers_only:
            return Q(pk__in=[])
        if self.commission_path is None:
            return None
        # A subquery, so a path through a many-to-many (a joint activity, a person's city in
        # several commissions) neither repeats rows nor breaks the admin's delete().
        owned = self.model._default_manager.filter(
            commission_filter(self.commission_path, secretariat_commissions(user))
        )
        return Q(pk__in=owned.values("pk"))

    def scope(self, request, queryset):
        condition = self.scope_filter(request)
        return queryset if condition is None else queryset.filter(condition)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if self.readable_by_all and not self.superusers_only:
            return rows
        return self.scope(request, rows)

    def in_scope(self, request, obj) -> bool:
        return self.scope(request, self.model._default_manager.filter(pk=obj.pk)).exists()

    def commission_ids(self, obj) -> set[int]:
        """The commissions a record belongs to (several for a joint one, none for a global)."""
        if self.commission_path is None:
            return set()
        rows = self.model._default_manager.filter(pk=obj.pk)
        return set(rows.values_list(self.commission_path, flat=True)) - {None}

    def is_wholly_mine(self, request, obj) -> bool:
        """Every commission the record belongs to is one of this person's."""
        mine = set(secretariat_commissions(request.user).values_list("pk", flat=True))
        return self.commission_ids(obj) <= mine

    # -- object rules; admins refine these hooks ------------------------------------------

    def can_change(self, request, obj) -> bool:
        return self.in_scope(request, obj)

    def can_delete(self, request, obj) -> bool:
        # Deleting takes the record away from every commission it belongs to.
        return self.in_scope(request, obj) and self.is_wholly_mine(request, obj)

    def _may_write(self, request) -> bool:
        """Model-level: superusers; for global records, the secretariat only if allowed."""
        if request.user.is_superuser:
            return True
        if self.superusers_only:
            return False
        if self.commission_path is not None:
            return True
        return self.editable_by_secretariat and secretariat_commissions(request.user).exists()

    @property
    def _is_inline(self) -> bool:
        return isinstance(self, InlineModelAdmin)

    def _parent_allows(self, request, obj, *, write: bool) -> bool:
        """An inline's `obj` is its parent: its rows follow the parent's own rule."""
        parent = self.admin_site._registry.get(self.parent_model)
        if obj is None or parent is None:
            return True
        if write:
            return parent.has_change_permission(request, obj)
        return parent.has_view_permission(request, obj)

    def _object_rule(self, request, obj, rule) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        if self._is_inline:
            return self._parent_allows(request, obj, write=rule != "view")
        if rule == "view":
            return self.readable_by_all or self.in_scope(request, obj)
        if rule == "change":
            return self.can_change(request, obj)
        return self.can_delete(request, obj)

    def has_module_permission(self, request):
        if self.superusers_only and not request.user.is_superuser:
            return False
        return super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if self.superusers_only and not request.user.is_superuser:
            return False
        allowed = super().has_view_permission(request, obj)
        return allowed and self._object_rule(request, obj, "view")

    def has_add_permission(self, request, *args):
        allowed = self._may_write(request) and super().has_add_permission(request, *args)
        if allowed and self._is_inline and args:
            return self._parent_allows(request, args[0], write=True)
        return allowed

    def has_change_permission(self, request, obj=None):
        allowed = self._may_write(request) and super().has_change_permission(request, obj)
        return allowed and self._object_rule(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        allowed = self._may_write(request) and super().has_delete_permission(request, obj)
        return allowed and self._object_rule(request, obj, "delete")

    # -- choices offered by forms, filters and autocomplete -------------------------------

    def choices_for(self, request, db_field):
        """The related records a form may point at; None when every one may be chosen."""
        if request.user.is_superuser:
            return None
        model = db_field.related_model
        if db_field.name in self.choice_paths:
            mine = secretariat_commissions(request.user)
            return model._default_manager.filter(
                commission_filter(self.choice_paths[db_field.name], mine)
            )
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, CommissionScopedAdmin):
            return related_admin.choice_queryset(request)
        # A model nobody declared an owner for is offered to nobody but superusers.
        return model._default_manager.none()

    def choice_queryset(self, request):
        """What other forms may point at: public records, or this person's own."""
        rows = self.model._default_manager.all()
        if self.readable_by_all and not self.superusers_only:
            return rows
        return self.scope(request, rows)

    def _scoped_kwargs(self, db_field, request, kwargs):
        allowed = self.choices_for(request, db_field)
        if allowed is not None:
            base = kwargs.get("queryset")
            if base is None:
                base = self.get_field_queryset(None, db_field, request)
            if base is None:
                base = db_field.related_model._default_manager.all()
            kwargs["queryset"] = base.filter(pk__in=allowed.values("pk"))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped_kwargs(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return form if request.user.is_superuser else _keep_current_choices(form)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not request.user.is_superuser:
            formset.form = _keep_current_choices(formset.form)
        return formset

    def get_list_filter(self, request):
        """Filters on a relation list only the related records the person's rows use."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        scoped = []
        for item in filters:
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, OwnRelatedFieldListFilter)
            scoped.append(item)
        return scoped

    def changelist_view(self, request, extra_context=None):
        # Records of no commission say so, and who changes them, above their list.
        if self.global_reason and not request.user.is_superuser:
            extra_context = {"subtitle": self.global_reason, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # -- saving ---------------------------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        hidden = self._hidden_many_to_many(request, form) if change else {}
        super().save_related(request, form, formsets, change)
        # A many-to-many form field lists only the person's own records: keep the others
        # (another commission of a joint activity, a colleague on the secretariat).
        for name, rows in hidden.items():
            getattr(form.instance, name).add(*rows)
        if not request.user.is_superuser and not self.can_change(request, form.instance):
            raise PermissionDenied  # rolls the whole save back

    def _hidden_many_to_many(self, request, form) -> dict:
        hidden = {}
        if request.user.is_superuser:
            return hidden
        for name, field in form.fields.items():
            related = getattr(form.instance, name, None)
            if not hasattr(field, "queryset") or not hasattr(related, "through"):
                continue
            rows = list(related.exclude(pk__in=field.queryset.values("pk")))
            if rows:
                hidden[name] = rows
        return hidden

    # -- declaration ----------------------------------------------------------------------

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        declared = [
            self.commission_path is not None,
            bool(self.global_reason),
            self.superusers_only,
        ]
        if sum(declared) != 1:
            errors.append(
                checks.Error(
                    "Declare exactly one of commission_path, global_reason or superusers_only.",
                    obj=type(self),
                    id="cityloom.E001",
                )
            )
        return errors


def _keep_current_choices(form_class):
    """A form that accepts the value a record already has, even outside the person's scope.

    The secretariat may keep a registration's person or a practice's contact who is not
    one of its own people, but may not point a record at anything new of another's.
    """

    class KeepCurrentChoices(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is None:
                return
            for name, field in self.fields.items():
                current = getattr(self.instance, f"{name}_id", None)
                if current is None or not hasattr(field, "queryset"):
                    continue
                # The `_id` attribute holds the value of the field the relation points at.
                key = getattr(field, "to_field_name", None) or "pk"
                model = field.queryset.model
                field.queryset = model._default_manager.filter(
                    Q(pk__in=field.queryset.values("pk")) | Q(**{key: current})
                )

    KeepCurrentChoices.__name__ = form_class.__name__
    KeepCurrentChoices.__qualname__ = form_class.__qualname__
    return KeepCurrentChoices


def restrict_to_superusers(*models, site=admin.site):
    """Wrap admins that third-party apps registered: nobody but superusers opens them."""
    for model in models:
        if not site.is_registered(model):
            continue
        original = type(site.get_model_admin(model))
        site.unregister(model)
        wrapped = type(
            original.__name__,
            (CommissionScopedAdmin, original),
            {"superusers_only": True, "__module__": __name__},
        )
        site.register(model, wrapped)


def _third_party_models():
    # Imported here so their admins are registered before we wrap them, whatever the
    # order of INSTALLED_APPS.
    for module in (
        "django.contrib.auth.admin",
        "allauth.account.admin",
        "allauth.socialaccount.admin",
        "django_tasks_db.admin",
    ):
        import_module(module)
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult

    # Groups and permissions are how privileges are granted; e-mail addresses and social
    # accounts are how people log in (apps hold client secrets); task results carry the
    # arguments of every commission's mail.
    return [Group, EmailAddress, SocialApp, SocialToken, SocialAccount, DBTaskResult]


restrict_to_superusers(*_third_party_models())


@checks.register(checks.Tags.admin)
def every_admin_is_scoped(app_configs=None, **kwargs):
    """An admin without the mixin would show every commission's records to the secretariat."""
    return [
        checks.Error(
            f"The admin of {model._meta.label} does not use CommissionScopedAdmin.",
            obj=type(model_admin),
            id="cityloom.E002",
        )
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CommissionScopedAdmin)
    ]


@admin.register(Tag)
class TagAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    global_reason = _(
        "Tags are shared by the practices and publications of every commission: renaming "
        "one renames it for all, so superusers curate them and the secretariat reads them."
    )
    list_display = ["slug", "name", "name_fr", "name_es"]
    search_fields = ["slug", "name", "name_fr", "name_es"]


@admin.register(AuditEvent)
class AuditEventAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # Events name their target by type and id; an event is the secretariat's when its
    # target is one of the secretariat's records, by that record's own admin rule.
    global_reason = _(
        "Audit events point at records of every kind; each person reads the events about "
        "the records they may see. Nobody changes them."
    )
    list_display = ["at", "actor", "verb", "target_type", "target_label"]
    list_filter = ["verb", "target_type"]
    search_fields = ["target_label", "actor__email"]
    date_hierarchy = "at"

    def scope_filter(self, request) -> Q | None:
        if request.user.is_superuser:
            return None
        condition = Q(pk__in=[])
        for model, model_admin in _scoped_admins(self.admin_site):
            if model is AuditEvent or model_admin.superusers_only:
                continue
            if model_admin.commission_path is None:
                condition |= Q(target_type=model._meta.label_lower)
                continue
            keys = (
                model_admin.scope(request, model._default_manager.all())
                .annotate(key=Cast("pk", output_field=CharField()))
                .values("key")
            )
            condition |= Q(target_type=model._meta.label_lower, target_id__in=keys)
        return condition

    # The trail is evidence: nobody edits or deletes it, not even the secretariat.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _scoped_admins(site):
    """Every registered admin and inline, with the model it serves."""
    for model, model_admin in list(site._registry.items()):
        yield model, model_admin
        for inline in model_admin.inlines:
            if issubclass(inline, CommissionScopedAdmin) and inline.model not in site._registry:
                yield inline.model, inline(model, site)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    """The e-mail outbox, to answer "did they get it?": superusers read it, nobody edits it."""

    # Rows carry every commission's mail (addresses, names, links with tokens).
    superusers_only = True
    list_display = ["created_at", "to", "template", "state", "attempts", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["to", "message_id", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = ["message_id", "created_at"]  # not editable, so not shown unless listed

    # What was sent is evidence, like the audit trail: read only, even for superusers.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
