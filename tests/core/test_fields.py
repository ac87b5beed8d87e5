"""ChoicesListField: several axes, several languages, one representation and real lookups."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from cityloom.core.axes import Axis
from cityloom.core.fields import ChoicesListField, ChoicesListFormField
from cityloom.core.languages import language_name
from cityloom.meetings.models import Meeting
from cityloom.mentoring.forms import RequestForm
from cityloom.mentoring.models import MentoringRequest, Programme
from cityloom.network.forms import CityProfileForm
from cityloom.network.models import City
from cityloom.observatory import queries as observatory_queries
from cityloom.observatory.forms import PublicationForm
from cityloom.observatory.models import Publication
from tests.factories import CityFactory, UserFactory
from tests.meetings.factories import MeetingFactory
from tests.mentoring.factories import ProgrammeFactory, RequestFactory


def publication(axes):
    return Publication.objects.create(title="Report", axes=axes, published_at=timezone.now())


def meeting(languages):
    return MeetingFactory(languages=languages)


def city(languages):
    return CityFactory(languages=languages)


def request_axes(axes):
    return RequestFactory(axes=axes)


def request_languages(languages):
    return RequestFactory(languages=languages)


def programme(axes):
    return ProgrammeFactory(axes=axes)


# (model, field, maker, a code, a neighbour code, a prefix of the code, another code holding it)
FIELDS = [
    pytest.param(Publication, "axes", publication, "economy", "people", "eco", None, id="publication"),
    pytest.param(MentoringRequest, "axes", request_axes, "mobility", "living", "mob", None, id="request-axes"),
    pytest.param(Programme, "axes", programme, "environment", "economy", "env", None, id="programme"),
    pytest.param(MentoringRequest, "languages", request_languages, "es", "fr", "e", None, id="request-languages"),
    pytest.param(Meeting, "languages", meeting, "eu", "ca", "e", None, id="meeting"),
    # Middle English (`enm`) holds `en`: a text match would find English in it.
    pytest.param(City, "languages", city, "en", "eu", "e", "enm", id="city"),
]  # fmt: skip


@pytest.mark.parametrize(("model", "name", "make", "code", "other", "prefix", "holder"), FIELDS)
def test_has_matches_whole_elements_only(db, model, name, make, code, other, prefix, holder):
    both = make([other, code])
    only_other = make([other])
    empty = make([])
    unrelated = make([holder]) if holder else None
    rows = model.objects.filter(pk__in=[r.pk for r in (both, only_other, empty, unrelated) if r])

    assert list(rows.filter(**{f"{name}__has": code})) == [both]
    assert list(rows.filter(**{f"{name}__has": prefix})) == []
    assert list(rows.filter(**{f"{name}__has": f'"{code}"'})) == []
    assert sorted(r.pk for r in rows.exclude(**{f"{name}__has": code})) == sorted(
        r.pk for r in (only_other, empty, unrelated) if r
    )
    assert sorted(r.pk for r in rows.filter(**{f"{name}__has_any": [code, prefix]})) == [both.pk]
    assert sorted(r.pk for r in rows.filter(**{f"{name}__has_any": [other]})) == sorted(
        [both.pk, only_other.pk]
    )
    assert list(rows.filter(**{f"{name}__has_any": []})) == []


def test_has_rejects_a_list_and_has_any_a_single_code(db):
    with pytest.raises(TypeError):
        list(Publication.objects.filter(axes__has=["economy"]))
    with pytest.raises(TypeError):
        list(Publication.objects.filter(axes__has_any="economy"))


def test_observatory_filters_publications_by_axis(db):
    economy = publication(["economy", "people"])
    publication(["governance"])
    publication([])
    assert list(observatory_queries.publications(axis="economy")) == [economy]
    assert list(observatory_queries.publications(axis="eco")) == []


def test_codes_are_stored_in_the_order_of_the_choices_without_repeats(db):
    row = publication(["people", "economy"])
    assert row.axes == ["economy", "people"]
    row.refresh_from_db()
    assert row.axes == ["economy", "people"]
    assert meeting(["es", "en", "fr"]).languages == ["en", "fr", "es"]
    # A city keeps GeoNames' order: its main language first.
    assert city(["es", "ca", "gl", "eu", "es"]).languages == ["es", "ca", "gl", "eu"]


def test_unknown_code_is_refused_in_french():
    row = Publication(title="Rapport", axes=["economy", "nope"], published_at=timezone.now())
    with translation.override("fr"):
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        # Messages are translated when read: inside the override.
        assert caught.value.message_dict["axes"] == [
            "La valeur «\xa0'nope'\xa0» n\u2019est pas un choix valide."
        ]


def test_a_string_is_not_a_list_of_codes():
    row = City(languages="es,eu")
    with translation.override("fr"):
        with pytest.raises(ValidationError) as caught:
            row.clean_fields(exclude=[f.name for f in City._meta.fields if f.name != "languages"])
        assert caught.value.message_dict["languages"] == ["Saisissez une liste de valeurs."]


def test_a_repeated_code_is_refused():
    field = Meeting._meta.get_field("languages")
    with pytest.raises(ValidationError) as caught:
        field.clean(["en", "fr", "en"], Meeting())
    assert caught.value.code == "duplicate"
    assert caught.value.messages == ["“en” is listed more than once."]


def test_required_list_refuses_an_empty_list_and_optional_accepts_it():
    with pytest.raises(ValidationError) as caught:
        MentoringRequest._meta.get_field("axes").clean([], MentoringRequest())
    assert caught.value.code == "blank"
    assert Publication._meta.get_field("axes").clean([], Publication()) == []


def test_labels_follow_the_readers_language(db):
    row = meeting(["en", "es"])
    with translation.override("fr"):
        assert row.get_languages_labels() == [language_name("en"), language_name("es")]
        assert row.get_languages_display() == "Anglais, Espagnol"
    req = RequestFactory(axes=["economy", "mobility"])
    with translation.override("es"):
        labels = [str(Axis.ECONOMY.label), str(Axis.MOBILITY.label)]
        assert req.get_axes_labels() == labels
        assert req.get_axes_display() == ", ".join(labels)


def test_form_fields_show_checkboxes_for_axes_and_a_list_for_a_citys_languages():
    axes = Publication._meta.get_field("axes").formfield()
    languages = City._meta.get_field("languages").formfield()
    assert isinstance(axes, ChoicesListFormField)
    assert axes.widget.input_type == "checkbox"
    assert (languages.widget.input_type, languages.widget.allow_multiple_selected) == (
        "select",
        True,
    )
    with translation.override("fr"):
        assert ("fr", "Français") in list(languages.choices)


def test_form_round_trip_puts_axes_in_order_and_refuses_unknown_codes():
    data = {"title": "Report", "language": "en", "url": "https://example.org/report.pdf"}
    form = PublicationForm({**data, "axes": ["people", "economy", "people"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["axes"] == ["economy", "people"]

    with translation.override("fr"):
        form = PublicationForm({**data, "axes": ["economy", "eco"]})
        assert not form.is_valid()
        assert form.errors["axes"] == [
            "Sélectionnez un choix valide. eco n\u2019en fait pas partie."
        ]


def test_request_form_offers_the_platforms_languages():
    form = RequestForm(
        {"axes": ["mobility"], "need": "Ticketing", "languages": ["es", "en"], "mode": "informal"}
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["axes"], form.cleaned_data["languages"]) == (
        ["mobility"],
        ["en", "es"],
    )
    assert not RequestForm({"axes": ["mobility"], "need": "x", "languages": ["eu"]}).is_valid()


def test_city_profile_form_round_trip(db):
    row = city(["es", "eu"])
    form = CityProfileForm(instance=row)
    html = str(form["languages"])
    assert '<option value="eu" selected>' in html
    assert '<option value="es" selected>' in html
    form = CityProfileForm(
        {"description": "", "website": "", "languages": ["eu", "ca"]}, instance=row
    )
    assert form.is_valid(), form.errors
    form.save()
    row.refresh_from_db()
    assert row.languages == ["eu", "ca"]


def test_migrations_keep_the_choices_and_leave_the_widget_out():
    field = City._meta.get_field("languages")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "cityloom.core.fields.ChoicesListField"
    assert kwargs["ordered"] is False
    assert "widget" not in kwargs
    clone = field.clone()
    assert isinstance(clone, ChoicesListField)
    assert (clone.codes(), clone.ordered) == (field.codes(), False)


BEFORE = [
    ("network", "0002_invitation_acceptance_and_unconfirmed_requests"),
    ("meetings", "0001_initial"),
    ("mentoring", "0001_initial"),
]
AFTER = [
    ("network", "0003_lists_of_codes"),
    ("meetings", "0002_lists_of_codes"),
    ("mentoring", "0002_lists_of_codes"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_comma_separated_languages_become_lists_and_back():
    bilbao = city(["es", "eu"])
    quiet = city([])
    meet = MeetingFactory(languages=["en", "fr", "es"], starts_on=dt.date(2013, 5, 31))
    req = RequestFactory(languages=["es"])
    try:
        apps = _migrate(BEFORE)
        OldCity = apps.get_model("network", "City")
        OldMeeting = apps.get_model("meetings", "Meeting")
        OldRequest = apps.get_model("mentoring", "MentoringRequest")
        assert OldCity.objects.get(pk=bilbao.pk).languages == "es,eu"
        assert OldCity.objects.get(pk=quiet.pk).languages == ""
        assert OldMeeting.objects.get(pk=meet.pk).languages == "en,fr,es"
        assert OldRequest.objects.get(pk=req.pk).languages == "es"
        # Text as people typed it, and a code GeoNames knows but the choices do not.
        OldCity.objects.filter(pk=bilbao.pk).update(languages="es, eu,,ber")
        OldRequest.objects.filter(pk=req.pk).update(languages="")

        apps = _migrate(AFTER)
        NewCity = apps.get_model("network", "City")
        assert NewCity.objects.get(pk=bilbao.pk).languages == ["es", "eu", "ber"]
        assert NewCity.objects.get(pk=quiet.pk).languages == []
        assert apps.get_model("meetings", "Meeting").objects.get(pk=meet.pk).languages == [
            "en",
            "fr",
            "es",
        ]
        assert (
            apps.get_model("mentoring", "MentoringRequest").objects.get(pk=req.pk).languages == []
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(City.objects.filter(languages__has="eu")) == [City.objects.get(pk=bilbao.pk)]


def test_admin_shows_names_not_codes(db, client):
    row = publication(["economy", "living"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get("/en/admin/observatory/publication/").content.decode()
    assert "Smart economy, Smart living" in listing
    change = client.get(f"/en/admin/observatory/publication/{row.pk}/change/").content.decode()
    assert 'type="checkbox" name="axes" value="economy"' in change
    assert "Smart governance" in change
    meeting_row = MeetingFactory(languages=["fr", "es"])
    listing = client.get("/fr/admin/meetings/meeting/").content.decode()
    assert meeting_row.title in listing
    assert "Français, Espagnol" in listing
