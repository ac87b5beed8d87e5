"""Object-level rules of a project: who creates, edits, asks to join, decides, answers."""

from cityloom.network import queries as network_queries
from cityloom.network.permissions import is_secretariat_of, secretariat_commissions

from .models import CityTask, JoinRequest, Project, ProjectCity


def is_project_secretariat(user, project: Project) -> bool:
    return is_secretariat_of(user, project.commission_id)


def can_create_project(user) -> bool:
    """The secretariat, and a member city's focal point (whose city then leads the project)."""
    if not user.is_authenticated:
        return False
    if user.is_focal_point and network_queries.is_active_member(user.city_id):
        return True
    return secretariat_commissions(user).exists()


def can_edit_project(user, project: Project) -> bool:
    """The commission's secretariat, and the lead city's focal points."""
    if not user.is_authenticated:
        return False
    if user.is_focal_point and project.lead_city_id and user.city_id == project.lead_city_id:
        return True
    return is_project_secretariat(user, project)


def takes_part(city_id, project: Project) -> bool:
    return (
        city_id is not None
        and ProjectCity.objects.taking_part().filter(project=project, city_id=city_id).exists()
    )


def can_request_join(user, project: Project) -> bool:
    """A focal point, on behalf of a member city of the commission not already taking part."""
    return (
        user.is_authenticated
        and user.is_focal_point
        and project.status in (Project.Status.PROPOSED, Project.Status.ACTIVE)
        and network_queries.is_active_member(user.city_id, commission_id=project.commission_id)
        and not takes_part(user.city_id, project)
    )


def can_propose_project(user) -> bool:
    return (
        user.is_authenticated
        and user.is_focal_point
        and network_queries.is_active_member(user.city_id)
    )


def can_decide(user, join_request: JoinRequest) -> bool:
    return is_secretariat_of(user, join_request.commission_id)


def can_answer_task(user, task: CityTask) -> bool:
    """A focal point of a city taking part answers for that city."""
    return user.is_authenticated and user.is_focal_point and takes_part(user.city_id, task.project)


def can_leave(user, project: Project, city_id: int) -> bool:
    """The city's own focal point, or whoever edits the project."""
    if not user.is_authenticated:
        return False
    if user.is_focal_point and user.city_id == city_id:
        return True
    return can_edit_project(user, project)
