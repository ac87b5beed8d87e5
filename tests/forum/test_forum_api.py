import datetime as dt

import pytest

from cityloom.forum import services

pytestmark = pytest.mark.django_db


def test_boards_lists_public_boards_only(client, boards, project_board, commission, secretariat):
    services.create_board(commission, by=secretariat, title="Members' corner")
    body = client.get("/api/v1/forum/boards").json()
    assert body["count"] == 6
    assert sorted(b["axis"] for b in body["items"]) == sorted(boards)
    assert {b["kind"] for b in body["items"]} == {"axis"}


def test_threads_of_a_public_board_paginated(client, governance, member, monkeypatch):
    from cityloom.forum.services import posting

    monkeypatch.setattr(posting, "POSTING_RATE", posting.ratelimit.Rate(limit=100, period=300))
    for i in range(3):
        services.start_thread(governance, by=member, title=f"T{i}", body="x")
    body = client.get(f"/api/v1/forum/boards/{governance.pk}/threads?limit=2").json()
    assert body["count"] == 3
    assert [t["title"] for t in body["items"]] == ["T2", "T1"]
    assert body["items"][0]["author"] == "Luc Bernard"
    assert body["items"][0]["city"] == "Bordeaux"
    body = client.get(f"/api/v1/forum/boards/{governance.pk}/threads?limit=2&offset=2").json()
    assert [t["title"] for t in body["items"]] == ["T0"]


def test_restricted_board_and_its_threads_are_404(client, project_board, focal):
    thread = services.start_thread(project_board, by=focal["Bordeaux"], title="T", body="x")
    assert client.get(f"/api/v1/forum/boards/{project_board.pk}/threads").status_code == 404
    assert client.get(f"/api/v1/forum/threads/{thread.pk}").status_code == 404
    assert client.get("/api/v1/forum/threads/999999").status_code == 404


def test_thread_with_its_posts_hidden_text_left_out(client, governance, member, focal, secretariat):
    thread = services.start_thread(
        governance, by=member, title="T", body="Hello", at=dt.datetime(2014, 1, 2, tzinfo=dt.UTC)
    )
    post = services.reply(thread, by=focal["Bilbao"], body="Rude words")
    services.set_hidden(post, by=secretariat, hidden=True)
    body = client.get(f"/api/v1/forum/threads/{thread.pk}").json()
    assert body["title"] == "T"
    assert body["created_at"].startswith("2014-01-02")
    assert [(p["position"], p["body"], p["is_hidden"]) for p in body["posts"]] == [
        (0, "Hello", False),
        (1, "", True),
    ]
    assert (body["page"], body["pages"]) == (1, 1)


def test_api_is_read_only(client, governance):
    assert client.post("/api/v1/forum/boards").status_code == 405


def test_trends_count_public_threads_per_axis(governance, project_board, member, focal):
    from cityloom.forum.queries import trend_items
    from cityloom.observatory.trends import ITEM_SOURCES

    at = dt.datetime(2013, 9, 1, tzinfo=dt.UTC)
    services.start_thread(governance, by=member, title="Open data", body="x", at=at)
    services.start_thread(project_board, by=focal["Bordeaux"], title="Secret", body="x", at=at)
    items = trend_items(dt.date(2013, 1, 1), dt.date(2014, 1, 1))
    assert [(i.on, i.axes, i.text) for i in items] == [
        (dt.date(2013, 9, 1), ("governance",), "Open data")
    ]
    assert "cityloom.forum.queries.trend_items" in ITEM_SOURCES
