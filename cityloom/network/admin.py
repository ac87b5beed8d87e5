from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cityloom.core.admin import CommissionScopedAdmin

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
class OrganisationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    global_reason = _(
        "The organisation stands above its commissions: superusers change it, the "
        "secretariat reads it."
    )
    list_display = ["acronym", "name", "website"]


class MembershipInline(CommissionScopedAdmin, admin.TabularInline):
    model = Membership
    commission_path = "commission"
    autocomplete_fields = ["city"]
    extra = 0


@admin.register(Commission)
class CommissionAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # The secretariat runs its own commissions; creating or deleting one is the
    # organisation's decision (superusers).
    commission_path = "pk"
    list_display = ["name", "kind", "president_city", "secretariat_email"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "name_fr", "name_es"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["president_city", "secretariat"]
    inlines = [MembershipInline]

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def can_delete(self, request, obj) -> bool:
        return False


@admin.register(City)
class CityAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # A city may be a member of several commissions and its facts are public: everyone
    # with access lists every city and picks any one (a new member, a meeting's host).
    # Its focal point and the secretariat of its commissions edit it
    # (`permissions.can_edit_city`); only superusers add or delete cities, since deleting
    # one deletes other commissions' records with it.
    commission_path = "memberships__commission"
    readable_by_all = True
    list_display = ["name", "country_name", "region", "population", "geonames_id"]
    list_filter = ["region"]
    search_fields = ["name", "search_names", "=geonames_id"]
    readonly_fields = ["geonames_id"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_names")

    def can_change(self, request, obj) -> bool:
        return permissions.can_edit_city(request.user, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def can_delete(self, request, obj) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["city", "commission", "status", "joined_on", "left_on"]
    list_filter = ["commission", "status", "city__region"]
    search_fields = ["city__name"]
    autocomplete_fields = ["city"]
    date_hierarchy = "joined_on"

    list_select_related = ["city", "commission"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    commission_path = "commission"
    list_display = ["city", "commission", "contact_name", "email", "status", "created_at"]
    list_filter = ["status", "commission"]
    search_fields = ["city__name", "email", "contact_name"]
    readonly_fields = ["status", "decided_by", "decided_at", "decision_message", "created_at"]
    autocomplete_fields = ["city"]
    actions = ["approve", "reject"]
    list_select_related = ["city", "commission"]

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
class CommissionRelationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # A relation is the declaring commission's own view of another one; the form offers
    # only the person's own commissions, so relating to another commission is the
    # organisation's work (superusers).
    commission_path = "commission"
    list_display = ["commission", "related"]


@admin.register(JointActivity)
class JointActivityAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # Joint: each commission's secretariat sees and edits it, keeps the other commissions
    # on it (the form lists only its own), and deletes it only when it runs it alone.
    commission_path = "commissions"
    list_display = ["title", "starts_on", "city"]
    filter_horizontal = ["commissions"]
    autocomplete_fields = ["city"]


@admin.register(Invitation)
class InvitationAdmin(CommissionScopedAdmin, admin.ModelAdmin):
    # An invitation offers a place (and a role) in a city: the platform writes it and mails
    # the link. The secretariat reads and revokes (deletes) those of its member cities here;
    # writing one in the admin would skip the mail and the checks of the invite page.
    commission_path = "city__memberships__commission"
    list_display = ["email", "city", "invited_by", "created_at"]
    search_fields = ["email", "city__name"]

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def can_change(self, request, obj) -> bool:
        return False
