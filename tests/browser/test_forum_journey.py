"""A member of Bordeaux starts a thread on the smart governance board in French; a member of
Bilbao who follows the board gets one e-mail, in Spanish, and replies mentioning @Bilbao, whose
focal point is told once; the reply is reported, the secretariat hides it and locks the thread;
a visitor finds the thread from words typed without accents."""

import re

import pytest

from cityloom.core.models import OutgoingMail
from cityloom.forum import services
from cityloom.forum.models import ModerationLog, Post, Thread
from tests.browser.conftest import assert_accessible
from tests.factories import CityFactory, CommissionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "secret-pass-123"
TITLE = "Participation citoyenne et gouvernance numérique à Bilbao"


@pytest.fixture
def network(transactional_db):
    commission = CommissionFactory(slug="digital-cities", name="Commission on Digital Cities")
    secretariat = UserFactory(email="secretariat@example.org", name="Ane", language="en")
    commission.secretariat.add(secretariat)
    cities = {}
    for i, name in enumerate(["Bordeaux", "Bilbao", "Johannesburg"]):
        cities[name] = CityFactory(name=name, geonames_id=7_400_000 + i)
        MembershipFactory(city=cities[name], commission=commission)
    UserFactory(email="luc@example.org", name="Luc Bernard", city=cities["Bordeaux"],
                language="fr")  # fmt: skip
    UserFactory(email="miren@example.org", name="Miren Etxeberria", city=cities["Bilbao"],
                language="es")  # fmt: skip
    UserFactory(email="focal.bilbao@example.org", name="Jon Urrutia", city=cities["Bilbao"],
                role="focal_point", language="es")  # fmt: skip
    boards = {b.axis: b for b in services.ensure_axis_boards(commission)}
    return boards["governance"]


def _log_in(page, email):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def _visit(page, path):
    page.goto(path)
    assert_accessible(page)


def _to(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


def test_forum_journey(page, network, smtp):
    board = network

    # Miren (Bilbao, Spanish) follows the smart governance board.
    _log_in(page, "miren@example.org")
    _visit(page, "/es/forum/")
    page.get_by_role("link", name="Gobernanza inteligente").click()
    page.wait_for_url(re.compile(rf"/es/forum/{board.slug}/$"))
    assert_accessible(page)
    page.select_option("select[name=mode]", "immediate")  # an e-mail for each post
    page.locator("form[action$='/subscribe/'] button[type=submit]").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)

    # Luc (Bordeaux) starts a thread in French.
    _log_in(page, "luc@example.org")
    _visit(page, "/fr/forum/")
    page.get_by_role("link", name="Gouvernance intelligente").click()
    assert_accessible(page)
    page.locator(f"a[href$='/forum/{board.slug}/new/']").click()
    page.wait_for_url(re.compile(rf"/fr/forum/{board.slug}/new/$"))
    assert_accessible(page)
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=body]",
        "Bonjour à tous,\n\nPréparons la réunion de 2014 : **participation** en ligne, "
        "services numériques.",
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/fr/forum/threads/\d+/$"))
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    thread = Thread.objects.get(title=TITLE)
    assert thread.language == "fr"

    # Miren gets one e-mail, in Spanish (the board's Spanish name), with an unsubscribe link.
    to_miren = _to(smtp, "miren@example.org")
    assert len(to_miren) == 1
    assert "Gobernanza inteligente" in to_miren[0]["Subject"]
    assert OutgoingMail.objects.get(to="miren@example.org").language == "es"
    text = to_miren[0].get_payload(decode=True).decode()
    assert "/es/forum/unsubscribe/" in text
    assert _to(smtp, "luc@example.org") == []

    # She replies from the thread, mentioning Bilbao.
    _log_in(page, "miren@example.org")
    _visit(page, f"/es/forum/threads/{thread.pk}/")
    page.fill("#reply ~ form textarea[name=body], section textarea[name=body]",
              "¡De acuerdo! ¿Qué opina @Bilbao de una sesión sobre presupuestos participativos?")  # fmt: skip
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    reply = Post.objects.get(thread=thread, position=1)
    to_focal = _to(smtp, "focal.bilbao@example.org")
    assert len(to_focal) == 1
    assert OutgoingMail.objects.get(to="focal.bilbao@example.org").language == "es"
    assert len(_to(smtp, "miren@example.org")) == 1  # not told of her own reply

    # Luc reports the reply.
    _log_in(page, "luc@example.org")
    _visit(page, f"/fr/forum/threads/{thread.pk}/")
    report = page.locator(f"#post-{reply.pk} details")
    report.locator("summary").click()
    report.locator("textarea[name=reason]").fill("Hors sujet")
    report.locator("button[type=submit]").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)

    # The secretariat sees the report, hides the reply and locks the thread.
    _log_in(page, "secretariat@example.org")
    _visit(page, "/en/my/")
    page.locator("a[href='/en/forum/moderation/']").first.click()
    page.wait_for_url(re.compile(r"/en/forum/moderation/$"))
    assert_accessible(page)
    assert "Hors sujet" in page.locator("#reports ~ ul").inner_text()
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(re.compile(rf"/en/forum/threads/{thread.pk}/"))
    assert_accessible(page)
    page.locator(f"#post-{reply.pk} form[action$='/hide/'] button").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    page.get_by_role("button", name="Lock the thread").click()
    page.wait_for_selector(".messages .success")
    assert_accessible(page)
    thread.refresh_from_db()
    reply.refresh_from_db()
    assert (thread.is_locked, reply.is_hidden) == (True, True)
    assert list(ModerationLog.objects.order_by("id").values_list("action", flat=True)) == [
        "report",
        "hide",
        "lock",
    ]

    # A visitor finds the thread from words without accents; the hidden reply is not shown.
    page.context.clear_cookies()
    _visit(page, "/en/forum/")
    page.fill("#forum-q", "gouvernances numerique")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/forum/search/\?q="))
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/en/forum/threads/{thread.pk}/$"))
    assert_accessible(page)
    body = page.locator("main").inner_text()
    assert "presupuestos participativos" not in body
    assert "This thread is locked" in body
    assert len(_to(smtp, "focal.bilbao@example.org")) == 1
