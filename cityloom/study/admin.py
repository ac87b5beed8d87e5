from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityloom.network.permissions import secretariat_commissions

from .models import Computation, Edition, Framework, Node, Questionnaire, Value, ValueChange
from .services.frameworks import FrameworkImportError, derive_framework


class NodeInline(admin.TabularInline):
    model = Node
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
class FrameworkAdmin(admin.ModelAdmin):
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
        for problem in exc.problems:
            modeladmin.message_user(request, problem, messages.ERROR)
        return
    modeladmin.message_user(
        request, _("Framework %(slug)s created; rename it as you like.") % {"slug": framework.slug}
    )


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "framework", "is_indicator", "axis", "value_type", "tier"]
    list_filter = ["framework", "is_indicator", "axis", "value_type", "tier"]
    search_fields = ["code", "name"]
    list_select_related = ["framework"]
    actions = [derive]


class QuestionnaireInline(admin.TabularInline):
    model = Questionnaire
    extra = 0
    autocomplete_fields = ["city"]
    fields = ["city", "status"]
    readonly_fields = ["status"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "commission", "framework", "status"]
    list_filter = ["status", "commission"]
    readonly_fields = ["status", "published_computation", "published_at"]
    inlines = [QuestionnaireInline]

    def get_queryset(self, request):
        # The secretariat runs its own commissions' editions.
        return (
            super()
            .get_queryset(request)
            .filter(commission__in=secretariat_commissions(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commission":
            kwargs["queryset"] = secretariat_commissions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_published)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Value)
class ValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "questionnaire", "number", "year", "review"]
    list_select_related = ["indicator", "questionnaire__city", "questionnaire__edition"]
    list_filter = ["questionnaire__edition", "review"]


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "by", "value", "action", "old_number", "new_number"]
    list_select_related = ["by", "value__indicator"]
    list_filter = ["action"]


@admin.register(Computation)
class ComputationAdmin(ReadOnlyAdmin):
    list_display = ["edition", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    exclude = ["snapshot"]
