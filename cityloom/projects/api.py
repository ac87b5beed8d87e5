import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from cityloom.core.api import errors

from . import queries

router = Router(tags=["projects"])


class CollaborativeProjectCityOut(Schema):
    city: int  # GeoNames id
    name: str
    role: str
    joined_on: dt.date | None
    left_on: dt.date | None


class ProjectNextActivityOut(Schema):
    title: str
    starts_at: dt.datetime


class CollaborativeProjectOut(Schema):
    id: int
    title: str
    question: str
    axis: str
    status: str
    commission: str
    lead_city: int | None  # GeoNames id
    starts_on: dt.date | None
    cities: list[CollaborativeProjectCityOut]
    next_activity: ProjectNextActivityOut | None


def _out(project) -> dict:
    return {
        "id": project.pk,
        "title": project.title,
        "question": project.question,
        "axis": project.axis,
        "status": project.status,
        "commission": project.commission.slug,
        "lead_city": project.lead_city.geonames_id if project.lead_city else None,
        "starts_on": project.starts_on,
        "cities": [
            {
                "city": m.city.geonames_id,
                "name": m.city.name,
                "role": m.role,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in project.memberships.all()
        ],
        "next_activity": (
            {"title": project.next_activity_title, "starts_at": project.next_starts_at}
            if project.next_starts_at
            else None
        ),
    }


@router.get("/projects", response=list[CollaborativeProjectOut])
def list_projects(request):
    """Collaborative projects with their cities (and roles) and their next activity."""
    return [_out(p) for p in queries.project_list()]


@router.get("/projects/{project_id}", response={200: CollaborativeProjectOut, **errors(404, 422)})
def get_project(request, project_id: int):
    return _out(get_object_or_404(queries.project_list(), pk=project_id))
