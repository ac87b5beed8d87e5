"""Named steps the network's demo data file calls: what the platform builds, not data."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from cityloom.network.models import City
from cityloom.network.services import import_geonames_cities


def ensure_cities(*, geonames_ids: list[int]) -> int:
    """Import from GeoNames the demo's cities the database does not hold yet."""
    missing = set(geonames_ids) - set(
        City.objects.filter(geonames_id__in=geonames_ids).values_list("geonames_id", flat=True)
    )
    return import_geonames_cities(geonames_ids=missing) if missing else 0


def secretariat_group() -> Group:
    """Back-office rights of the secretariat in the admin; object rules still apply on top."""
    group, _ = Group.objects.get_or_create(name="Secretariat")
    # The domains' records (each admin then keeps the secretariat to its commissions), the
    # audit trail to read, and no "auth" right at all: groups and permissions are given by
    # superusers only. People join by invitation; adding or deleting accounts is the
    # superusers' too.
    wanted = Permission.objects.filter(
        Q(
            content_type__app_label__in=[
                "network",
                "accounts",
                "practices",
                "observatory",
                "study",
                "meetings",
                "mentoring",
                "projects",
                "communications",
                "forum",
                "reports",
            ]
        )
        # Core's records the secretariat reads: the audit trail, and the tags every
        # commission shares (superusers curate them).
        | Q(content_type__app_label="core", codename__in=["view_auditevent", "view_tag"])
    ).exclude(codename__in=["add_user", "delete_user"])
    if set(group.permissions.values_list("pk", flat=True)) != set(
        wanted.values_list("pk", flat=True)
    ):
        group.permissions.set(wanted)
    return group
