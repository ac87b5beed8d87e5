from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

from .models import Meeting, NoteVersion, ProjectProposal, Registration, Room, Slot, Topic


class RoomInline(CommissionScopedAdmin, admin.TabularInline):
    model = Room
    commission_path = "meeting__commission"
    extra = 0


class SlotInline(CommissionScopedAdmin, admin.TabularInline):
    model = Slot
    commission_path = "meeting__commission"
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = [
        "title",
        "commission",
        "axis",
        "get_languages_display",
        "host_city",
        "starts_on",
        "status",
    ]
    list_filter = ["status", "axis", "commission"]
    search_fields = ["title", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host_city"]
    readonly_fields = [
        "grid_job",
        "grid_errors",
        "grid_report",
        "grid_built_at",
        "published_grid",
        "published_at",
    ]
    inlines = [RoomInline, SlotInline]


@admin.register(Registration)
class RegistrationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "meeting__commission"
    list_display = ["person", "meeting", "status", "created_at"]
    list_filter = ["status", "meeting"]
    list_select_related = ["person", "meeting"]
    raw_id_fields = ["person"]


@admin.register(Topic)
class TopicAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "meeting__commission"
    list_display = ["title", "meeting", "proposer", "axis", "room", "slot", "is_pinned"]
    list_filter = ["meeting", "axis", "is_pinned"]
    list_select_related = ["meeting", "proposer", "room", "slot"]
    search_fields = ["title"]
    raw_id_fields = ["proposer"]
    # The grid is changed through the grid page, which checks every hard constraint.
    readonly_fields = ["room", "slot", "is_pinned"]
    choice_paths = {"unavailable_slots": "meeting__commission"}


@admin.register(NoteVersion)
class NoteVersionAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "topic__meeting__commission"
    list_display = ["topic", "number", "author", "created_at"]
    list_select_related = ["topic", "author"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are history: never rewritten


@admin.register(ProjectProposal)
class ProjectProposalAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "meeting__commission"
    list_display = ["title", "meeting", "axis", "created_at"]
    list_filter = ["meeting", "axis"]
    filter_horizontal = ["cities"]
