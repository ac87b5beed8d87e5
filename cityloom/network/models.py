"""The organisation, its commissions and working groups, cities and their memberships."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityloom.accounts.models import User
from cityloom.core.fields import ChoicesListField
from cityloom.core.i18n import country_name, translated
from cityloom.core.languages import every_language_choices
from cityloom.core.models import TimeStampedModel
from cityloom.core.text import fold


class Region(models.TextChoices):
    """UCLG's world regions."""

    AFRICA = "africa", _("Africa")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")
    EURASIA = "eurasia", _("Eurasia")
    EUROPE = "europe", _("Europe")
    LATIN_AMERICA = "latin_america", _("Latin America")
    MIDDLE_EAST = "middle_east", _("Middle East and West Asia")
    NORTH_AMERICA = "north_america", _("North America")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=20)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def display_name(self) -> str:
        return translated(self, "name")


class CityQuerySet(models.QuerySet):
    def search(self, query: str):
        """Match any spelling GeoNames knows (`Bilbo`, `Бильбао`), accents ignored."""
        folded = fold(query.strip())
        if not folded:
            return self.none()
        return self.filter(search_names__contains=folded)

    def members(self):
        return self.filter(memberships__status=Membership.Status.ACTIVE).distinct()


class City(models.Model):
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    # Folded alternate names joined by "|": one indexed column serves search in any spelling.
    search_names = models.TextField(_("search names"), blank=True, editable=False)
    country_code = models.CharField(_("country code"), max_length=2, db_index=True)
    country_name = models.CharField(_("country"), max_length=100)
    region = models.CharField(_("region"), max_length=20, choices=Region, db_index=True)
    population = models.PositiveBigIntegerField(_("population"), default=0)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    # The main language first, as GeoNames lists them.
    languages = ChoicesListField(
        _("languages"),
        choices=every_language_choices,
        ordered=False,
        widget=forms.SelectMultiple,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name", "country_name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_name})"

    def get_absolute_url(self) -> str:
        return reverse("network:city-detail", args=[self.geonames_id])

    @property
    def country(self) -> str:
        """The country's name in the reader's language."""
        return country_name(self.country_code, self.country_name)

    @staticmethod
    def make_search_names(name: str, alternate_names: list[str]) -> str:
        names = {fold(n) for n in [name, *alternate_names] if n}
        return "|" + "|".join(sorted(names)) + "|"


class Commission(models.Model):
    class Kind(models.TextChoices):
        COMMISSION = "commission", _("Commission")
        WORKING_GROUP = "working_group", _("Working group")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="commissions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMMISSION)
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded in"), null=True, blank=True)
    president_city = models.ForeignKey(
        City,
        verbose_name=_("president city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presided_commissions",
    )
    president_name = models.CharField(_("president"), max_length=200, blank=True)
    secretariat_email = models.EmailField(_("secretariat e-mail"), blank=True)
    secretariat = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretariat staff"),
        blank=True,
        related_name="secretariat_of",
    )

    class Meta:
        verbose_name = _("commission or working group")
        verbose_name_plural = _("commissions and working groups")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:commission-detail", args=[self.slug])

    @property
    def display_name(self) -> str:
        return translated(self, "name")

    @property
    def display_description(self) -> str:
        return translated(self, "description")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("membership status", "requested")
        ACTIVE = "active", pgettext_lazy("membership status", "active")
        SUSPENDED = "suspended", pgettext_lazy("membership status", "suspended")
        LEFT = "left", pgettext_lazy("membership status", "left")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="memberships"
    )
    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ACTIVE)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "commission"], name="one_membership_per_commission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} — {self.commission}"


def _signed(salt: str, pk: int, email: str) -> str:
    # No timestamp in the token: validity is the model's (created_at), the same on every page.
    return signing.Signer(salt=salt).sign_object({"pk": pk, "email": email.lower()})


def _unsigned(salt: str, token: str) -> dict:
    """The payload of a token we signed, or {} for anything else."""
    try:
        data = signing.Signer(salt=salt).unsign_object(token)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


