from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

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
    Transfer,
)


class SdgInline(CommissionScopedAdmin, admin.TabularInline):
    model = PracticeSdg
    commission_path = "practice__commission"
    extra = 0


class TranslationInline(CommissionScopedAdmin, admin.StackedInline):
    model = PracticeTranslation
    commission_path = "practice__commission"
    extra = 0
    raw_id_fields = ["translated_by"]


class AttachmentInline(CommissionScopedAdmin, admin.TabularInline):
    model = Attachment
    commission_path = "practice__commission"
    extra = 0
    # Files come in only through the upload policy (practices.services.add_attachment).
    max_num = 0
    readonly_fields = ["file", "original_name", "content_type", "size"]


@admin.register(Practice)
class PracticeAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
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


@admin.register(LabelReview)
class LabelReviewAdmin(CommissionScopedAdmin, admin.ModelAdmin):
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
class TransferAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "practice__commission"
    list_display = ["practice", "adopting_city", "stage", "started_on"]
    list_filter = ["stage"]
    raw_id_fields = ["practice", "recorded_by"]
    autocomplete_fields = ["adopting_city"]


class MessageInline(CommissionScopedAdmin, admin.TabularInline):
    model = Message
    commission_path = "conversation__practice__commission"
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Conversation)
class ConversationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "practice__commission"
    list_display = ["subject", "practice", "city", "updated_at"]
    raw_id_fields = ["practice", "started_by", "contact"]
    autocomplete_fields = ["city"]
    inlines = [MessageInline]


class EntryInline(CommissionScopedAdmin, admin.TabularInline):
    model = CompendiumEntry
    commission_path = "compendium__commission"
    extra = 0
    raw_id_fields = ["practice"]

    def choices_for(self, request, db_field):
        # As on the platform, a compendium gathers published practices of any commission;
        # drafts stay with their own commission.
        if db_field.name == "practice" and not request.user.is_superuser:
            return Practice.objects.published()
        return super().choices_for(request, db_field)


@admin.register(Compendium)
class CompendiumAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "commission", "is_public", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [EntryInline]
