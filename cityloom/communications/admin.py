from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cityloom.core import uploads
from cityloom.core.admin import CommissionScopedAdmin

from .models import (
    CalendarToken,
    Circular,
    CircularAttachment,
    CircularRecipient,
    Document,
    Event,
    EventRegistration,
    MailPreference,
    NewsPost,
    Page,
)
from .services import DOCUMENTS, NEWS_IMAGES


class CircularAttachmentInline(CommissionScopedAdmin, admin.TabularInline):
    model = CircularAttachment
    commission_path = "circular__commission"
    extra = 0
    readonly_fields = ["file", "content_type", "original_name", "size"]

    def has_add_permission(self, request, obj=None):
        return False  # attachments are uploaded through the circular form, under its policy


class CircularRecipientInline(CommissionScopedAdmin, admin.TabularInline):
    model = CircularRecipient
    commission_path = "circular__commission"
    extra = 0
    fields = ["email", "language", "mail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Circular)
class CircularAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["__str__", "commission", "status", "audience", "sent_at"]
    list_filter = ["status", "commission", "year"]
    search_fields = ["subject", "subject_fr", "subject_es"]
    # Numbering and sending go through the site's preview, which confirms the count.
    readonly_fields = ["year", "number", "status", "sent_at", "created_by"]
    inlines = [CircularAttachmentInline, CircularRecipientInline]

    def get_readonly_fields(self, request, obj=None):
        # What was sent is the record of what members received: it is not rewritten.
        if obj is not None and obj.status != Circular.Status.DRAFT:
            return [f.name for f in Circular._meta.fields if f.editable] + self.readonly_fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Nor is it deleted: the archive and the delivery log keep what members received.
        if obj is not None and obj.status != Circular.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)


class _CheckedUpload(forms.ModelForm):
    """An upload field checked against its policy, its sniffed type kept beside it."""

    upload_field = ""
    type_field = ""
    policy: uploads.Policy

    def clean(self):
        data = super().clean()
        upload = self.files.get(self.add_prefix(self.upload_field))
        if upload is not None:
            try:
                self._checked = uploads.check(upload, self.policy)
            except ValidationError as exc:
                self.add_error(self.upload_field, exc)
        return data

    def save(self, commit=True):
        obj = super().save(commit=False)
        checked = getattr(self, "_checked", None)
        if checked is not None:
            upload = self.files[self.add_prefix(self.upload_field)]
            uploads.store(getattr(obj, self.upload_field), upload, checked)
            setattr(obj, self.type_field, checked.content_type)
            if hasattr(obj, "original_name"):
                obj.original_name = checked.original_name
        if commit:
            obj.save()
        return obj


class NewsPostForm(_CheckedUpload):
    upload_field, type_field, policy = "image", "image_type", NEWS_IMAGES

    class Meta:
        model = NewsPost
        fields = [
            "commission",
            "slug",
            "title",
            "title_fr",
            "title_es",
            "body",
            "body_fr",
            "body_es",
            "image",
            "image_alt",
            "published_at",
        ]


class DocumentForm(_CheckedUpload):
    upload_field, type_field, policy = "file", "content_type", DOCUMENTS

    class Meta:
        model = Document
        fields = ["title", "title_fr", "title_es", "file"]


@admin.register(NewsPost)
class NewsPostAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    form = NewsPostForm
    commission_path = "commission"
    list_display = ["title", "commission", "published_at"]
    list_filter = ["commission"]
    search_fields = ["title", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title"]}


class DocumentInline(CommissionScopedAdmin, admin.TabularInline):
    model = Document
    form = DocumentForm
    commission_path = "page__commission"
    extra = 0


@admin.register(Page)
class PageAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "slug", "commission", "position"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DocumentInline]


@admin.register(Event)
class EventAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["title", "commission", "city", "starts_at", "role", "is_published"]
    list_filter = ["role", "is_published", "commission"]
    search_fields = ["title", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["city"]


@admin.register(EventRegistration)
class EventRegistrationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "event__commission"
    list_display = ["person", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    list_select_related = ["person", "event"]
    raw_id_fields = ["person"]


@admin.register(MailPreference)
class MailPreferenceAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    superusers_only = True
    list_display = ["person", "wants_optional_mail", "changed_at"]
    raw_id_fields = ["person"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    superusers_only = True
    list_display = ["person"]
    raw_id_fields = ["person"]
