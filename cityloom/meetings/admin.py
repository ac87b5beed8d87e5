from django.contrib import admin

from cityloom.network.permissions import secretariat_commissions

from .models import Meeting, NoteVersion, ProjectProposal, Registration, Room, Slot, Topic


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0


class ScopedToCommission(admin.ModelAdmin):
    """The secretariat runs the meetings of its own commissions, not the others'."""

    commission_path = "commission"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{f"{self.commission_path}__in": secretariat_commissions(request.user)})


@admin.register(Meeting)
class MeetingAdmin(ScopedToCommission):
    list_display = ["title", "commission", "axis", "host_city", "starts_on", "status"]
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commission" and not request.user.is_superuser:
            kwargs["queryset"] = secretariat_commissions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Registration)
class RegistrationAdmin(ScopedToCommission):
    commission_path = "meeting__commission"
    list_display = ["person", "meeting", "status", "created_at"]
    list_filter = ["status", "meeting"]
    list_select_related = ["person", "meeting"]
    raw_id_fields = ["person"]


@admin.register(Topic)
class TopicAdmin(ScopedToCommission):
    commission_path = "meeting__commission"
    list_display = ["title", "meeting", "proposer", "axis", "room", "slot", "is_pinned"]
    list_filter = ["meeting", "axis", "is_pinned"]
    list_select_related = ["meeting", "proposer", "room", "slot"]
    search_fields = ["title"]
    raw_id_fields = ["proposer"]
    # The grid is changed through the grid page, which checks every hard constraint.
    readonly_fields = ["room", "slot", "is_pinned"]


@admin.register(NoteVersion)
class NoteVersionAdmin(ScopedToCommission):
    commission_path = "topic__meeting__commission"
    list_display = ["topic", "number", "author", "created_at"]
    list_select_related = ["topic", "author"]

    def has_change_permission(self, request, obj=None):
        return False  # versions are history: never rewritten


@admin.register(ProjectProposal)
class ProjectProposalAdmin(ScopedToCommission):
    commission_path = "meeting__commission"
    list_display = ["title", "meeting", "axis", "created_at"]
    list_filter = ["meeting", "axis"]
    filter_horizontal = ["cities"]
