"""The demo loader: data files in, rows out, the same rows however many times it runs."""

import datetime as dt
import textwrap

import pytest
from django.contrib.auth.models import Group

from cityloom.core.demo import DemoDataError, demo_files, load_demo, read_file
from cityloom.network.models import Commission, Membership, Organisation
from tests.factories import CityFactory

TODAY = dt.date(2026, 3, 10)


def _file(tmp_path, text, *, name="data.yaml", app="network"):
    path = tmp_path / app / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return read_file(path, app=app)


NETWORK = """
    natural_keys:
      network.City: geonames_id
      network.Commission: slug
      network.Organisation: acronym
    records:
      - model: network.Organisation
        key: [acronym]
        rows:
          - {acronym: TEST, name: Test network, name_fr: Réseau test, name_es: Red de prueba}
      - model: network.Commission
        key: [slug]
        rows:
          - {slug: test, organisation: TEST, kind: commission, name: Test, founded_year: 2005}
      - model: network.Membership
        key: [city, commission]
        defaults: {commission: test, status: active}
        rows:
          - {city: 101, joined_on: 2005-11-18}
          - {city: 102, joined_on: {days_from_today: -30}}
"""


@pytest.fixture
def cities(db):
    return [CityFactory(geonames_id=101), CityFactory(geonames_id=102)]


def test_loading_twice_changes_nothing(cities, tmp_path):
    files = [_file(tmp_path, NETWORK)]
    first = load_demo(files=files, today=TODAY)
    assert (first.created, first.updated) == (4, 0)
    rows = list(Membership.objects.values())
    again = load_demo(files=files, today=TODAY)
    assert (again.created, again.updated, again.steps, again.changes) == (0, 0, 0, [])
    assert list(Membership.objects.values()) == rows


def test_a_changed_file_updates_only_what_changed(cities, tmp_path):
    load_demo(files=[_file(tmp_path, NETWORK)], today=TODAY)
    changed = _file(tmp_path, NETWORK.replace("name_es: Red de prueba", "name_es: Red"))
    result = load_demo(files=[changed], today=TODAY)
    assert (result.created, result.updated) == (0, 1)
    assert result.changes == [f"{changed.path}: record 1 (network.Organisation) row 1: "
                              f"network.Organisation {Organisation.objects.get().pk}: name_es"]  # fmt: skip
    assert Organisation.objects.get().name_es == "Red"


def test_history_has_fixed_dates_and_the_present_is_relative_to_today(cities, tmp_path):
    load_demo(files=[_file(tmp_path, NETWORK)], today=TODAY)
    joined = dict(Membership.objects.values_list("city__geonames_id", "joined_on"))
    assert joined == {101: dt.date(2005, 11, 18), 102: dt.date(2026, 2, 8)}
    # Loaded another day, the present-day layer moves with it and the history stays.
    result = load_demo(files=[_file(tmp_path, NETWORK)], today=TODAY + dt.timedelta(days=1))
    assert result.updated == 1
    joined = dict(Membership.objects.values_list("city__geonames_id", "joined_on"))
    assert joined == {101: dt.date(2005, 11, 18), 102: dt.date(2026, 2, 9)}


def test_relative_date_times_take_a_time_of_day(cities, tmp_path):
    file = _file(
        tmp_path,
        """
        records:
          - model: network.MembershipRequest
            key: [email]
            rows:
              - {email: a@example.org, commission: {slug: test}, city: {geonames_id: 101},
                 contact_name: A, created_at: {days_from_today: -2, at: "17:30"}}
        """,
    )
    load_demo(files=[_file(tmp_path, NETWORK, name="0.yaml"), file], today=TODAY)
    request = Commission.objects.get(slug="test").membership_requests.get()
    assert request.created_at == dt.datetime(2026, 3, 8, 17, 30, tzinfo=dt.UTC)


def test_the_stamps_a_model_sets_itself_take_the_datas_dates(cities, tmp_path):
    """`created_at` as given; `updated_at` as given, else the row's `created_at`: never the
    moment of loading. Loading again changes nothing, and a later change stays the platform's."""
    stamped = NETWORK.replace(
        "{city: 101, joined_on: 2005-11-18}",
        "{city: 101, joined_on: 2005-11-18, created_at: 2005-11-18T10:00:00+01:00}",
    ).replace(
        "{city: 102, joined_on: {days_from_today: -30}}",
        "{city: 102, joined_on: 2013-06-27, created_at: 2013-05-06, updated_at: 2013-06-27}",
    )
    files = [_file(tmp_path, stamped)]
    load_demo(files=files, today=TODAY)
    stamps = {
        m.city.geonames_id: (m.created_at, m.updated_at)
        for m in Membership.objects.select_related("city")
    }
    founded = dt.datetime(2005, 11, 18, 9, tzinfo=dt.UTC)
    assert stamps == {
        101: (founded, founded),
        102: (
            dt.datetime(2013, 5, 6, 12, tzinfo=dt.UTC),
            dt.datetime(2013, 6, 27, 12, tzinfo=dt.UTC),
        ),
    }
    again = load_demo(files=files, today=TODAY)
    assert (again.created, again.updated, again.changes) == (0, 0, [])
    # The platform changes a row: its `updated_at` moves on, and the data does not undo it.
    Membership.objects.get(city__geonames_id=101).save()
    moved = Membership.objects.get(city__geonames_id=101).updated_at
    assert moved > founded
    assert load_demo(files=files, today=TODAY).updated == 0
    assert Membership.objects.get(city__geonames_id=101).updated_at == moved


