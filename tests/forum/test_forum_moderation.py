import pytest
from django.test import Client

from cityloom.core.workspace import pending
from cityloom.forum import queries, services
from cityloom.forum.models import Board, ModerationLog, Report, Thread

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_action_is_logged(governance, boards, member, focal, secretariat):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    post = services.reply(thread, by=focal["Bilbao"], body="y")
    services.set_hidden(post, by=secretariat, hidden=True, note="off topic")
    services.set_hidden(post, by=secretariat, hidden=False)
    services.set_locked(thread, by=secretariat, locked=True)
    services.set_pinned(thread, by=secretariat, pinned=True)
    services.move_thread(thread, by=secretariat, to_board_id=boards["economy"].pk)
    actions = list(ModerationLog.objects.order_by("id").values_list("action", "by", "thread"))
    assert actions == [
        ("hide", secretariat.pk, thread.pk),
        ("unhide", secretariat.pk, thread.pk),
        ("lock", secretariat.pk, thread.pk),
        ("pin", secretariat.pk, thread.pk),
        ("move", secretariat.pk, thread.pk),
    ]


def test_move_keeps_the_board_counters(governance, boards, member, secretariat):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    services.move_thread(thread, by=secretariat, to_board_id=boards["economy"].pk)
    assert Thread.objects.get(pk=thread.pk).board == boards["economy"]
    counts = dict(Board.objects.filter(kind="axis").values_list("axis", "thread_count"))
    assert (counts["governance"], counts["economy"]) == (0, 1)


def test_pinned_threads_come_first(governance, member, secretariat):
    old = services.start_thread(governance, by=member, title="Old", body="x")
    services.start_thread(governance, by=member, title="New", body="x")
    services.set_pinned(old, by=secretariat, pinned=True)
    page = queries.board_threads(governance)
    assert [t.title for t in page.pinned] == ["Old"]
    assert [t.title for t in page.threads] == ["New"]


def test_board_pages_by_keyset(governance, member, monkeypatch):
    from cityloom.forum.services import posting

    monkeypatch.setattr(posting, "POSTING_RATE", posting.ratelimit.Rate(limit=100, period=300))
    for i in range(7):
        services.start_thread(governance, by=member, title=f"T{i}", body="x")
    first = queries.board_threads(governance, size=3)
    second = queries.board_threads(governance, cursor=first.next_cursor, size=3)
    third = queries.board_threads(governance, cursor=second.next_cursor, size=3)
    titles = [[t.title for t in p.threads] for p in (first, second, third)]
    assert titles == [["T6", "T5", "T4"], ["T3", "T2", "T1"], ["T0"]]
    assert third.next_cursor == ""
    assert queries.board_threads(governance, cursor="garbage", size=3).threads == first.threads


def test_report_reaches_the_secretariat_and_hiding_resolves_it(
    governance, member, focal, secretariat
):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    post = services.reply(thread, by=focal["Bilbao"], body="spam spam")
    client = _client(member)
    client.post(f"/en/forum/posts/{post.pk}/report/", {"reason": "Advertising"})
    assert list(Report.objects.values_list("reason", flat=True)) == ["Advertising"]
    items = [i for i in pending(secretariat) if i.url == "/en/forum/moderation/"]
    assert [(i.count, i.label) for i in items] == [(1, "1 reported forum message to look at")]
    assert pending(member) == [] or all(i.url != "/en/forum/moderation/" for i in pending(member))
    page = _client(secretariat).get("/en/forum/moderation/").content.decode()
    assert "Advertising" in page
    _client(secretariat).post(f"/en/forum/posts/{post.pk}/hide/", {"hidden": "1"})
    assert Report.objects.get().resolved_by == secretariat
    assert [i for i in pending(secretariat) if i.url == "/en/forum/moderation/"] == []


def test_a_report_needs_a_reason_and_is_made_once(governance, member, focal):
    thread = services.start_thread(governance, by=focal["Bilbao"], title="T", body="x")
    post = queries.opening_post(thread)
    with pytest.raises(services.ForumError):
        services.report_post(post, by=member, reason=" ")
    services.report_post(post, by=member, reason="Insulting")
    with pytest.raises(services.ForumError):
        services.report_post(post, by=member, reason="Again")
    assert Report.objects.count() == 1


def test_secretariat_creates_a_restricted_board_with_its_group(commission, secretariat, focal):
    client = _client(secretariat)
    response = client.post(
        "/en/forum/new/",
        {
            "commission": commission.pk,
            "title": "Steering group",
            "visibility": "restricted",
            "group": "nobody@example.org",
        },
    )
    assert response.status_code == 200
    assert "No account has these addresses: nobody@example.org." in response.content.decode()
    assert not Board.objects.filter(title="Steering group").exists()
    response = client.post(
        "/en/forum/new/",
        {
            "commission": commission.pk,
            "title": "Steering group",
            "visibility": "restricted",
            "group": "focal.bilbao@example.org",
        },
    )
    board = Board.objects.get(title="Steering group")
    assert response.status_code == 302
    assert list(board.group.all()) == [focal["Bilbao"]]
    assert ModerationLog.objects.filter(action="create_board", board=board).exists()


def test_axis_boards_are_made_once_after_migrate_and_by_the_command(commission, project):
    import io

    from django.core.management import call_command

    from cityloom.forum.services.boards import ensure_axis_boards_after_migrate

    ensure_axis_boards_after_migrate(sender=None)
    ensure_axis_boards_after_migrate(sender=None)
    assert Board.objects.filter(kind="axis").count() == 6
    call_command("ensure_forum_boards", stdout=io.StringIO())
    call_command("ensure_forum_boards", stdout=io.StringIO())
    assert sorted(Board.objects.values_list("kind", flat=True)) == ["axis"] * 6 + ["project"]
    governance = Board.objects.get(kind="axis", axis="governance")
    assert (governance.title, governance.title_fr, governance.title_es) == (
        "Smart governance",
        "Gouvernance intelligente",
        "Gobernanza inteligente",
    )
    assert governance.visibility == Board.Visibility.PUBLIC
