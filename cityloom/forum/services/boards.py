"""Boards: the six axis boards of each commission, one per project and per working meeting, and
the secretariat's own. Each `ensure_*` is idempotent: the demo, `post_migrate` and the
`ensure_forum_boards` command call it; pages never write boards while they read."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from cityloom.core.axes import Axis
from cityloom.forum.models import Board, ModerationLog
from cityloom.meetings import queries as meeting_queries
from cityloom.meetings.models import Meeting
from cityloom.network import queries as network_queries
from cityloom.network.models import Commission
from cityloom.network.permissions import is_secretariat_of
from cityloom.projects import queries as project_queries
from cityloom.projects.models import Project

from .base import ForumError, PermissionDenied, log


def _in_each_language(text_of) -> dict[str, str]:
    texts = {}
    for language, suffix in (("en", ""), ("fr", "_fr"), ("es", "_es")):
        with override(language):
            texts[suffix] = str(text_of())
    return texts


@transaction.atomic
def ensure_axis_boards(commission: Commission) -> list[Board]:
    """The commission's six public axis boards, created when missing (titles in EN/FR/ES)."""
    boards = []
    for position, axis in enumerate(Axis):
        titles = _in_each_language(lambda axis=axis: Axis(axis).label)
        descriptions = _in_each_language(
            lambda axis=axis: (
                _("Open discussion on %(axis)s between the member cities.")
                % {"axis": Axis(axis).label.lower()}
            )
        )
        board, _created = Board.objects.get_or_create(
            commission=commission,
            kind=Board.Kind.AXIS,
            axis=axis,
            defaults={
                "slug": _unique_slug(f"{commission.slug}-{axis}"),
                "visibility": Board.Visibility.PUBLIC,
                "position": position,
                **{f"title{k}": v for k, v in titles.items()},
                **{f"description{k}": v for k, v in descriptions.items()},
            },
        )
        boards.append(board)
    return boards


def _unique_slug(base: str) -> str:
    base = slugify(base)[:70] or "board"
    slug, n = base, 2
    while Board.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def ensure_project_board(project: Project) -> Board:
    """The project's board, restricted to the people of its participating cities."""
    board = Board.objects.filter(project=project).first()
    if board is not None:
        return board
    return Board.objects.create(
        commission_id=project.commission_id,
        kind=Board.Kind.PROJECT,
        project=project,
        axis=project.axis,
        slug=_unique_slug(f"project-{project.title}"),
        title=project.title,
        title_fr=project.title_fr,
        title_es=project.title_es,
        visibility=Board.Visibility.RESTRICTED,
        position=200,
    )


@transaction.atomic
def ensure_meeting_board(meeting: Meeting) -> Board:
    """The working meeting's board, restricted to its registered participants."""
    board = Board.objects.filter(meeting=meeting).first()
    if board is not None:
        return board
    return Board.objects.create(
        commission_id=meeting.commission_id,
        kind=Board.Kind.MEETING,
        meeting=meeting,
        axis=meeting.axis,
        slug=_unique_slug(f"meeting-{meeting.slug}"),
        title=meeting.title,
        title_fr=meeting.title_fr,
        title_es=meeting.title_es,
        visibility=Board.Visibility.RESTRICTED,
        position=300,
    )


def ensure_all_boards() -> int:
    """Every board that should exist (each commission's axes, every project and meeting)."""
    before = Board.objects.count()
    from django.contrib.auth.models import AnonymousUser

    for commission in network_queries.commissions():
        ensure_axis_boards(commission)
    for project in project_queries.project_list():
        ensure_project_board(project)
    for meeting in meeting_queries.meeting_list(AnonymousUser()):  # every meeting not a draft
        ensure_meeting_board(meeting)
    return Board.objects.count() - before


def ensure_axis_boards_after_migrate(sender, *, using="default", apps=None, **kwargs) -> None:
    """`post_migrate`: the six axis boards of each commission exist once the tables do."""
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if Board._meta.db_table not in tables or Commission._meta.db_table not in tables:
        return
    for commission in network_queries.commissions():
        ensure_axis_boards(commission)


@transaction.atomic
def create_board(
    commission: Commission,
    *,
    by,
    title: str,
    title_fr: str = "",
    title_es: str = "",
    description: str = "",
    axis: str = "",
    visibility: str = Board.Visibility.MEMBERS,
    group_emails=(),
) -> Board:
    """A board of the secretariat's own; a restricted one needs its group (e-mail addresses
    of people who have an account)."""
    if not is_secretariat_of(by, commission.pk):
        raise PermissionDenied
    emails = {e.strip().lower() for e in group_emails if e.strip()}
    group = list(get_user_model().objects.filter(email__in=emails, is_active=True))
    unknown = sorted(emails - {p.email.lower() for p in group})
    if unknown:
        raise ForumError(
            _("No account has these addresses: %(emails)s.") % {"emails": ", ".join(unknown)},
            field="group",
        )
    if visibility == Board.Visibility.RESTRICTED and not group:
        raise ForumError(
            _("Name the people of the restricted group, or choose another visibility."),
            field="group",
        )
    board = Board.objects.create(
        commission=commission,
        kind=Board.Kind.CUSTOM,
        slug=_unique_slug(title),
        title=title,
        title_fr=title_fr,
        title_es=title_es,
        description=description,
        axis=axis,
        visibility=visibility,
        position=400,
    )
    if group:
        board.group.set(group)
    log(ModerationLog.Action.CREATE_BOARD, by=by, board=board, note=title)
    return board
