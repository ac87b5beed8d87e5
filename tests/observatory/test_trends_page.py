"""The trends page: ISO values in its date fields whatever the language, and a default window
that shows the network's items rather than two empty years."""

import datetime as dt
import re

import pytest
import time_machine

from cityloom.observatory.models import Publication

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)


def _pub(day: dt.date, axes=("mobility",)):
    return Publication.objects.create(
        title=f"Report {day}",
        axes=list(axes),
        published_at=dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.UTC),
    )


def _date_inputs(body: str) -> dict[str, str]:
    """name -> value of each <input type="date">."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", body):
        if 'type="date"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            found[name] = value.group(1) if value else ""
    return found


def _mobility_counts(response) -> list[int]:
    return response.context["result"].axes["mobility"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@time_machine.travel(TODAY, tick=False)
def test_default_window_ends_at_the_latest_item_when_recent_years_are_empty(client, language):
    _pub(dt.date(2012, 2, 1))
    _pub(dt.date(2013, 4, 23))
    response = client.get(f"/{language}/observatory/trends/")
    assert response.status_code == 200
    # ISO in every language: "01/04/2011" would leave the browser's field empty and invalid.
    assert _date_inputs(response.content.decode()) == {"start": "2011-04-01", "end": "2013-04-24"}
    assert sum(_mobility_counts(response)) == 2


@time_machine.travel(TODAY, tick=False)
def test_default_window_is_the_last_two_years_when_they_have_items(client):
    _pub(dt.date(2012, 2, 1))
    _pub(dt.date(2026, 5, 4))
    response = client.get("/fr/observatory/trends/")
    assert _date_inputs(response.content.decode()) == {"start": "2024-11-01", "end": "2026-11-30"}
    assert sum(_mobility_counts(response)) == 1


@time_machine.travel(TODAY, tick=False)
def test_default_window_without_any_item_is_the_last_two_years(client):
    response = client.get("/es/observatory/trends/")
    assert response.status_code == 200
    assert _date_inputs(response.content.decode()) == {"start": "2024-11-01", "end": "2026-11-30"}


def test_chosen_period_keeps_iso_values_in_french(client):
    _pub(dt.date(2012, 2, 1))
    response = client.get("/fr/observatory/trends/?start=2012-01-01&end=2013-01-01&bucket=quarter")
    assert _date_inputs(response.content.decode()) == {"start": "2012-01-01", "end": "2013-01-01"}
    assert _mobility_counts(response) == [1, 0, 0, 0]


def test_a_french_formatted_date_is_still_understood(client):
    # Typed by hand where a browser has no date picker.
    _pub(dt.date(2012, 2, 1))
    response = client.get("/fr/observatory/trends/?start=01/01/2012&end=01/01/2013&bucket=year")
    assert response.context["form"].errors == {}
    assert _mobility_counts(response) == [1]
