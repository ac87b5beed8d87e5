"""Requests and pairing: a city asks, the secretariat pairs, the mentor city answers."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityloom.core.axes import Axis
from cityloom.core.models import record
from cityloom.mentoring import permissions, queries
from cityloom.mentoring.errors import MentoringError
from cityloom.mentoring.models import MentorCapacity, MentoringRequest, Methodology, Mode, Programme
from cityloom.mentoring.services.base import mail_city, mail_secretariat, site_url
from cityloom.mentoring.services.programmes import create_programme
from cityloom.network import queries as network_queries
from cityloom.network.models import City, Commission


def request_mentoring(
    city: City,
    *,
    by,
    commission: Commission,
    axes: list[str],
    need: str,
    topics: str = "",
    languages: list[str] | None = None,
    mode: str = Mode.STRUCTURED,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> MentoringRequest:
    """A focal point asks the commission for a mentor city."""
    if not permissions.can_request_for(by, city):
        raise PermissionDenied
    if not network_queries.is_active_member(city.pk, commission_id=commission.pk):
        raise MentoringError(_("Only member cities of the commission can request mentoring."))
    if not axes or any(a not in Axis.values for a in axes):
        raise MentoringError(_("Choose at least one axis."))
    if not need.strip():
        raise MentoringError(_("Describe the need in a few sentences."))
    if starts_on and ends_on and ends_on < starts_on:
        raise MentoringError(_("The end of the time frame comes before its start."))
    with transaction.atomic():
        request = MentoringRequest.objects.create(
            commission=commission,
            city=city,
            axes=axes,
            topics=topics.strip(),
            need=need.strip(),
            languages=list(languages or []),
            mode=mode,
            starts_on=starts_on,
            ends_on=ends_on,
            requested_by=by,
        )
        record("mentoring.request", request, actor=by, axes=request.axes, mode=mode)
        mail_secretariat(
            commission,
            "mentoring/email/request_created",
            {"city": city.name, "url": site_url("mentoring:request-detail", request.pk)},
        )
    return request


def withdraw_request(request: MentoringRequest, *, by) -> MentoringRequest:
    if not permissions.can_request_for(by, request.city):
        raise PermissionDenied
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (MentoringRequest.Status.OPEN, MentoringRequest.Status.PROPOSED):
            raise MentoringError(_("This request is no longer open."))
        request.status = MentoringRequest.Status.WITHDRAWN
        request.mentor = None
        request.save(update_fields=["status", "mentor", "updated_at"])
        record("mentoring.withdraw", request, actor=by)
    return request


def _check_mentor(request: MentoringRequest, mentor: City) -> None:
    if mentor.pk == request.city_id:
        raise MentoringError(_("A city cannot mentor itself."))
    if not network_queries.is_active_member(mentor.pk, commission_id=request.commission_id):
        raise MentoringError(_("The mentor must be a member city of the commission."))
    if request.declined_by.filter(pk=mentor.pk).exists():
        raise MentoringError(
            _("%(city)s has already declined this request.") % {"city": mentor.name}
        )
    committed = queries.committed_as_mentor([mentor.pk]).get(mentor.pk, 0)
    if committed >= queries.capacity_of(mentor):
        raise MentoringError(
            _("%(city)s has no capacity left for another programme.") % {"city": mentor.name}
        )


def propose_mentor(request: MentoringRequest, *, mentor: City, by) -> MentoringRequest:
    """The secretariat confirms (or changes) the pairing; the mentor city is asked to answer."""
    if not permissions.can_pair(by, request):
        raise PermissionDenied
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.OPEN:
            raise MentoringError(_("This request already has a mentor proposed or is closed."))
        _check_mentor(request, mentor)
        request.mentor = mentor
        request.status = MentoringRequest.Status.PROPOSED
        request.proposed_at = timezone.now()
        request.save(update_fields=["mentor", "status", "proposed_at", "updated_at"])
        record("mentoring.propose", request, actor=by, mentor=mentor.name)
        mail_city(
            mentor,
            "mentoring/email/pairing_proposed",
            {
                "mentee": request.city.name,
                "mentor": mentor.name,
                "url": site_url("mentoring:request-detail", request.pk),
            },
        )
    return request


def cancel_proposal(request: MentoringRequest, *, by) -> MentoringRequest:
    """The secretariat takes back a pairing not yet answered, to propose another city."""
    if not permissions.can_pair(by, request):
        raise PermissionDenied
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.PROPOSED:
            raise MentoringError(_("There is no pairing waiting for an answer."))
        previous = request.mentor
        request.mentor = None
        request.status = MentoringRequest.Status.OPEN
        request.save(update_fields=["mentor", "status", "updated_at"])
        record("mentoring.unpropose", request, actor=by, mentor=previous.name if previous else "")
    return request


def answer_pairing(
    request: MentoringRequest,
    *,
    by,
    accept: bool,
    message: str = "",
    methodology: str = Methodology.CLASSIC,
) -> Programme | None:
    """The mentor city's focal point accepts (a programme starts) or declines with a message."""
    if not permissions.can_answer(by, request):
        raise PermissionDenied
    if methodology not in Methodology.values:
        raise MentoringError(_("Choose a methodology."))
    if not accept and not message.strip():
        raise MentoringError(_("Tell the city why you decline, in a few words."))
    with transaction.atomic():
        request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != MentoringRequest.Status.PROPOSED or request.mentor_id != by.city_id:
            raise MentoringError(_("This pairing has already been answered."))
        mentor = request.mentor
        request.answer_message = message.strip()
        programme = None
        if accept:
            request.status = MentoringRequest.Status.ACCEPTED
            programme = create_programme(request, methodology=methodology)
            record("mentoring.accept", request, actor=by, programme=programme.pk)
        else:
            request.status = MentoringRequest.Status.OPEN
            request.mentor = None
            request.declined_by.add(mentor)
            record("mentoring.decline", request, actor=by, mentor=mentor.name)
        request.save(update_fields=["status", "mentor", "answer_message", "updated_at"])
        context = {
            "mentee": request.city.name,
            "mentor": mentor.name,
            "accepted": "yes" if accept else "",
            "message": request.answer_message,
            "url": site_url("mentoring:programme-detail", programme.pk)
            if programme
            else site_url("mentoring:request-detail", request.pk),
        }
        mail_city(request.city, "mentoring/email/pairing_answered", context)
        mail_secretariat(request.commission, "mentoring/email/pairing_answered", context)
    return programme


def apply_pairings(commission: Commission, *, by) -> int:
    """Propose every mentor of the optimal plan; returns the number of pairings proposed."""
    if not permissions.is_secretariat_of(by, commission.pk):
        raise PermissionDenied
    plan = queries.plan_pairings(commission)
    with transaction.atomic():
        n = 0
        for row in plan.rows:
            if row["mentor"] is not None:
                propose_mentor(row["request"], mentor=row["mentor"], by=by)
                n += 1
        record("mentoring.pair_many", commission, actor=by, proposed=n)
    return n


def set_capacity(city: City, *, by, max_programmes: int) -> MentorCapacity:
    if not permissions.can_set_capacity(by, city):
        raise PermissionDenied
    if not 0 <= max_programmes <= 20:
        raise MentoringError(_("The capacity must be between 0 and 20 programmes."))
    with transaction.atomic():
        capacity, _created = MentorCapacity.objects.update_or_create(
            city=city, defaults={"max_programmes": max_programmes}
        )
        record("mentoring.capacity", city, actor=by, max_programmes=max_programmes)
    return capacity
