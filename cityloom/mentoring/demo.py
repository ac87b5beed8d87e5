"""Demo data: the two programmes of the 2013 report, capacities and two open requests.

Bilbao-Bordeaux is advanced (three milestones done, monitoring reports filed);
Bilbao-Johannesburg has just started. Dates follow today, so reminders and the dashboard's
next milestones stay meaningful whenever the demo is loaded.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cityloom.network.models import City, Commission

from .models import (
    Activity,
    Health,
    MentorCapacity,
    MentoringRequest,
    Message,
    Methodology,
    Milestone,
    Mode,
    MonitoringReport,
    Objective,
    Programme,
    Stage,
)
from .services import TEMPLATES

BILBAO, BORDEAUX, JOHANNESBURG, POITIERS, PAU = 3128026, 3031582, 993800, 2986495, 2988358
CAPACITIES = {BILBAO: 3, BORDEAUX: 2, POITIERS: 1, PAU: 1}

User = get_user_model()


def _focal(city: City):
    return User.objects.filter(city=city, role=User.Role.FOCAL_POINT).first()


def _programme(commission, mentor, mentee, *, axes, started_on, done, status, request_text):
    request = MentoringRequest.objects.create(
        commission=commission,
        city=mentee,
        axes=axes,
        need=request_text,
        languages="en,es,fr",
        mode=Mode.STRUCTURED,
        status=MentoringRequest.Status.ACCEPTED,
        requested_by=_focal(mentee),
        mentor=mentor,
        proposed_at=timezone.now(),
    )
    programme = Programme.objects.create(
        request=request,
        commission=commission,
        mentor=mentor,
        mentee=mentee,
        axes=axes,
        mode=Mode.STRUCTURED,
        methodology=Methodology.CLASSIC,
        started_on=started_on,
        status=status,
    )
    milestones = [
        Milestone(
            programme=programme,
            stage=stage,
            due_on=started_on + dt.timedelta(days=days),
            done_on=started_on + dt.timedelta(days=days - 3) if i < done else None,
        )
        for i, (stage, days) in enumerate(TEMPLATES[Methodology.CLASSIC])
    ]
    Milestone.objects.bulk_create(milestones)
    upcoming = next((m for m in milestones if m.done_on is None), None)
    programme.stage = upcoming.stage if upcoming else Stage.ACTION_PLAN
    programme.save(update_fields=["stage"])
    return programme


def load_demo() -> list[str]:
    """Create the demo mentoring (idempotent); returns the programmes created."""
    commission = Commission.objects.filter(slug="digital-cities").first()
    if commission is None:
        return []
    cities = {
        c.geonames_id: c for c in City.objects.filter(geonames_id__in=[*CAPACITIES, JOHANNESBURG])
    }
    if not {BILBAO, BORDEAUX, JOHANNESBURG} <= set(cities):
        return []
    bilbao, bordeaux, johannesburg = cities[BILBAO], cities[BORDEAUX], cities[JOHANNESBURG]
    created = []
    today = timezone.localdate()
    with transaction.atomic():
        for geonames_id, n in CAPACITIES.items():
            if geonames_id in cities:
                MentorCapacity.objects.get_or_create(
                    city=cities[geonames_id], defaults={"max_programmes": n}
                )
        if not Programme.objects.filter(mentor=bilbao, mentee=bordeaux).exists():
            started = today - dt.timedelta(days=200)
            programme = _programme(
                commission,
                bilbao,
                bordeaux,
                axes=["governance", "people"],
                started_on=started,
                done=3,
                status=Health.ON_TRACK,
                request_text="Bordeaux wants to learn how Bilbao runs its citizen services "
                "online and trains residents in digital skills.",
            )
            Objective.objects.bulk_create(
                [
                    Objective(
                        programme=programme,
                        title="Put the main municipal procedures online",
                        baseline=35,
                        target=70,
                    ),
                    Objective(
                        programme=programme,
                        title="Train 2,000 residents in digital skills",
                        baseline=0,
                        target=2000,
                    ),
                ]
            )
            Activity.objects.bulk_create(
                [
                    Activity(
                        programme=programme,
                        kind=Activity.Kind.MEETING,
                        happened_on=started + dt.timedelta(days=14),
                        summary="Kick-off call: both teams, the needs assessment questionnaire.",
                        by=_focal(bilbao),
                    ),
                    Activity(
                        programme=programme,
                        kind=Activity.Kind.VISIT,
                        happened_on=started + dt.timedelta(days=150),
                        summary="Bordeaux's team visits Bilbao's citizen service centre (Zuzenean).",
                        by=_focal(bordeaux),
                    ),
                ]
            )
            for days, status, text in (
                (60, Health.ON_TRACK, "Needs assessment done; the plan is being written."),
                (120, Health.AT_RISK, "The study visit had to move by three weeks."),
                (170, Health.ON_TRACK, "Study visit done; the action plan is next."),
            ):
                report = MonitoringReport.objects.create(
                    programme=programme, status=status, summary=text, by=_focal(bilbao)
                )
                MonitoringReport.objects.filter(pk=report.pk).update(
                    created_at=timezone.now() - dt.timedelta(days=200 - days)
                )
            Message.objects.create(
                programme=programme,
                author=_focal(bordeaux),
                text="Thank you for the visit: could you share the service catalogue?",
            )
            created.append(str(programme))
        if not Programme.objects.filter(mentor=bilbao, mentee=johannesburg).exists():
            programme = _programme(
                commission,
                bilbao,
                johannesburg,
                axes=["governance"],
                started_on=today - dt.timedelta(days=10),
                done=0,
                status=Health.ON_TRACK,
                request_text="Johannesburg is starting an e-government strategy and wants a "
                "city that has done it to guide the first year.",
            )
            Objective.objects.create(
                programme=programme,
                title="Adopt an e-government strategy",
                baseline=0,
                target=1,
            )
            created.append(str(programme))
        open_requests = [
            (POITIERS, ["environment"], "Monitoring air quality with low-cost sensors."),
            (PAU, ["mobility"], "Real-time passenger information for our buses."),
        ]
        for geonames_id, axes, need in open_requests:
            city = cities.get(geonames_id)
            if city and not MentoringRequest.objects.filter(city=city, need=need).exists():
                MentoringRequest.objects.create(
                    commission=commission,
                    city=city,
                    axes=axes,
                    need=need,
                    languages="fr",
                    mode=Mode.INFORMAL if geonames_id == PAU else Mode.STRUCTURED,
                    requested_by=_focal(city),
                )
    return created
