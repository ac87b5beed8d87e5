from django.contrib import admin

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
class MentorCapacityAdmin(admin.ModelAdmin):
    list_display = ["city", "max_programmes"]
    autocomplete_fields = ["city"]


@admin.register(MentoringRequest)
class MentoringRequestAdmin(admin.ModelAdmin):
    list_display = ["city", "commission", "mode", "status", "mentor", "created_at"]
    list_filter = ["status", "mode", "commission"]
    raw_id_fields = ["city", "mentor", "requested_by"]
    filter_horizontal = ["declined_by"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "stage", "status", "started_on"]
    list_filter = ["stage", "status", "mode", "commission"]
    raw_id_fields = ["mentor", "mentee", "request"]
    inlines = [ObjectiveInline, MilestoneInline]


admin.site.register([Activity, MonitoringReport, Evaluation, Message])
