import pytest

from cityloom.forum import queries, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["few matches", "many matches"])
def _both_ways(request, monkeypatch):
    """On PostgreSQL a search reads few matches straight from the index and walks the threads
    for many: each test runs both ways (on SQLite both are the same path)."""
    if request.param == "many matches":
        monkeypatch.setattr(queries, "RARE_MATCHES", 0)


def _titles(user, q):
    return [t.title for t in queries.search_threads(user, q).threads]


def test_search_ignores_accents_and_word_forms(governance, member, focal):
    from django.contrib.auth.models import AnonymousUser

    services.start_thread(governance, by=focal["Bilbao"], title="Participación ciudadana",
                          body="Presupuestos participativos en Bilbao.", language="es")  # fmt: skip
    services.start_thread(governance, by=member, title="Préparer la réunion",
                          body="La gouvernance numérique des villes.", language="fr")  # fmt: skip
    anonymous = AnonymousUser()
    assert _titles(anonymous, "participacion") == ["Participación ciudadana"]
    assert _titles(anonymous, "PARTICIPACIÓN") == ["Participación ciudadana"]
    assert _titles(anonymous, "gouvernances") == ["Préparer la réunion"]
    assert _titles(anonymous, "reunion") == ["Préparer la réunion"]
    assert _titles(anonymous, "numerique villes") == ["Préparer la réunion"]
    assert _titles(anonymous, "tramway") == []
    assert _titles(anonymous, "de la") == []  # stop words only: nothing to search for


def test_search_finds_replies_and_follows_edits(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="Open data", body="x")
    post = services.reply(thread, by=focal["Bilbao"], body="Hablemos de movilidad")
    assert _titles(member, "movilidad") == ["Open data"]
    services.edit_post(post, by=focal["Bilbao"], body="Hablemos de energía")
    assert _titles(member, "movilidad") == []
    assert _titles(member, "energia") == ["Open data"]


def test_hidden_posts_leave_search(governance, member, focal, secretariat):
    thread = services.start_thread(governance, by=member, title="Open data", body="x")
    post = services.reply(thread, by=focal["Bilbao"], body="insulte grossière")
    services.set_hidden(post, by=secretariat, hidden=True)
    assert _titles(member, "grossiere") == []
    services.set_hidden(post, by=secretariat, hidden=False)
    assert _titles(member, "grossiere") == ["Open data"]


def test_search_never_shows_a_board_the_reader_may_not_read(project_board, focal, neighbour):
    services.start_thread(project_board, by=focal["Bordeaux"], title="Budget confidentiel",
                          body="x")  # fmt: skip
    assert _titles(focal["Bilbao"], "budget") == ["Budget confidentiel"]
    assert _titles(focal["Poitiers"], "budget") == []
    assert _titles(neighbour["person"], "budget") == []


def test_each_thread_once_however_many_posts_match(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="Mobilité", body="mobilité")
    services.reply(thread, by=focal["Bilbao"], body="movilidad y mobilité")
    assert _titles(member, "mobilite") == ["Mobilité"]


def test_practices_and_forum_share_one_search_layer():
    from cityloom.core.search import FullTextIndex
    from cityloom.practices import search as practice_search

    assert isinstance(queries.SEARCH, FullTextIndex)
    assert isinstance(practice_search.INDEX, FullTextIndex)
