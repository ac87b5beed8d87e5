from django.contrib import admin

from .models import Publication, Source, WatchedTopic


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
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
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "year", "language", "source", "published_at"]
    list_filter = ["language", "source"]
    search_fields = ["title", "authors", "publisher"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["added_by"]
    date_hierarchy = "published_at"


@admin.register(WatchedTopic)
class WatchedTopicAdmin(admin.ModelAdmin):
    list_display = ["label", "axis", "terms"]
    list_filter = ["axis"]
