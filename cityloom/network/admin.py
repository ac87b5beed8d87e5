from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import permissions, services
from .models import (
    City,
    Commission,
    CommissionRelation,
    Invitation,
    JointActivity,
    Membership,
    MembershipRequest,
    Organisation,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "website"]


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["city"]
    extra = 0


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "president_city", "secretariat_email"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "name_fr", "name_es"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["president_city", "secretariat"]
    inlines = [MembershipInline]

    def has_change_permission(self, request, obj=None):
        # The secretariat runs its own commissions, not the others'.
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return permissions.secretariat_commissions(request.user).filter(pk=obj.pk).exists()


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country_name", "region", "population", "geonames_id"]
    list_filter = ["region"]
    search_fields = ["name", "search_names", "=geonames_id"]
    readonly_fields = ["geonames_id"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_names")

    def has_change_permission(self, request, obj=None):
        # Superusers, the secretariat of the city's commissions, or its own focal point.
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_edit_city(request.user, obj) and super().has_change_permission(
            request, obj
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["city", "commission", "status", "joined_on", "left_on"]
    list_filter = ["commission", "status", "city__region"]
    search_fields = ["city__name"]
    autocomplete_fields = ["city"]
    date_hierarchy = "joined_on"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("city", "commission")
        return qs.filter(commission__in=permissions.secretariat_commissions(request.user))


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["city", "commission", "contact_name", "email", "status", "created_at"]
    list_filter = ["status", "commission"]
    search_fields = ["city__name", "email", "contact_name"]
    readonly_fields = ["status", "decided_by", "decided_at", "decision_message", "created_at"]
    autocomplete_fields = ["city"]
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("city", "commission")
        return qs.filter(commission__in=permissions.secretariat_commissions(request.user))

    def _decide(self, request, queryset, decide):
        done = 0
        for application in queryset:
            try:
                decide(application)
                done += 1
            except (services.MembershipError, PermissionDenied) as exc:
                messages.error(
                    request, f"{application}: {getattr(exc, 'messages', [_('not allowed')])[0]}"
                )
        if done:
            messages.success(
                request,
                ngettext("%(n)d request decided.", "%(n)d requests decided.", done) % {"n": done},
            )

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request, queryset):
        self._decide(request, queryset, lambda a: services.approve_membership(a, by=request.user))

    @admin.action(description=_("Reject the selected requests"))
    def reject(self, request, queryset):
        message = str(_("Your request was not accepted at this time."))
        self._decide(
            request,
            queryset,
            lambda a: services.reject_membership(a, by=request.user, message=message),
        )


@admin.register(CommissionRelation)
class CommissionRelationAdmin(admin.ModelAdmin):
    list_display = ["commission", "related"]


@admin.register(JointActivity)
class JointActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_on", "city"]
    filter_horizontal = ["commissions"]
    autocomplete_fields = ["city"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "city", "invited_by", "created_at"]
    search_fields = ["email", "city__name"]
