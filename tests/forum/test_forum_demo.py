"""The forum of the demo network, as its data file tells it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cityloom.core.demo import demo_files, load_demo
from cityloom.forum import queries
from cityloom.forum.models import Board, Post, Thread


@pytest.mark.slow
def test_demo_forum_loads_once_and_is_searchable(db):
    load_demo(files=demo_files(["network", "meetings", "projects", "forum"]))
    again = load_demo(files=demo_files(["forum"]))
    assert (again.created, again.updated, again.changes) == (0, 0, [])
    # Six axis boards for each of the three commissions, two project and two meeting boards.
    kinds = sorted(Board.objects.values_list("kind", flat=True))
    assert kinds.count("axis") == 18
    assert (kinds.count("project"), kinds.count("meeting")) == (2, 2)
    governance = Board.objects.get(
        commission__slug="digital-cities", axis="governance", kind="axis"
    )
    assert governance.thread_count == 3
    assert {t.language for t in Thread.objects.filter(board=governance)} == {"en", "fr", "es"}
    for board in Board.objects.filter(kind="project"):
        assert board.thread_count >= 1
        assert board.visibility == Board.Visibility.RESTRICTED
    prepare = Thread.objects.get(title__startswith="Préparer la réunion de Bilbao")
    assert (prepare.reply_count, prepare.next_position) == (2, 3)
    assert prepare.last_post_at == Post.objects.get(thread=prepare, position=2).created_at
    found = queries.search_threads(AnonymousUser(), "participacion ciudadana").threads
    assert [t.title for t in found] == [
        "Participación ciudadana y servicios en línea: ¿qué temas proponemos?"
    ]
    # Project boards are for their cities only: a visitor's search does not reach them.
    assert queries.search_threads(AnonymousUser(), "sectores excelencia").threads == []
