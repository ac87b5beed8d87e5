from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityloom.core.admin import CommissionScopedAdmin
from cityloom.network.permissions import secretariat_commissions

from .models import Computation, Edition, Framework, Node, Questionnaire, Value, ValueChange
from .services.frameworks import FrameworkImportError, derive_framework


def changeable_frameworks(user):
    """Frameworks no edition of another commission uses: changing one moves no other's results."""
    used_elsewhere = Edition.objects.exclude(commission__in=secretariat_commissions(user))
    return Framework.objects.exclude(pk__in=used_elsewhere.values("framework"))


class SharedFrameworkScope(CommissionScopedAdmin):
    """Frameworks are a shared library: every secretariat reads them and picks one for an
    edition; a framework belongs to the commissions whose editions use it, and only a
    secretariat that runs every one of those (or none uses it yet) changes it.
    """

    readable_by_all = True

    def can_change(self, request, obj) -> bool:
        return self.is_wholly_mine(request, obj)

    def can_delete(self, request, obj) -> bool:
        return self.is_wholly_mine(request, obj)


class NodeInline(SharedFrameworkScope, admin.TabularInline):
    model = Node
    commission_path = "framework__editions__commission"
    fk_name = "framework"
    extra = 0
    fields = [
        "position",
        "code",
        "parent",
        "name",
        "is_indicator",
        "axis",
        "weight",
        "unit",
        "direction",
        "tier",
        "value_type",
    ]
    ordering = ["position"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Node.objects.filter(is_indicator=False).select_related("framework")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Framework)
class FrameworkAdmin(SharedFrameworkScope, admin.ModelAdmin):
    commission_path = "editions__commission"
    list_display = ["name", "slug", "year", "publisher"]
    search_fields = ["name", "slug"]
    inlines = [NodeInline]


@admin.action(description=_("Derive a new framework from the selected indicators"))
def derive(modeladmin, request, queryset):
    slug = f"derived-{timezone.now():%Y%m%d-%H%M%S}"
    try:
        framework = derive_framework(
            slug=slug,
            name=str(_("Derived framework %(date)s")) % {"date": timezone.now().date()},
            indicators=list(queryset),
            by=request.user,
        )
    except FrameworkImportError as exc:
        for problem in exc.messages:
            modeladmin.message_user(request, problem, messages.ERROR)
        return
    modeladmin.message_user(
        request, _("Framework %(slug)s created; rename it as you like.") % {"slug": framework.slug}
    )


@admin.register(Node)
class NodeAdmin(SharedFrameworkScope, admin.ModelAdmin):
    commission_path = "framework__editions__commission"
    list_display = ["code", "name", "framework", "is_indicator", "axis", "value_type", "tier"]
    list_filter = ["framework", "is_indicator", "axis", "value_type", "tier"]
    search_fields = ["code", "name"]
    list_select_related = ["framework"]
    actions = [derive]

    def choices_for(self, request, db_field):
        if request.user.is_superuser or db_field.name not in ("framework", "parent"):
            return super().choices_for(request, db_field)
        # A node is part of its framework: it goes only where the person may change.
        frameworks = changeable_frameworks(request.user)
        if db_field.name == "framework":
            return frameworks
        return Node.objects.filter(framework__in=frameworks)


class QuestionnaireInline(CommissionScopedAdmin, admin.TabularInline):
    model = Questionnaire
    commission_path = "edition__commission"
    extra = 0
    autocomplete_fields = ["city"]
    fields = ["city", "status"]
    readonly_fields = ["status"]


@admin.register(Edition)
class EditionAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "year", "commission", "framework", "status"]
    list_filter = ["status", "commission"]
    readonly_fields = ["status", "published_computation", "published_at"]
    inlines = [QuestionnaireInline]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_published)


class ReadOnlyAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    commission_path = "questionnaire__edition__commission"
    list_display = ["indicator", "questionnaire", "number", "year", "review"]
    list_select_related = ["indicator", "questionnaire__city", "questionnaire__edition"]
    list_filter = ["questionnaire__edition", "review"]


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyAdmin):
    commission_path = "value__questionnaire__edition__commission"
    list_display = ["at", "by", "value", "action", "old_number", "new_number"]
    list_select_related = ["by", "value__indicator"]
    list_filter = ["action"]


@admin.register(Computation)
class ComputationAdmin(ReadOnlyAdmin):
    commission_path = "edition__commission"
    list_display = ["edition", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    exclude = ["snapshot"]
