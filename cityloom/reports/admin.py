from django.contrib import admin

from cityloom.core.admin import CommissionScopedAdmin

from .models import AnnualReport, ReportText


class ReportTextInline(CommissionScopedAdmin, admin.TabularInline):
    """The saved versions: history, read here and written from the report's page."""

    model = ReportText
    commission_path = "report__commission"
    extra = 0
    fields = [
        "language",
        "number",
        "introduction",
        "relations",
        "conclusion",
        "author",
        "created_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["year", "commission", "status", "published_at"]
    list_filter = ["status", "commission"]
    # Publishing goes through the report's page (one service, with its checks).
    readonly_fields = ["status", "published_at", "published_by", "published_texts"]
    inlines = [ReportTextInline]
