from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

from .models import (
    Activity,
    CityTask,
    Deliverable,
    JoinRequest,
    Milestone,
    Occurrence,
    Project,
    ProjectCity,
)


class ProjectCityInline(CommissionScopedAdmin, admin.TabularInline):
    model = ProjectCity
    commission_path = "project__commission"
    autocomplete_fields = ["city"]
    extra = 0


class ActivityInline(CommissionScopedAdmin, admin.StackedInline):
    model = Activity
    commission_path = "project__commission"
    extra = 0


class MilestoneInline(CommissionScopedAdmin, admin.TabularInline):
    model = Milestone
    commission_path = "project__commission"
    autocomplete_fields = ["city"]
    extra = 0


class DeliverableInline(CommissionScopedAdmin, admin.TabularInline):
    model = Deliverable
    commission_path = "project__commission"
    autocomplete_fields = ["owner_city"]
    extra = 0


class CityTaskInline(CommissionScopedAdmin, admin.TabularInline):
    model = CityTask
    commission_path = "project__commission"
    extra = 0


@admin.register(Project)
class ProjectAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "commission", "axis", "lead_city", "status", "starts_on"]
    list_filter = ["status", "axis", "commission"]
    list_select_related = ["commission", "lead_city"]
    search_fields = ["title", "question"]
    autocomplete_fields = ["lead_city"]
    raw_id_fields = ["meeting", "source_session", "proposed_by"]
    inlines = [
        ProjectCityInline,
        ActivityInline,
        MilestoneInline,
        DeliverableInline,
        CityTaskInline,
    ]


@admin.register(Occurrence)
class OccurrenceAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "activity__project__commission"
    list_display = ["activity", "starts_at", "ends_at"]
    list_select_related = ["activity"]
    date_hierarchy = "starts_at"


@admin.register(JoinRequest)
class JoinRequestAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["city", "kind", "project", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["city", "project"]
    raw_id_fields = ["requested_by", "decided_by"]
    # Decisions e-mail the cities: they are taken on the site, where the service sends them.
    readonly_fields = ["status", "decided_by", "decided_at"]
