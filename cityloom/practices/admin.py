from django.contrib import admin

from cityloom.network.permissions import secretariat_commissions

from . import search
from .models import (
    Attachment,
    Compendium,
    CompendiumEntry,
    Conversation,
    LabelReview,
    Message,
    Practice,
    PracticeSdg,
    PracticeTranslation,
    Tag,
    Transfer,
)


class ScopedAdmin(admin.ModelAdmin):
    """The secretariat sees the records of its own commissions only."""

    commission_path = "commission"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(**{f"{self.commission_path}__in": secretariat_commissions(request.user)})


class SdgInline(admin.TabularInline):
    model = PracticeSdg
    extra = 0


class TranslationInline(admin.StackedInline):
    model = PracticeTranslation
    extra = 0
    raw_id_fields = ["translated_by"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["content_type", "size"]


@admin.register(Practice)
class PracticeAdmin(ScopedAdmin):
    list_display = ["title", "city", "axis", "language", "status", "is_labelled", "published_at"]
    list_filter = ["status", "axis", "language", "is_labelled", "region"]
    search_fields = ["title", "city__name"]
    autocomplete_fields = ["city"]
    raw_id_fields = ["contact", "created_by", "published_by"]
    filter_horizontal = ["tags"]
    date_hierarchy = "published_at"
    inlines = [SdgInline, TranslationInline, AttachmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city")

    def save_related(self, request, form, formsets, change):
        # The admin writes directly: keep the search index in step.
        super().save_related(request, form, formsets, change)
        form.instance.copy_city_facets()
        form.instance.save(update_fields=["country_code", "region", "city_size"])
        search.index_practice(form.instance)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "name_fr", "name_es"]
    search_fields = ["slug", "name", "name_fr", "name_es"]


@admin.register(LabelReview)
class LabelReviewAdmin(ScopedAdmin):
    commission_path = "practice__commission"
    list_display = [
        "practice",
        "decision",
        "relevance",
        "evidence",
        "transferability",
        "created_at",
    ]
    list_filter = ["decision"]
    raw_id_fields = ["practice", "reviewer"]


@admin.register(Transfer)
class TransferAdmin(ScopedAdmin):
    commission_path = "practice__commission"
    list_display = ["practice", "adopting_city", "stage", "started_on"]
    list_filter = ["stage"]
    raw_id_fields = ["practice", "recorded_by"]
    autocomplete_fields = ["adopting_city"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Conversation)
class ConversationAdmin(ScopedAdmin):
    commission_path = "practice__commission"
    list_display = ["subject", "practice", "city", "updated_at"]
    raw_id_fields = ["practice", "started_by", "contact"]
    autocomplete_fields = ["city"]
    inlines = [MessageInline]


class EntryInline(admin.TabularInline):
    model = CompendiumEntry
    extra = 0
    raw_id_fields = ["practice"]


@admin.register(Compendium)
class CompendiumAdmin(ScopedAdmin):
    list_display = ["title", "commission", "is_public", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EntryInline]
