from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityloom.core.admin import CommissionScopedAdmin

from .models import User


@admin.register(User)
class UserAdmin(CommissionScopedAdmin, DjangoUserAdmin):
    """Superusers manage accounts; the secretariat reads its member cities' people.

    Privileges (superuser, staff, groups, permissions) are granted by superusers only, who
    also add and delete accounts; roles are given on the platform's dashboard
    (`network.services.assign_role`), which keeps the secretariat to its commissions. Here
    the secretariat corrects a person's name, position and language, never what lets
    someone log in or act (e-mail, password, city, role, active): changing those for a
    person of a city shared with another commission would take over its focal point.
    """

    # A person belongs to their city, and through it to every commission the city is in.
    commission_path = "city__memberships__commission"
    ordering = ["email"]
    list_display = ["email", "name", "city", "role", "language", "is_staff", "is_active"]
    list_filter = ["role", "language", "is_staff", "is_active", "city__country_name"]
    search_fields = ["email", "name", "city__name"]
    autocomplete_fields = ["city"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "position", "language")}),
        (_("City and role"), {"fields": ("city", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    secretariat_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Person"), {"fields": ("name", "position", "language")}),
        (
            _("City and role"),
            {
                "fields": ("city", "role"),
                "description": _("Roles are changed from the dashboard of the platform, not here."),
            },
        ),
        (_("Status"), {"fields": ("is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    secretariat_readonly_fields = (
        "email",
        "city",
        "role",
        "is_active",
        "is_staff",
        "last_login",
        "date_joined",
    )

    def scope_filter(self, request):
        condition = super().scope_filter(request)
        if condition is None:
            return None
        return condition | Q(pk=request.user.pk)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        if obj.pk == request.user.pk:
            # One's own password, through the admin's password form.
            return ((None, {"fields": ("email", "password")}), *self.secretariat_fieldsets[1:])
        return self.secretariat_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return self.secretariat_readonly_fields

    @staticmethod
    def is_protected(person) -> bool:
        """People with back-office rights: only superusers change them."""
        return person.is_superuser or person.is_staff or person.secretariat_of.exists()

    def can_change(self, request, obj) -> bool:
        if obj.pk == request.user.pk:
            return True
        return super().can_change(request, obj) and not self.is_protected(obj)

    def has_add_permission(self, request, *args):
        # People join by invitation or sign-up; accounts made here would belong to no city.
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        # Deleting an account deletes its login records and its part in every commission
        # of the city: the organisation's decision, not one commission's.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser and str(id) != str(request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
