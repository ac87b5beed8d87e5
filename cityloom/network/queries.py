"""Reads shared by pages, the API and (later) the reports."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from cityloom.core import cache as page_cache
from cityloom.core.i18n import country_name
from cityloom.core.text import fold
from cityloom.study import queries as study_queries

from .models import City, Commission, Invitation, Membership, MembershipRequest, Region
from .permissions import secretariat_commissions

User = get_user_model()


def member_directory(
    *,
    commission: Commission | None = None,
    q: str = "",
    country: str = "",
    region: str = "",
    year: int | None = None,
):
    """Active memberships, newest filters first; one row per city and commission."""
    rows = Membership.objects.active().select_related("city", "commission")
    if commission is not None:
        rows = rows.filter(commission=commission)
    if q and (folded := fold(q.strip())):
        # Search the members' names only: a subquery over all 34,000 cities costs 3 times more.
        rows = rows.filter(city__search_names__contains=folded)
    if country:
        rows = rows.filter(city__country_code=country)
    if region:
        rows = rows.filter(city__region=region)
    if year:
        rows = rows.filter(joined_on__year=year)
    return rows.order_by("city__name", "commission__name")


def directory_city_count(rows: QuerySet[Membership]) -> int:
    """How many cities the directory's rows name (a city in two commissions counts once)."""
    return rows.order_by().values("city_id").distinct().count()


def directory_facets(commission: Commission | None = None) -> dict:
    """The directory's filter options; read over every member, so kept until the next write."""
    return page_cache.memo(
        f"network:facets:{commission.pk if commission else ''}:{get_language()}",
        lambda: _directory_facets(commission),
    )


def _directory_facets(commission: Commission | None) -> dict:
    rows = Membership.objects.active()
    if commission is not None:
        rows = rows.filter(commission=commission)
    # Without order_by(), DISTINCT also reads Membership's default ordering (the city's name):
    # one row per city instead of one per country.
    codes = rows.order_by().values_list("city__country_code", "city__country_name").distinct()
    countries = sorted(
        ((code, country_name(code, name)) for code, name in codes), key=lambda c: fold(c[1])
    )
    # The distinct years in SQL: reading every membership's date grew with the network.
    years = [d.year for d in rows.order_by().dates("joined_on", "year")]
    return {"countries": countries, "years": years, "regions": Region.choices}


def members_by_region(commission: Commission) -> list[tuple[str, str, int]]:
    """(region, its name, number of active members) of the commission, regions without members
    left out: counts, each linked to the directory, so the page stays the same size whatever
    the number of members."""
    counts = dict(
        commission.memberships.active()
        .order_by()
        .values_list("city__region")
        .annotate(n=Count("pk"))
    )
    return [(value, label, counts[value]) for value, label in Region.choices if counts.get(value)]


def member_counts() -> dict:
    """How many cities are active members of any commission, and from how many countries;
    read over every member, so kept until the next write."""
    return page_cache.memo(
        "network:member-counts",
        lambda: City.objects.filter(pk__in=Membership.objects.active().values("city_id")).aggregate(
            cities=Count("pk"), countries=Count("country_code", distinct=True)
        ),
    )


