"""Every rule, tried as an attacker would."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cityloom.forum import permissions, queries, services
from cityloom.forum.models import ModerationLog, Post, Thread

from .conftest import register

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_member_of_another_city_cannot_read_a_restricted_project_board(
    project_board, focal, neighbour
):
    thread = services.start_thread(project_board, by=focal["Bordeaux"], title="Secret", body="x")
    for outsider in (focal["Poitiers"], neighbour["person"], neighbour["secretariat"]):
        assert not permissions.can_read_board(outsider, project_board)
        assert _client(outsider).get(project_board.get_absolute_url()).status_code == 404
        assert _client(outsider).get(thread.get_absolute_url()).status_code == 404
        assert project_board not in queries.board_list(outsider)
    # The cities taking part read it: Bilbao is a participant.
    assert _client(focal["Bilbao"]).get(thread.get_absolute_url()).status_code == 200


def test_meeting_board_is_for_registered_participants(meeting_board, meeting, focal):
    assert not permissions.can_read_board(focal["Bilbao"], meeting_board)
    register(meeting, focal["Bilbao"])
    assert permissions.can_read_board(focal["Bilbao"], meeting_board)
    assert list(queries.board_list(focal["Bilbao"]).filter(kind="meeting")) == [meeting_board]


def test_members_board_hidden_from_visitors_and_other_networks(
    commission, secretariat, neighbour, member
):
    board = services.create_board(commission, by=secretariat, title="Members' corner")
    assert _client().get(board.get_absolute_url()).status_code == 404
    assert _client(neighbour["person"]).get(board.get_absolute_url()).status_code == 404
    assert _client(member).get(board.get_absolute_url()).status_code == 200


def test_custom_restricted_board_is_read_by_its_group_only(commission, secretariat, member, focal):
    board = services.create_board(
        commission,
        by=secretariat,
        title="Steering group",
        visibility="restricted",
        group_emails=["focal.bilbao@example.org"],
    )
    assert permissions.can_read_board(focal["Bilbao"], board)
    assert not permissions.can_read_board(member, board)
    assert list(queries.board_list(member).filter(pk=board.pk)) == []


def test_visitor_cannot_post(governance):
    client = _client()
    response = client.post(
        f"/en/forum/{governance.slug}/new/", {"title": "Spam", "body": "x", "language": "en"}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Thread.objects.count() == 0


def test_person_of_another_network_cannot_post_on_a_public_board(governance, neighbour):
    assert permissions.can_read_board(neighbour["person"], governance)
    response = _client(neighbour["person"]).post(
        f"/en/forum/{governance.slug}/new/", {"title": "Spam", "body": "x", "language": "en"}
    )
    assert response.status_code == 403
    assert Thread.objects.count() == 0


def test_member_cannot_hide_a_post(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    post = services.reply(thread, by=focal["Bilbao"], body="rude")
    response = _client(member).post(f"/en/forum/posts/{post.pk}/hide/", {"hidden": "1"})
    assert response.status_code == 403
    assert not Post.objects.get(pk=post.pk).is_hidden
    assert not ModerationLog.objects.filter(action="hide").exists()


def test_secretariat_of_another_commission_cannot_moderate(governance, member, neighbour):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    response = _client(neighbour["secretariat"]).post(
        f"/en/forum/threads/{thread.pk}/moderate/", {"action": "lock"}
    )
    assert response.status_code == 403
    assert not Thread.objects.get(pk=thread.pk).is_locked


def test_forged_board_id_in_a_move_is_refused(governance, boards, member, secretariat, neighbour):
    from cityloom.forum.services import ensure_axis_boards

    foreign = ensure_axis_boards(neighbour["commission"])[0]
    thread = services.start_thread(governance, by=member, title="T", body="x")
    client = _client(secretariat)
    for forged in (foreign.pk, 999_999, "abc"):
        response = client.post(
            f"/en/forum/threads/{thread.pk}/moderate/", {"action": "move", "board": forged}
        )
        assert response.status_code == 302
        assert Thread.objects.get(pk=thread.pk).board == governance
    assert not ModerationLog.objects.filter(action="move").exists()


def test_forged_thread_id_in_a_move_is_404(secretariat, boards):
    response = _client(secretariat).post(
        "/en/forum/threads/987654/moderate/", {"action": "move", "board": boards["economy"].pk}
    )
    assert response.status_code == 404


def test_editing_someone_elses_post_is_403(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="T", body="Mine")
    post = queries.opening_post(thread)
    client = _client(focal["Bordeaux"])
    assert client.get(f"/en/forum/posts/{post.pk}/edit/").status_code == 403
    assert client.post(f"/en/forum/posts/{post.pk}/edit/", {"body": "Hacked"}).status_code == 403
    assert Post.objects.get(pk=post.pk).body == "Mine"
    with pytest.raises(PermissionDenied):
        services.edit_post(post, by=focal["Bordeaux"], body="Hacked")


def test_reply_on_a_restricted_board_by_an_outsider_is_404(project_board, focal):
    thread = services.start_thread(project_board, by=focal["Bordeaux"], title="T", body="x")
    response = _client(focal["Poitiers"]).post(
        f"/en/forum/threads/{thread.pk}/reply/", {"body": "let me in", "language": "fr"}
    )
    assert response.status_code == 404
    assert Post.objects.filter(thread=thread).count() == 1


def test_attachment_of_a_restricted_board_is_not_served_to_outsiders(
    project_board, focal, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    thread = services.start_thread(
        project_board, by=focal["Bordeaux"], title="T", body="x",
        attachment=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
    )  # fmt: skip
    post = queries.opening_post(thread)
    url = f"/en/forum/posts/{post.pk}/attachment/"
    assert _client(focal["Poitiers"]).get(url).status_code == 404
    response = _client(focal["Bilbao"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"


def test_report_needs_an_account_and_not_ones_own_post(governance, member):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    post = queries.opening_post(thread)
    with pytest.raises(PermissionDenied):
        services.report_post(post, by=member, reason="my own")
    response = _client().post(f"/en/forum/posts/{post.pk}/report/", {"reason": "spam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
