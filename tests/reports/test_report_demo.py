"""The issue's "done when": the demo's 2013 report states the commission's 2013, in three languages."""

import io
import re

import pytest
from django.utils.html import escape
from pypdf import PdfReader

from cityloom.core.demo import load_demo
from cityloom.reports import queries, services


def section(html: str, name: str) -> str:
    """The HTML of one section of the report (from its heading to the next section)."""
    start = html.index(f'id="report-{name}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


# What each language shows of the demo's own texts (titles are the demo's translations).
TITLES = {
    "fr": {
        "meeting": "Réunion de travail sur l'économie intelligente",
        "economy": "Économie intelligente",
        "planned": "Réunion de travail sur la gouvernance intelligente",
        "governance": "Gouvernance intelligente",
        "study": "Étude Smart Cities 2012",
        "may": "31 mai 2013",
        "june": "13\u201315 juin 2013",
        "march": "mars 2013",
    },
    "en": {
        "meeting": "Smart economy working meeting",
        "economy": "Smart economy",
        "planned": "Smart governance working meeting",
        "governance": "Smart governance",
        "study": "Smart Cities Study 2012",
        "may": "May 31, 2013",
        "june": "13\u2013June 15, 2013",
        "march": "March",
    },
    "es": {
        "meeting": "Reunión de trabajo sobre economía inteligente",
        "economy": "Economía inteligente",
        "planned": "Reunión de trabajo sobre gobernanza inteligente",
        "governance": "Gobernanza inteligente",
        "study": "Estudio Smart Cities 2012",
        "may": "31 de mayo de 2013",
        "june": "13\u201315 de junio de 2013",
        "march": "marzo de 2013",
    },
}


@pytest.mark.slow
def test_the_2013_report_of_the_demo_states_every_fact_of_the_issue(db, subtests):
    load_demo()
    commission = queries.default_commission()
    assert commission.president_city.name == "Bilbao"
    for language, titles in TITLES.items():
        content = services.report_content(commission, 2013, language=language, draft=True)
        facts = content.facts
        html = services.render_html(content)

        with subtests.test("new members", language=language):
            assert [m.city.name for m in facts.members.new] == ["Alcorcón", "Mexico City"]
            assert all(m.requested_on.year == 2013 for m in facts.members.new)
            assert all(m.approved_on.year == 2013 for m in facts.members.new)
            members = section(html, "members")
            assert "Alcorcón" in members
            assert "Mexico City" in members

        with subtests.test("mentoring", language=language):
            pairs = [(p.mentor.name, p.mentee.name, p.stage) for p in facts.mentoring.programmes]
            assert ("Bilbao", "Bordeaux", "advanced") in pairs
            assert ("Bilbao", "Johannesburg", "just_started") in pairs
            mentoring = section(html, "mentoring")
            assert "Bordeaux" in mentoring
            assert "Johannesburg" in mentoring

        with subtests.test("events", language=language):
            events = section(html, "events")
            assert [e.city for e in facts.events.events] == ["Bordeaux", "Bilbao"]
            assert facts.events.events[0].starts_on.month == 3
            assert titles["march"] in events
            assert titles["june"] in events

        with subtests.test("the 2012 Study with 28 cities", language=language):
            [edition] = [e for e in facts.publications.editions if e.year == 2012]
            assert edition.participant_count == 28
            publications = section(html, "publications")
            assert titles["study"] in publications
            assert re.search(r"\b28\b", publications)

        with subtests.test("three circulars", language=language):
            assert len(facts.communication.circulars) == 3
            communication = section(html, "communication")
            for circular in facts.communication.circulars:
                assert escape(circular.title) in communication

        with subtests.test("the Bordeaux meeting and its two projects", language=language):
            [meeting] = facts.meetings.meetings
            assert (meeting.city, meeting.axis, meeting.starts_on.isoformat()) == (
                "Bordeaux",
                "economy",
                "2013-05-31",
            )
            assert [sorted(p.cities) for p in meeting.projects] == [
                ["Bilbao", "Bordeaux", "Poitiers"],
                ["Bilbao", "Bordeaux", "Lappeenranta", "Pau"],
            ]
            meetings = section(html, "meetings")
            assert escape(titles["meeting"]) in meetings
            assert titles["economy"] in meetings
            assert titles["may"] in meetings
            assert "Bilbao, Bordeaux, Poitiers" in meetings
            assert "Bilbao, Bordeaux, Lappeenranta, Pau" in meetings

        with subtests.test("the 2014 smart governance meeting planned", language=language):
            assert [(p.axis, p.city) for p in facts.planned.meetings] == [("governance", "Bilbao")]
            planned = section(html, "planned")
            assert titles["planned"] in planned
            assert titles["governance"] in planned

        with subtests.test("the PDF", language=language):
            pdf = services.render_pdf(content)
            assert pdf.startswith(b"%PDF")
            assert len(PdfReader(io.BytesIO(pdf)).pages) > 1