def commissions_overview():
    # A subquery per commission reads its members through the index; a join grouped by every
    # column of the commission took 92 ms with 4,100 members against 4.6 ms.
    active = (
        Membership.objects.active()
        .filter(commission=OuterRef("pk"))
        .order_by()
        .values("commission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Commission.objects.select_related("president_city", "organisation").annotate(
        member_count=Coalesce(Subquery(active, output_field=IntegerField()), 0)
    )


def map_members(commission: Commission | None = None) -> list[City]:
    cities = City.objects.members()
    if commission is not None:
        cities = cities.filter(
            memberships__commission=commission, memberships__status=Membership.Status.ACTIVE
        )
    return list(
        cities.only("geonames_id", "name", "country_code", "country_name", "latitude", "longitude")
    )


def featured_commission() -> Commission | None:
    """The thematic commission with the most active members, shown first on the home page."""
    return (
        commissions_overview()
        .filter(kind=Commission.Kind.COMMISSION)
        .order_by("-member_count")
        .first()
    )


def commissions() -> QuerySet[Commission]:
    return Commission.objects.all()


def commissions_in_full() -> QuerySet[Commission]:
    return Commission.objects.select_related("president_city", "organisation")


def commission_focal_points(commission: Commission) -> QuerySet:
    """The focal points of the commission's active member cities, by city name."""
    return (
        User.objects.filter(
            role=User.Role.FOCAL_POINT,
            city__memberships__commission=commission,
            city__memberships__status="active",
        )
        .select_related("city")
        .order_by("city__name")
    )


def commission_relations(commission: Commission) -> QuerySet:
    return commission.relations.select_related("related")


def joint_activities(commission: Commission) -> QuerySet:
    return commission.joint_activities.prefetch_related("commissions").select_related("city")


def is_active_member(city_id: int | None, *, commission_id: int | None = None) -> bool:
    """Whether the city is an active member of the commission, or of any when none is named."""
    memberships = Membership.objects.active().filter(city_id=city_id)
    if commission_id is not None:
        memberships = memberships.filter(commission_id=commission_id)
    return memberships.exists()


def active_member_cities(commissions: QuerySet[Commission] | list[Commission]) -> QuerySet[City]:
    """The cities with an active membership of any of `commissions`, each once."""
    return City.objects.filter(
        memberships__commission__in=commissions,
        memberships__status=Membership.Status.ACTIVE,
    ).distinct()


def active_commissions_of(city: City) -> QuerySet[Commission]:
    """The commissions the city is an active member of."""
    return Commission.objects.filter(
        memberships__city=city, memberships__status=Membership.Status.ACTIVE
    )


def city_memberships(city: City) -> QuerySet[Membership]:
    return city.memberships.select_related("commission").order_by("joined_on")


def city_focal_points(city: City) -> QuerySet:
    return city.people.filter(role=User.Role.FOCAL_POINT)


def city_study_results(city: City) -> QuerySet:
    """The city's published study results, newest edition first."""
    return study_queries.published_results_of(city)


def city_matches(q: str) -> QuerySet[City] | list[City]:
    """The city picker's matches: up to 15, biggest first; nothing under two letters."""
    if len(q.strip()) < 2:
        return []
    return City.objects.search(q).order_by("-population")[:15]


def city_by_pk(pk: int) -> City | None:
    return City.objects.filter(pk=pk).first()


def city_by_geonames_id(geonames_id: int) -> City | None:
    return City.objects.filter(geonames_id=geonames_id).first()


def city_pks_by_geonames_id(geonames_ids) -> dict[int, int]:
    """{GeoNames id: city key} for the cities among `geonames_ids` that the platform knows."""
    return dict(City.objects.filter(geonames_id__in=geonames_ids).values_list("geonames_id", "pk"))


def cities_of_people(people) -> QuerySet[City]:
    """The cities `people` (people, or a subquery of their keys) belong to, each once, by name."""
    return City.objects.filter(people__in=people).distinct().order_by("name")


def first_active_membership(city: City, *, commission: Commission | None = None):
    """The city's oldest active membership (of `commission`, if given), with its commission;
    None when the city is no active member."""
    memberships = Membership.objects.active().filter(city=city)
    if commission is not None:
        memberships = memberships.filter(commission=commission)
    return memberships.select_related("commission").order_by("joined_on", "id").first()


def application_for_token(token: str) -> MembershipRequest | None:
    return MembershipRequest.objects.select_related("city", "commission").for_token(token)


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("city", "invited_by").for_token(token)


def secretariat_work(user) -> dict:
    """The secretariat's side of the dashboard: requests to decide, recent decisions, people."""
    commissions = secretariat_commissions(user)
    return {
        "pending": MembershipRequest.objects.filter(
            commission__in=commissions, status="pending"
        ).select_related("city", "commission"),
        "recent_decisions": MembershipRequest.objects.filter(
            commission__in=commissions,
            status__in=[MembershipRequest.Status.APPROVED, MembershipRequest.Status.REJECTED],
        ).select_related("city", "commission", "decided_by")[:10],
        "people": User.objects.filter(city__memberships__commission__in=commissions)
        .distinct()
        .select_related("city")
        .order_by("city__name", "email"),
    }


def colleagues(city: City) -> QuerySet:
    return User.objects.filter(city_id=city.pk).order_by("email")


def open_invitations(city: City) -> QuerySet[Invitation]:
    return Invitation.objects.open().filter(city_id=city.pk)


def requests_to_decide(user) -> dict:
    """The confirmed membership requests the user's secretariat has to decide: count, oldest."""
    return MembershipRequest.objects.filter(
        commission__in=secretariat_commissions(user), status=MembershipRequest.Status.PENDING
    ).aggregate(count=Count("pk"), since=Min("created_at"))


def invitations_waiting(city_id: int) -> dict:
    """The city's invitations not yet answered: count, oldest."""
    return (
        Invitation.objects.open()
        .filter(city_id=city_id)
        .aggregate(count=Count("pk"), since=Min("created_at"))
    )


def new_members_in(commission: Commission, year: int) -> list[tuple[Membership, object]]:
    """Memberships that began in `year`, each with the approved request it came from (or None).

    Two queries, whatever the number of members (the annual report).
    """
    joined = list(
        Membership.objects.filter(commission=commission, joined_on__year=year)
        .exclude(status=Membership.Status.REQUESTED)
        .select_related("city")
        .order_by("joined_on", "city__name")
    )
    requests = {}
    approved = MembershipRequest.objects.filter(
        commission=commission,
        status=MembershipRequest.Status.APPROVED,
        city_id__in=[m.city_id for m in joined],
    ).order_by("created_at")
    for request in approved:
        requests[request.city_id] = request  # the latest approval wins
    return [(m, requests.get(m.city_id)) for m in joined]


def member_count_on(commission: Commission, day) -> int:
    """Cities that were members of the commission on `day` (joined by then, not left yet)."""
    return (
        Membership.objects.filter(commission=commission, joined_on__lte=day)
        .exclude(status=Membership.Status.REQUESTED)
        .exclude(left_on__lte=day)
        .count()
    )


def joint_activities_in(commission: Commission, year: int) -> list:
    """The commission's joint activities dated in `year`, with their city and commissions."""
    return list(
        commission.joint_activities.filter(starts_on__year=year)
        .select_related("city")
        .prefetch_related("commissions")
        .order_by("starts_on", "pk")
    )


def first_year_of(commission: Commission) -> int | None:
    """The year the commission's first member joined (the start of its history), if any."""
    first = Membership.objects.filter(commission=commission, joined_on__isnull=False).aggregate(
        first=Min("joined_on")
    )["first"]
    return first.year if first else None
