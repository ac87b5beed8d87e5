import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from cityloom.core.models import OutgoingMail
from cityloom.forum import queries, services
from cityloom.forum.models import Board, Mention, Notification, Post, PostVersion, Thread

pytestmark = pytest.mark.django_db


def test_start_thread_keeps_counters_and_positions(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="Participation", body="Bonjour")
    services.reply(thread, by=focal["Bilbao"], body="Hola")
    services.reply(thread, by=member, body="Merci")
    thread.refresh_from_db()
    governance.refresh_from_db()
    assert (thread.reply_count, thread.next_position) == (2, 3)
    assert list(thread.posts.order_by("position").values_list("position", "body")) == [
        (0, "Bonjour"),
        (1, "Hola"),
        (2, "Merci"),
    ]
    assert governance.thread_count == 1
    assert governance.last_post_at == thread.last_post_at


def test_thread_language_is_the_authors_unless_chosen(governance, member):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    assert thread.language == "fr"
    other = services.start_thread(governance, by=member, title="T2", body="x", language="es")
    assert other.language == "es"


def test_empty_message_is_refused_and_nothing_written(governance, member):
    with pytest.raises(services.ForumError) as caught:
        services.start_thread(governance, by=member, title="Title", body="   ")
    assert caught.value.field == "body"
    assert Thread.objects.count() == 0


def test_edit_keeps_the_previous_text_as_a_version(governance, member):
    thread = services.start_thread(governance, by=member, title="T", body="First text")
    post = queries.opening_post(thread)
    services.edit_post(post, by=member, body="Second text")
    services.edit_post(post, by=member, body="Third text")
    post.refresh_from_db()
    assert post.body == "Third text"
    assert post.edited_at is not None
    assert list(PostVersion.objects.filter(post=post).values_list("body", flat=True)) == [
        "First text",
        "Second text",
    ]


def test_editing_someone_elses_post_is_refused(governance, member, focal):
    thread = services.start_thread(governance, by=member, title="T", body="Mine")
    post = queries.opening_post(thread)
    with pytest.raises(PermissionDenied):
        services.edit_post(post, by=focal["Bordeaux"], body="Not mine")
    post.refresh_from_db()
    assert post.body == "Mine"
    assert PostVersion.objects.count() == 0


def test_city_mention_tells_its_focal_point_once(governance, member, focal, spanish_member):
    thread = services.start_thread(governance, by=member, title="T", body="Start")
    post = services.reply(
        thread, by=spanish_member, body="¿Qué opina @Bilbao? Y @Bilbao otra vez, y @Nowhere."
    )
    assert list(Mention.objects.filter(post=post).values_list("city__name", flat=True)) == [
        "Bilbao"
    ]
    mails = OutgoingMail.objects.filter(template="forum/email/mention")
    assert [(m.to, m.language) for m in mails] == [("focal.bilbao@example.org", "es")]


def test_person_mention_by_name(governance, member, focal):
    thread = services.start_thread(
        governance, by=member, title="T", body="Question pour @Focal point of Johannesburg !"
    )
    post = queries.opening_post(thread)
    assert [m.person for m in Mention.objects.filter(post=post)] == [focal["Johannesburg"]]
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [
        "focal.johannesburg@example.org"
    ]


def test_mention_of_a_city_outside_the_commission_tells_nobody(governance, member, neighbour):
    services.start_thread(governance, by=member, title="T", body="Bonjour @Lyon")
    assert OutgoingMail.objects.count() == 0
    assert Mention.objects.count() == 0


def test_mentioned_person_who_cannot_read_a_restricted_board_is_not_told(
    project_board, focal, neighbour
):
    services.start_thread(
        project_board, by=focal["Bordeaux"], title="T", body="@Focal point of Poitiers ?"
    )
    # Poitiers does not take part in the project: it may not read the board.
    assert OutgoingMail.objects.count() == 0


def test_quoting_a_post_of_another_thread_is_refused(governance, member, focal):
    first = services.start_thread(governance, by=member, title="A", body="a")
    second = services.start_thread(governance, by=member, title="B", body="b")
    foreign = queries.opening_post(first)
    with pytest.raises(services.ForumError):
        services.reply(second, by=focal["Bilbao"], body="quote", quote=foreign.pk)
    assert Post.objects.filter(thread=second).count() == 1
    quoted = services.reply(
        second, by=focal["Bilbao"], body="quote", quote=queries.opening_post(second).pk
    )
    assert quoted.quoted == queries.opening_post(second)


def test_reply_to_a_locked_thread_is_refused_but_not_to_the_secretariat(
    governance, member, secretariat
):
    thread = services.start_thread(governance, by=member, title="T", body="x")
    services.set_locked(thread, by=secretariat, locked=True)
    with pytest.raises(services.ForumError, match="locked"):
        services.reply(thread, by=member, body="more")
    services.reply(thread, by=secretariat, body="Closing words")
    assert Post.objects.filter(thread=thread).count() == 2


def test_posting_is_rate_limited_per_account(governance, member, monkeypatch):
    from cityloom.core.ratelimit import Rate
    from cityloom.forum.services import posting

    monkeypatch.setattr(posting, "POSTING_RATE", Rate(limit=2, period=300))
    thread = services.start_thread(governance, by=member, title="T", body="1")
    services.reply(thread, by=member, body="2")
    with pytest.raises(services.ForumError) as caught:
        services.reply(thread, by=member, body="3")
    assert caught.value.code == "rate_limited"
    assert "too fast" in caught.value.messages[0]
    assert Post.objects.count() == 2


def test_rate_limit_message_is_translated(governance, member, monkeypatch):
    from django.utils import translation

    from cityloom.core.ratelimit import Rate
    from cityloom.forum.services import posting

    monkeypatch.setattr(posting, "POSTING_RATE", Rate(limit=0, period=300))
    with translation.override("fr"), pytest.raises(services.ForumError) as caught:
        services.start_thread(governance, by=member, title="T", body="1")
    assert caught.value.messages[0]  # a sentence, in French once the catalogs have it


def test_attachment_of_a_refused_type_writes_nothing(governance, member):
    upload = SimpleUploadedFile("notes.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(services.ForumError) as caught:
        services.start_thread(governance, by=member, title="T", body="x", attachment=upload)
    assert caught.value.field == "attachment"
    assert Thread.objects.count() == 0
    assert Board.objects.get(pk=governance.pk).thread_count == 0


def test_attachment_is_stored_under_a_random_name(governance, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("Agenda 2014.pdf", b"%PDF-1.4 agenda")
    thread = services.start_thread(governance, by=member, title="T", body="x", attachment=upload)
    post = queries.opening_post(thread)
    assert post.attachment_name == "Agenda 2014.pdf"
    assert post.attachment_type == "application/pdf"
    assert "Agenda" not in post.attachment.name


def test_notifications_are_unique_per_person_and_post(governance, member, focal):
    services.subscribe(focal["Bilbao"], board=governance, mode="immediate")
    thread = services.start_thread(governance, by=member, title="T", body="x")
    services.subscribe(focal["Bilbao"], thread=thread, mode="immediate")
    post = services.reply(thread, by=member, body="Hola @Bilbao")
    assert Notification.objects.filter(post=post, person=focal["Bilbao"]).count() == 1
    assert OutgoingMail.objects.filter(to="focal.bilbao@example.org").count() == 2  # 2 posts