def test_a_list_becomes_the_fields_representation(cities, tmp_path):
    file = _file(tmp_path, NETWORK.replace("name: Test network", "name: [Test, network]"))
    load_demo(files=[file], today=TODAY)
    assert Organisation.objects.get().name == "Test,network"  # a CharField joins with ","


def test_a_malformed_file_names_itself(db, tmp_path):
    with pytest.raises(DemoDataError, match=r"network/data\.yaml: not valid YAML"):
        _file(tmp_path, "records: [\n")
    with pytest.raises(DemoDataError, match=r"network/data\.yaml: unknown top-level keys"):
        _file(tmp_path, "record: []\n")


def test_a_malformed_record_names_the_file_record_and_row(cities, tmp_path):
    file = _file(tmp_path, NETWORK.replace("joined_on: 2005-11-18", "joined: 2005-11-18"))
    with pytest.raises(DemoDataError) as error:
        load_demo(files=[file], today=TODAY)
    assert str(error.value) == (
        f"{file.path}: record 3 (network.Membership) row 1: "
        "network.Membership has no field 'joined'"
    )
    assert not Organisation.objects.exists()  # the app's transaction rolled back

    bad_date = _file(tmp_path, NETWORK.replace("2005-11-18", "'18/11/2005'"))
    with pytest.raises(DemoDataError, match=r"record 3 .* row 1: joined_on: '18/11/2005' is not"):
        load_demo(files=[bad_date], today=TODAY)
    bad_relative = _file(tmp_path, NETWORK.replace("days_from_today: -30", "days_from_now: -30"))
    with pytest.raises(DemoDataError, match=r"row 2: joined_on: a relative date is"):
        load_demo(files=[bad_relative], today=TODAY)


def test_an_unknown_reference_is_named(cities, tmp_path):
    file = _file(tmp_path, NETWORK.replace("city: 102", "city: 999"))
    with pytest.raises(DemoDataError) as error:
        load_demo(files=[file], today=TODAY)
    assert str(error.value) == (
        f"{file.path}: record 3 (network.Membership) row 2: unknown network.City 999"
    )
    unknown_model = _file(tmp_path, "records: [{model: network.Nothing, key: [x], rows: []}]")
    with pytest.raises(DemoDataError, match=r"record 1 \(network\.Nothing\): unknown model"):
        load_demo(files=[unknown_model], today=TODAY)


def test_steps_run_by_dotted_path_unless_done(db, tmp_path):
    file = _file(
        tmp_path,
        """
        records:
          - step: network.demo.steps.secretariat_group
            unless: {model: auth.Group, name: Secretariat, permissions__isnull: false}
        """,
    )
    assert load_demo(files=[file], today=TODAY).steps == 1
    assert Group.objects.get(name="Secretariat").permissions.exists()
    assert load_demo(files=[file], today=TODAY).steps == 0
    missing = _file(tmp_path, "records: [{step: network.demo.steps.nothing}]", name="m.yaml")
    with pytest.raises(DemoDataError, match=r"m\.yaml: record 1 \(step .*\): no step"):
        load_demo(files=[missing], today=TODAY)


def test_apps_load_after_the_apps_they_depend_on(cities, tmp_path):
    later = _file(
        tmp_path,
        """
        depends_on: [network]
        records:
          - model: mentoring.MentorCapacity
            key: [city]
            rows: [{city: 101, max_programmes: 2}]
        """,
        app="mentoring",
    )
    network = _file(tmp_path, NETWORK)
    result = load_demo(files=[later, network], today=TODAY)  # given in the wrong order
    assert result.created == 5
    loop = _file(tmp_path, "depends_on: [mentoring]\nrecords: []\n", name="loop.yaml")
    with pytest.raises(DemoDataError, match="cycle"):
        load_demo(files=[later, loop], today=TODAY)


def test_every_installed_app_with_data_is_found_in_dependency_order():
    apps = [f.app for f in demo_files()]
    assert apps.index("network") < min(apps.index(a) for a in ("practices", "study", "meetings"))
    assert {"network", "practices", "observatory", "study", "meetings", "mentoring"} <= set(apps)


@pytest.mark.slow
def test_the_whole_demo_tells_2013_as_it_happened_and_loads_twice(db):
    from cityloom.mentoring.models import Programme
    from cityloom.practices.models import Practice
    from cityloom.study.models import Edition

    load_demo()
    again = load_demo()
    assert (again.created, again.updated, again.changes) == (0, 0, [])

    study = {e.year: e for e in Edition.objects.all()}
    assert (study[2012].cities.count(), study[2012].published_at.year) == (28, 2012)
    assert not study[2012].cities.filter(name__in=["Alcorcón", "Mexico City"]).exists()
    # The 2014 edition is the present-day layer: open for data today.
    assert (study[2014].cities.count(), study[2014].status) == (30, Edition.Status.OPEN)
    starts = {p.mentee.name: p.started_on for p in Programme.objects.select_related("mentee")}
    assert starts["Bordeaux"].year == 2012
    assert starts["Johannesburg"] >= dt.date(2013, 9, 1)
    labelled = Practice.objects.filter(is_labelled=True)
    assert labelled.exists()
    assert {p.labelled_at.year for p in labelled} <= {2012, 2013}
    assert max(p.published_at for p in Practice.objects.all()).year == 2013
    # Every practice speaks the three languages: its own, and two translations.
    for practice in Practice.objects.prefetch_related("translations"):
        assert {practice.language, *(t.language for t in practice.translations.all())} == {
            "en",
            "fr",
            "es",
        }
