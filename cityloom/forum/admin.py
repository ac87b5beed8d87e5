"""The secretariat's back office: boards, threads, posts (with versions), reports, the log."""

from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

from .models import Board, ModerationLog, Post, PostVersion, Report, Subscription, Thread


@admin.register(Board)
class BoardAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "commission", "kind", "axis", "visibility", "thread_count"]
    list_filter = ["kind", "visibility", "axis", "commission"]
    search_fields = ["title", "title_fr", "title_es", "slug"]
    readonly_fields = ["thread_count", "last_post_at", "project", "meeting", "kind"]
    filter_horizontal = ["group"]


@admin.register(Thread)
class ThreadAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "board__commission"
    list_display = ["title", "board", "author", "reply_count", "is_locked", "is_pinned"]
    list_filter = ["is_locked", "is_pinned", "board__commission"]
    search_fields = ["title"]
    # Moving, locking and pinning go through the forum's pages: they keep counters and the log.
    readonly_fields = [
        "board", "author", "reply_count", "next_position", "created_at", "last_post_at",
        "is_locked", "is_pinned",
    ]  # fmt: skip


class PostVersionInline(CommissionScopedAdmin, admin.TabularInline):
    model = PostVersion
    commission_path = "post__thread__board__commission"
    extra = 0
    can_delete = False
    readonly_fields = ["body", "edited_by", "created_at"]


@admin.register(Post)
class PostAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "thread__board__commission"
    list_display = ["__str__", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "thread__board__commission"]
    search_fields = ["body", "thread__title"]
    readonly_fields = [
        "thread", "position", "author", "body", "language", "quoted", "attachment_name",
        "created_at", "edited_at", "is_hidden",
    ]  # fmt: skip
    exclude = ["attachment", "attachment_type", "attachment_size"]
    inlines = [PostVersionInline]


@admin.register(Report)
class ReportAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "post__thread__board__commission"
    list_display = ["post", "reporter", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    readonly_fields = ["post", "reporter", "reason", "created_at"]


@admin.register(Subscription)
class SubscriptionAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    superusers_only = True
    list_display = ["person", "board", "thread", "mode"]


@admin.register(ModerationLog)
class ModerationLogAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["at", "action", "by", "board", "thread", "post"]
    list_filter = ["action", "commission"]
    readonly_fields = ["action", "by", "commission", "board", "thread", "post", "note", "at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
