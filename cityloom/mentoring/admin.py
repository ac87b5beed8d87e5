from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

from .models import (
    Activity,
    Evaluation,
    MentorCapacity,
    MentoringRequest,
    Message,
    Milestone,
    MonitoringReport,
    Objective,
    Programme,
)


@admin.register(MentorCapacity)
class MentorCapacityAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # A city's own setting, shared by all its commissions, like the city's facts.
    commission_path = "city__memberships__commission"
    list_display = ["city", "max_programmes"]
    autocomplete_fields = ["city"]


@admin.register(MentoringRequest)
class MentoringRequestAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = [
        "city",
        "commission",
        "get_axes_display",
        "mode",
        "status",
        "mentor",
        "created_at",
    ]
    list_filter = ["status", "mode", "commission"]
    raw_id_fields = ["city", "mentor", "requested_by"]
    filter_horizontal = ["declined_by"]


class ObjectiveInline(CommissionScopedAdmin, admin.TabularInline):
    model = Objective
    commission_path = "programme__commission"
    extra = 0


class MilestoneInline(CommissionScopedAdmin, admin.TabularInline):
    model = Milestone
    commission_path = "programme__commission"
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["__str__", "get_axes_display", "mode", "stage", "status", "started_on"]
    list_filter = ["stage", "status", "mode", "commission"]
    raw_id_fields = ["mentor", "mentee", "request"]
    inlines = [ObjectiveInline, MilestoneInline]


class ProgrammePartAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    """The private parts of a programme: its two cities and its commission's secretariat."""

    commission_path = "programme__commission"
    list_select_related = ["programme"]


admin.site.register([Activity, MonitoringReport, Evaluation, Message], ProgrammePartAdmin)
