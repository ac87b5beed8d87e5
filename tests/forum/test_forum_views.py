import pytest
from django.db import connection
from django.test import Client

from cityloom.forum import queries, services

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _threads(board, author, n, *, title="Thread"):
    return [
        services.start_thread(board, by=author, title=f"{title} {i}", body=f"Text {i}")
        for i in range(n)
    ]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_pages_render_in_each_language(governance, member, secretariat, language):
    thread = _threads(governance, member, 1)[0]
    client = _client(secretariat)
    for url in (
        f"/{language}/forum/",
        f"/{language}/forum/{governance.slug}/",
        f"/{language}/forum/{governance.slug}/new/",
        f"/{language}/forum/threads/{thread.pk}/",
        f"/{language}/forum/search/?q=text",
        f"/{language}/forum/moderation/",
        f"/{language}/forum/new/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


def test_board_page_says_who_may_read(governance, project_board, focal):
    public = _client().get(governance.get_absolute_url()).content.decode()
    assert "Anyone may read this board" in public
    restricted = _client(focal["Bilbao"]).get(project_board.get_absolute_url()).content.decode()
    assert "Only the people of the cities taking part in the project" in restricted


@pytest.mark.parametrize("n", [1, 3])
def test_board_page_queries_do_not_grow(governance, member, django_assert_num_queries, n, client):
    _threads(governance, member, n)
    with django_assert_num_queries(3):  # board, pinned threads, threads
        response = client.get(f"/en/forum/{governance.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == n + 1


@pytest.mark.parametrize("n", [1, 3])
def test_board_list_queries_do_not_grow(
    commission, boards, project_board, member, n, django_assert_num_queries
):
    for i in range(n - 1):
        services.create_board(
            commission,
            by=commission.secretariat.first() or _make_secretariat(commission),
            title=f"Board {i}",
        )
    client = _client(member)
    with django_assert_num_queries(4):  # session, user, boards, secretariat check
        response = client.get("/en/forum/")
    assert response.status_code == 200


def _make_secretariat(commission):
    from tests.factories import UserFactory

    person = UserFactory(email="sec@example.org")
    commission.secretariat.add(person)
    return person


@pytest.mark.parametrize("n", [1, 3])
def test_thread_page_queries_do_not_grow(governance, member, focal, n, django_assert_num_queries):
    thread = _threads(governance, member, 1)[0]
    for i in range(n):
        services.reply(thread, by=focal["Bilbao"], body=f"Reply {i} to @Bordeaux",
                       quote=queries.opening_post(thread).pk)  # fmt: skip
    client = _client(focal["Bilbao"])
    client.get(f"/en/forum/threads/{thread.pk}/")  # warm the session
    with django_assert_num_queries(10):
        response = client.get(f"/en/forum/threads/{thread.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card forum-post"') == n + 1


def test_thread_page_query_count_is_constant_whatever_the_reply_count(
    governance, member, focal, django_assert_max_num_queries
):
    from cityloom.forum.services import posting

    posting.POSTING_RATE = posting.ratelimit.Rate(limit=10_000, period=300)
    try:
        thread = _threads(governance, member, 1)[0]
        counts = {}
        client = _client(focal["Bilbao"])
        for total in (5, 65):
            while thread.posts.count() < total:
                services.reply(thread, by=focal["Bilbao"], body="more")
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as first:
                client.get(f"/en/forum/threads/{thread.pk}/")
            with CaptureQueriesContext(connection) as last:
                response = client.get(f"/en/forum/threads/{thread.pk}/?page=4")
            assert response.status_code == 200
            counts[total] = (len(first), len(last))
        assert counts[5] == counts[65]
    finally:
        posting.POSTING_RATE = posting.ratelimit.Rate(limit=10, period=5 * 60)


@pytest.mark.parametrize("n", [1, 3])
def test_search_page_queries_do_not_grow(governance, member, n, django_assert_num_queries, client):
    _threads(governance, member, n, title="Participación ciudadana")
    # SQLite: the index's first chunk, which of its threads may be read, those threads.
    # PostgreSQL: the matching threads from the index (few here), those threads.
    with django_assert_num_queries(3 if connection.vendor == "sqlite" else 2):
        response = client.get("/en/forum/search/?q=participacion")
    assert response.status_code == 200
    assert response.content.decode().count("Participación ciudadana") == n


def test_markdown_is_sanitised(governance, member, client):
    thread = services.start_thread(
        governance,
        by=member,
        title="T",
        body="<script>alert(1)</script>\n\n![tracker](https://evil.example/pixel.png)\n\n"
        "[click](javascript:alert(1)) **bold**",
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert '<img src="https://evil.example' not in page
    assert 'href="https://evil.example/pixel.png"' in page
    assert "javascript:alert" not in page
    assert "<strong>bold</strong>" in page


def test_hidden_post_text_is_not_shown_to_readers(governance, member, focal, secretariat, client):
    thread = services.start_thread(governance, by=member, title="T", body="Opening")
    post = services.reply(thread, by=focal["Bilbao"], body="Offensive words")
    services.set_hidden(post, by=secretariat, hidden=True)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Offensive words" not in page
    assert "hidden by the moderators" in page


def test_reply_through_the_page_and_error_in_the_form(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="T", body="Opening")
    client = _client(focal["Bilbao"])
    response = client.post(f"/es/forum/threads/{thread.pk}/reply/", {"body": "", "language": "es"})
    assert response.status_code == 200
    assert thread.posts.count() == 1
    response = client.post(
        f"/es/forum/threads/{thread.pk}/reply/", {"body": "Hola", "language": "es"}
    )
    assert response.status_code == 302
    assert thread.posts.count() == 2


def test_late_page_shows_the_right_posts(governance, member, focal):
    from cityloom.forum.services import posting

    posting.POSTING_RATE = posting.ratelimit.Rate(limit=10_000, period=300)
    try:
        thread = _threads(governance, member, 1)[0]
        for i in range(1, 45):
            services.reply(thread, by=focal["Bilbao"], body=f"Reply number {i}")
    finally:
        posting.POSTING_RATE = posting.ratelimit.Rate(limit=10, period=5 * 60)
    page = _client().get(f"/en/forum/threads/{thread.pk}/?page=3").content.decode()
    assert "Reply number 40" in page
    assert "Reply number 44" in page
    assert "Reply number 39" not in page
    post = thread.posts.get(position=41)
    assert post.get_absolute_url() == f"/en/forum/threads/{thread.pk}/?page=3#post-{post.pk}"