class MembershipRequestQuerySet(models.QuerySet):
    def for_token(self, token: str):
        """The request a confirmation link names (None if forged or altered)."""
        data = _unsigned(MembershipRequest.TOKEN_SALT, token)
        if not data:
            return None
        return self.filter(pk=data.get("pk"), email__iexact=data.get("email", "")).first()


class MembershipRequest(TimeStampedModel):
    TOKEN_SALT = "cityloom.network.membership-request"
    # The link mailed to the applicant proves the address; unconfirmed requests then lapse.
    CONFIRMATION_VALIDITY = dt.timedelta(days=3)

    class Status(models.TextChoices):
        # Nobody has proved the address yet: no mail but the confirmation link, and the request
        # does not hold the city's one pending place.
        UNCONFIRMED = "unconfirmed", pgettext_lazy("request status", "unconfirmed")
        PENDING = "pending", pgettext_lazy("request status", "pending")
        APPROVED = "approved", pgettext_lazy("request status", "approved")
        REJECTED = "rejected", pgettext_lazy("request status", "rejected")

    commission = models.ForeignKey(
        Commission,
        verbose_name=_("commission"),
        on_delete=models.CASCADE,
        related_name="membership_requests",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="membership_requests"
    )
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    motivation = models.TextField(_("motivation"), max_length=4000)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_message = models.TextField(_("message to the applicant"), blank=True)

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a second pending request, whatever the entry point.
            models.UniqueConstraint(
                fields=["city", "commission"],
                condition=Q(status="pending"),
                name="one_pending_request_per_city",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} → {self.commission}"

    @property
    def confirmation_token(self) -> str:
        return _signed(self.TOKEN_SALT, self.pk, self.email)

    @property
    def is_confirmable(self) -> bool:
        return (
            self.status == self.Status.UNCONFIRMED
            and timezone.now() < self.created_at + self.CONFIRMATION_VALIDITY
        )


class CommissionRelation(models.Model):
    """Two commissions working on related themes, as the report's synergies between commissions."""

    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), on_delete=models.CASCADE, related_name="relations"
    )
    related = models.ForeignKey(
        Commission,
        verbose_name=_("related commission"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("relation between commissions")
        verbose_name_plural = _("relations between commissions")
        constraints = [
            models.UniqueConstraint(fields=["commission", "related"], name="one_relation_per_pair"),
            models.CheckConstraint(
                condition=~Q(commission=models.F("related")), name="no_self_relation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commission} ↔ {self.related}"


class JointActivity(models.Model):
    """An activity run by several commissions at once (e.g. a joint peer-learning meeting)."""

    title = models.CharField(_("title"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    commissions = models.ManyToManyField(
        Commission, verbose_name=_("commissions"), related_name="joint_activities"
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return translated(self, "title")


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str):
        """The invitation a link names (None if forged or altered)."""
        data = _unsigned(Invitation.TOKEN_SALT, token)
        if not data:
            return None
        return self.filter(pk=data.get("pk"), email__iexact=data.get("email", "")).first()

    def open(self):
        """Not yet accepted and still valid."""
        return self.filter(
            accepted_at__isnull=True, created_at__gt=timezone.now() - Invitation.VALIDITY
        )


class Invitation(TimeStampedModel):
    """A city's place offered to an address: a colleague invited by a focal point, or the focal
    point's role when the secretariat approves a request. Nothing changes on any account until the
    address's owner accepts through the link mailed to it."""

    TOKEN_SALT = "cityloom.network.invitation"
    VALIDITY = dt.timedelta(days=30)

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=User.Role, default=User.Role.MEMBER)
    name = models.CharField(_("name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    request = models.ForeignKey(
        "MembershipRequest",
        verbose_name=_("membership request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def token(self) -> str:
        return _signed(self.TOKEN_SALT, self.pk, self.email)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and timezone.now() < self.created_at + self.VALIDITY
