"""Object-level rules of the forum: who reads a board, who writes, who moderates.

- A public board is read by anyone; a members-only board by the people of the commission's
  active member cities; a restricted board by its group: the cities taking part in the
  project (project board), the registered participants (meeting board), or the people the
  secretariat named (its own boards). The commission's secretariat reads and moderates all.
- Writing needs to be able to read, and to belong: a visitor never writes, and neither does
  a person of another network on a public board.
"""

from django.db.models import Q

from cityloom.meetings import permissions as meeting_permissions
from cityloom.network import queries as network_queries
from cityloom.network.permissions import is_secretariat_of, secretariat_commissions
from cityloom.projects import permissions as project_permissions

from .models import Board, Post, Thread


def can_moderate(user, board: Board) -> bool:
    return is_secretariat_of(user, board.commission_id)


def can_create_board(user) -> bool:
    return secretariat_commissions(user).exists()


def _is_member(user, board: Board) -> bool:
    return bool(user.city_id) and network_queries.is_active_member(
        user.city_id, commission_id=board.commission_id
    )


def _in_group(user, board: Board) -> bool:
    if board.kind == Board.Kind.PROJECT:
        return project_permissions.takes_part(user.city_id, board.project)
    if board.kind == Board.Kind.MEETING:
        return meeting_permissions.is_participant(user, board.meeting)
    return board.group.filter(pk=user.pk).exists()


def can_read_board(user, board: Board) -> bool:
    if board.visibility == Board.Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if can_moderate(user, board):
        return True
    if board.visibility == Board.Visibility.MEMBERS:
        return _is_member(user, board)
    return _in_group(user, board)


def can_post(user, board: Board) -> bool:
    """Start a thread or reply: a reader who belongs (member, group or secretariat)."""
    if not user.is_authenticated:
        return False
    if can_moderate(user, board):
        return True
    if board.visibility == Board.Visibility.RESTRICTED:
        return _in_group(user, board)
    return _is_member(user, board)


def can_reply(user, thread: Thread) -> bool:
    if thread.is_locked and not can_moderate(user, thread.board):
        return False
    return can_post(user, thread.board)


def can_edit_post(user, post: Post) -> bool:
    """Only the author, while the post is visible and the thread open."""
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and not post.is_hidden
        and not post.thread.is_locked
    )


def can_report(user, post: Post) -> bool:
    return (
        user.is_authenticated
        and post.author_id != user.pk
        and not post.is_hidden
        and can_read_board(user, post.thread.board)
    )


def can_subscribe(user, board: Board) -> bool:
    return user.is_authenticated and can_read_board(user, board)


def readable_boards(user):
    """The boards `user` may read, as a queryset: the same rules as `can_read_board`, in SQL,
    so lists and search never load a board to ask."""
    boards = Board.objects.all()
    if user.is_authenticated and user.is_superuser:
        return boards
    readable = Q(visibility=Board.Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= Q(commission__in=secretariat_commissions(user).values("pk"))
        if user.city_id:
            readable |= Q(
                visibility=Board.Visibility.MEMBERS,
                commission__memberships__city_id=user.city_id,
                commission__memberships__status="active",
            )
            readable |= Q(
                visibility=Board.Visibility.RESTRICTED,
                kind=Board.Kind.PROJECT,
                project__memberships__city_id=user.city_id,
                project__memberships__left_on__isnull=True,
                project__memberships__role__in=("lead", "participant"),
            )
        readable |= Q(
            visibility=Board.Visibility.RESTRICTED,
            kind=Board.Kind.MEETING,
            meeting__registrations__person=user,
            meeting__registrations__status="registered",
        )
        readable |= Q(visibility=Board.Visibility.RESTRICTED, kind=Board.Kind.CUSTOM, group=user)
    # Joins through memberships repeat rows: a subquery of ids keeps each board once.
    return boards.filter(pk__in=Board.objects.filter(readable).values("pk"))
