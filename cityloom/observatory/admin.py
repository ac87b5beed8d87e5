from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cityloom.core.admin import CommissionScopedAdmin

from .models import Publication, Source, WatchedTopic

OBSERVATORY = _(
    "The observatory serves the whole network, not one commission: every commission's "
    "secretariat runs it (observatory.permissions.can_manage) and everyone reads it."
)


@admin.register(Source)
class SourceAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    global_reason = OBSERVATORY
    editable_by_secretariat = True
    list_display = ["title", "url", "axis", "is_active", "last_polled_at", "error_count"]
    list_filter = ["is_active", "axis"]
    readonly_fields = [
        "last_polled_at",
        "last_success_at",
        "last_error",
        "error_count",
        "items_added",
    ]


@admin.register(Publication)
class PublicationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    global_reason = OBSERVATORY
    editable_by_secretariat = True
    list_display = [
        "title",
        "publisher",
        "year",
        "language",
        "get_axes_display",
        "source",
        "published_at",
    ]
    list_filter = ["language", "source"]
    search_fields = ["title", "authors", "publisher"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["added_by"]
    date_hierarchy = "published_at"
    # PDFs come in only through the upload policy (observatory.services.add_publication).
    readonly_fields = ["pdf", "pdf_size"]


@admin.register(WatchedTopic)
class WatchedTopicAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    global_reason = OBSERVATORY
    editable_by_secretariat = True
    list_display = ["label", "axis", "terms"]
    list_filter = ["axis"]
