import datetime as dt

from cityloom.core import ical

MAY_31 = dt.datetime(2013, 5, 31, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_escape_text_escapes_backslash_semicolon_comma_and_newlines():
    assert ical.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_fold_line_keeps_short_lines():
    assert ical.fold_line("SUMMARY:short") == "SUMMARY:short"


def test_fold_line_cuts_at_75_octets_and_never_inside_a_character():
    line = "DESCRIPTION:" + "é" * 100  # 12 + 200 octets
    folded = ical.fold_line(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert len(pieces[0].encode()) == 12 + 2 * 31  # 74: a 76th octet would split an é


def test_calendar_is_crlf_with_utc_times_uid_and_dtstamp():
    event = ical.Event(
        uid="session-1@cityloom",
        starts_at=MAY_31,
        ends_at=MAY_31 + dt.timedelta(hours=1),
        summary="E-marketing, e-commerce; data",
        location="Salle Mably, Bordeaux",
    )
    text = ical.calendar([event], now=dt.datetime(2013, 5, 1, tzinfo=dt.UTC), name="Bordeaux")
    lines = text.split("\r\n")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "UID:session-1@cityloom" in lines
    assert "DTSTAMP:20130501T000000Z" in lines
    assert "DTSTART:20130531T080000Z" in lines  # 10:00 in Bordeaux is 08:00 UTC
    assert "DTEND:20130531T090000Z" in lines
    assert "SUMMARY:E-marketing\\, e-commerce\\; data" in lines
    assert "LOCATION:Salle Mably\\, Bordeaux" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
