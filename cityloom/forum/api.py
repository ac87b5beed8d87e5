"""The forum in the API: public boards, their threads and the posts of a thread; read-only."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cityloom.core.api import Pagination, errors

from . import queries
from .models import Board

router = Router(tags=["forum"])

MAX_POSTS = 100


class BoardOut(Schema):
    id: int
    slug: str
    title: str
    title_fr: str
    title_es: str
    kind: str
    axis: str
    commission: str = Field(..., alias="commission.slug")
    thread_count: int
    last_post_at: dt.datetime | None


class ThreadOut(Schema):
    id: int
    board: int
    title: str
    language: str
    author: str
    city: str
    is_locked: bool
    is_pinned: bool
    reply_count: int
    created_at: dt.datetime
    last_post_at: dt.datetime

    @staticmethod
    def resolve_board(obj) -> int:
        return obj["board_id"] if isinstance(obj, dict) else obj.board_id

    @staticmethod
    def resolve_author(obj) -> str:
        return obj["author"] if isinstance(obj, dict) else _person(obj.author)[0]

    @staticmethod
    def resolve_city(obj) -> str:
        return obj["city"] if isinstance(obj, dict) else _person(obj.author)[1]


class PostOut(Schema):
    id: int
    position: int
    author: str
    city: str
    language: str
    body: str  # Markdown; empty for a hidden post
    is_hidden: bool
    quoted: int | None
    created_at: dt.datetime
    edited_at: dt.datetime | None


class ThreadDetailOut(ThreadOut):
    page: int
    pages: int
    posts: list[PostOut]


def _person(person) -> tuple[str, str]:
    if person is None:
        return "", ""
    return str(person), person.city.name if person.city_id else ""


def _thread_out(thread) -> dict:
    author, city = _person(thread.author)
    return {
        "id": thread.pk,
        "board_id": thread.board_id,
        "title": thread.title,
        "language": thread.language,
        "author": author,
        "city": city,
        "is_locked": thread.is_locked,
        "is_pinned": thread.is_pinned,
        "reply_count": thread.reply_count,
        "created_at": thread.created_at,
        "last_post_at": thread.last_post_at,
    }


def _public_board(board_id: int) -> Board:
    board = queries.public_boards().filter(pk=board_id).first()
    if board is None:
        raise Http404
    return board


@router.get("/forum/boards", response={200: list[BoardOut], **errors(422)})
@paginate(Pagination)
def boards(request):
    """Boards anyone may read."""
    return queries.public_boards().order_by("commission__slug", "position", "id")


@router.get("/forum/boards/{board_id}/threads", response={200: list[ThreadOut], **errors(404, 422)})
@paginate(Pagination)
def threads(request, board_id: int):
    """A public board's threads, pinned first, then by latest post."""
    return queries.public_board_threads(_public_board(board_id))


@router.get("/forum/threads/{thread_id}", response={200: ThreadDetailOut, **errors(404, 422)})
def thread(request, thread_id: int, page: int = Query(1, ge=1, le=100_000)):
    """A thread of a public board and one page of its posts (20 a page)."""
    found = queries.thread(thread_id)
    if found is None or found.board.visibility != Board.Visibility.PUBLIC:
        raise Http404
    pages = queries.page_count(found)
    posts = []
    for post in queries.thread_posts(found, min(page, pages)):
        author, city = _person(post.author)
        posts.append(
            {
                "id": post.pk,
                "position": post.position,
                "author": author,
                "city": city,
                "language": post.language,
                "body": "" if post.is_hidden else post.body,
                "is_hidden": post.is_hidden,
                "quoted": post.quoted_id,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
            }
        )
    return {**_thread_out(found), "page": min(page, pages), "pages": pages, "posts": posts}
