"""The admin keeps the secretariat of one commission out of every other commission's records."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cityloom.core.models import AuditEvent
from cityloom.mentoring.models import MentoringRequest
from cityloom.network.demo.steps import secretariat_group
from cityloom.network.models import JointActivity, MembershipRequest
from cityloom.study.models import Node, Value
from tests.factories import CommissionFactory, UserFactory

from .adminkit import build_commission_records, build_shared_records, edited_field, form_data

# What the secretariat may do with each registered model, written down here rather than
# read from the admins, so the walk checks the admins against the rule.
# Records of a commission: the secretariat sees its own only; True where it edits them.
COMMISSION_RECORDS = {
    "accounts.user": True,
    "core.auditevent": False,
    "network.commission": True,
    "network.membership": True,
    "network.membershiprequest": True,
    "network.commissionrelation": True,
    "network.jointactivity": True,
    "network.invitation": False,
    "meetings.meeting": True,
    "meetings.registration": True,
    "meetings.topic": True,
    "meetings.noteversion": False,
    "meetings.projectproposal": True,
    "projects.project": True,
    "projects.occurrence": True,
    "projects.joinrequest": True,
    "practices.practice": True,
    "practices.labelreview": True,
    "practices.transfer": True,
    "practices.conversation": True,
    "practices.compendium": True,
    "study.edition": True,
    "study.value": False,
    "study.valuechange": False,
    "study.computation": False,
    "mentoring.mentorcapacity": True,
    "mentoring.mentoringrequest": True,
    "mentoring.programme": True,
    "mentoring.activity": True,
    "mentoring.monitoringreport": True,
    "mentoring.evaluation": True,
    "mentoring.message": True,
    "communications.circular": True,
    "communications.newspost": True,
    "communications.page": True,
    "communications.event": True,
    "communications.eventregistration": True,
    "reports.annualreport": True,
    "forum.board": True,
    "forum.thread": True,
    "forum.post": True,
    "forum.report": True,
    "forum.moderationlog": True,
}
# Public facts every secretariat lists; only the commissions they belong to change them.
PUBLIC_RECORDS = {"network.city", "study.framework", "study.node"}
# The network's own, read by the secretariat and changed by superusers.
READ_ONLY_SHARED = {"network.organisation", "core.tag"}
# The network's own, run by every commission's secretariat (the observatory).
SECRETARIAT_SHARED = {"observatory.source", "observatory.publication", "observatory.watchedtopic"}
SUPERUSERS_ONLY = {
    "auth.group",
    "core.outgoingmail",
    # A person's own settings: the mail they opted out of, the secret address of their feed.
    "communications.mailpreference",
    "communications.calendartoken",
    "forum.subscription",
    "account.emailaddress",
    "socialaccount.socialapp",
    "socialaccount.socialtoken",
    "socialaccount.socialaccount",
    "django_tasks_database.dbtaskresult",
}
REFUSED = {302, 403, 404}


@pytest.fixture(autouse=True)
def _english():
    translation.activate("en")
    yield
    translation.deactivate()


def staff_secretariat(commission, **fields):
    person = UserFactory(is_staff=True, **fields)
    person.groups.add(secretariat_group())
    commission.secretariat.add(person)
    return person


@pytest.fixture
def world(db):
    """Commission A with two secretariat people, commission B with its own records."""
    mine, theirs = CommissionFactory(name="Commission A"), CommissionFactory(name="Commission B")
    return {
        "A": mine,
        "B": theirs,
        "a_records": build_commission_records(mine, "A"),
        "b_records": build_commission_records(theirs, "B"),
        "shared": build_shared_records(),
        "me": staff_secretariat(mine, email="me@secretariat.example"),
        "colleague": staff_secretariat(mine, email="colleague@secretariat.example"),
        "b_secretariat": staff_secretariat(theirs, email="them@secretariat.example"),
    }


def label(model) -> str:
    return model._meta.label_lower


def url(model, view, *args) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=args)


def snapshot(obj):
    """The record's fields as stored now; None once it is deleted."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if stored is None else model_to_dict(stored)


def login(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def listed(client, model) -> set | None:
    response = client.get(url(model, "changelist"))
    if response.status_code != 200:
        return None
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def autocompleted(client, model) -> set | None:
    """Every id the admin's autocomplete offers for the model, through any field to it."""
    source = next(
        (
            field
            for other in apps.get_models()
            for field in [*other._meta.fields, *other._meta.many_to_many]
            if field.remote_field is not None and field.remote_field.model is model
        ),
        None,
    )
    if source is None or not admin.site.get_model_admin(model).search_fields:
        return None
    ids, page = set(), 1
    while True:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": source.model._meta.app_label,
                "model_name": source.model._meta.model_name,
                "field_name": source.name,
                "page": page,
            },
        )
        if response.status_code != 200:
            return set()
        body = response.json()
        ids |= {result["id"] for result in body["results"]}
        if not body["pagination"]["more"]:
            return ids
        page += 1


def offered_choices(response) -> list[tuple[str, object]]:
    """(field, queryset) of every relation the page's forms offer."""
    if response.status_code != 200 or response.context is None:
        return []
    forms = [(response.context["adminform"].form, None)]
    for inline in response.context["inline_admin_formsets"]:
        # A row's hidden id is the formset's own bookkeeping, looked up among the parent's
        # rows only: not a choice the page offers.
        row_id = inline.formset.model._meta.pk.name
        forms.extend((form, row_id) for form in inline.formset.forms)
        forms.append((inline.formset.empty_form, row_id))
    return [
        (f"{type(form).__name__}.{name}", field.queryset)
        for form, row_id in forms
        for name, field in form.fields.items()
        if hasattr(field, "queryset") and name != row_id
    ]


def test_every_registered_admin_uses_the_one_mixin(db):
    from cityloom.core.admin import CommissionScopedAdmin, every_admin_is_scoped

    assert every_admin_is_scoped() == []
    assert all(isinstance(ma, CommissionScopedAdmin) for ma in admin.site._registry.values())


@pytest.mark.slow
def test_walk_every_admin_as_another_commissions_secretariat(world):
    """Commission A's secretariat against commission B's records, model by model."""
    registered = {label(model): model for model in admin.site._registry}
    expected = set(COMMISSION_RECORDS) | PUBLIC_RECORDS | READ_ONLY_SHARED
    expected |= SECRETARIAT_SHARED | SUPERUSERS_ONLY
    records = {**world["a_records"], **world["shared"]}
    not_covered = sorted(set(registered) - expected)
    not_built = sorted(name for name in registered if name not in records)
    assert not_covered == [], f"registered admins nobody decided a rule for: {not_covered}"
    assert not_built == [], f"registered admins the walk cannot build a record for: {not_built}"

    me, colleague = world["me"], world["colleague"]
    # Even with every right on the superusers' models, the admin itself refuses them.
    everything = Group.objects.create(name="Everything of the superusers")
    everything.permissions.set(
        Permission.objects.filter(
            content_type__in=[
                ContentType.objects.get_for_model(registered[name]) for name in SUPERUSERS_ONLY
            ]
        )
    )
    me.groups.add(everything)
    as_me, as_colleague = login(me), login(colleague)

    theirs = {}  # model → pks of B's private records, which no form may offer to A
    for obj in world["b_records"].values():
        if label(type(obj)) not in PUBLIC_RECORDS:
            theirs.setdefault(type(obj), set()).add(obj.pk)
    theirs.setdefault(type(me), set()).add(world["b_secretariat"].pk)

    problems = []

    def expect(condition, message):
        if not condition:
            problems.append(message)

    pages = []  # every form A's secretariat opens, to check the choices it offers
    for name, model in sorted(registered.items()):
        mine = records[name]
        other = world["b_records"].get(name)
        if name in SUPERUSERS_ONLY:
            expect(listed(as_me, model) is None, f"{name}: the secretariat lists it")
            response = as_me.get(url(model, "change", mine.pk))
            expect(response.status_code in REFUSED, f"{name}: change page {response.status_code}")
            before = snapshot(mine)
            response = as_me.post(url(model, "delete", mine.pk), {"post": "yes"})
            expect(response.status_code in REFUSED, f"{name}: delete {response.status_code}")
            expect(snapshot(mine) == before, f"{name}: changed by a refused delete")
            continue

        if name in READ_ONLY_SHARED:
            expect(mine.pk in (listed(as_me, model) or set()), f"{name}: not readable")
            response = as_me.get(url(model, "change", mine.pk))
            expect(
                response.status_code == 200 and not response.context["has_change_permission"],
                f"{name}: the secretariat may change a shared record",
            )
            before = snapshot(mine)
            response = as_me.post(url(model, "change", mine.pk), {"name": "Renamed"})
            expect(response.status_code == 403, f"{name}: change POST {response.status_code}")
            response = as_me.post(url(model, "delete", mine.pk), {"post": "yes"})
            expect(response.status_code == 403, f"{name}: delete {response.status_code}")
            expect(snapshot(mine) == before, f"{name}: a shared record changed")
            expect(as_me.get(url(model, "add")).status_code == 403, f"{name}: add allowed")
            continue

        # What A's own secretariat legitimately opens and saves.
        response = as_colleague.get(url(model, "change", mine.pk))
        expect(response.status_code == 200, f"{name}: own record {response.status_code}")
        if response.status_code != 200:
            continue
        pages.append((name, response))
        editable = response.context["has_change_permission"]
        should_edit = COMMISSION_RECORDS.get(name, name in PUBLIC_RECORDS | SECRETARIAT_SHARED)
        expect(editable == should_edit, f"{name}: may change its own: {editable}")
        data = form_data(response) if editable else {}
        field = edited_field(response) if editable else None
        if field:
            data[field] = f"{data[field]} edited".strip()

        if other is not None:
            before = snapshot(other)
            if name in PUBLIC_RECORDS:
                expect(other.pk in (listed(as_me, model) or set()), f"{name}: public yet hidden")
                response = as_me.get(url(model, "change", other.pk))
                expect(
                    response.status_code == 200 and not response.context["has_change_permission"],
                    f"{name}: B's record offered for change",
                )
                response = as_me.post(url(model, "change", other.pk), data)
                expect(response.status_code == 403, f"{name}: B's POST {response.status_code}")
            else:
                expect(other.pk not in (listed(as_me, model) or set()), f"{name}: B's listed")
                expect(mine.pk in (listed(as_colleague, model) or set()), f"{name}: own hidden")
                for view in ("change", "history"):
                    response = as_me.get(url(model, view, other.pk))
                    expect(response.status_code in REFUSED, f"{name}: B's {view} page opens")
                    if response.status_code == 302:
                        expect(response["Location"] == "/en/admin/", f"{name}: B's {view}")
                response = as_me.post(url(model, "change", other.pk), data)
                expect(response.status_code in REFUSED, f"{name}: B's POST answered")
                if response.status_code == 302:
                    expect(response["Location"] == "/en/admin/", f"{name}: B's POST saved")
                offered = autocompleted(as_me, model)
                if offered is not None:
                    expect(str(other.pk) not in offered, f"{name}: B's in autocomplete")
                    expect(str(mine.pk) in offered, f"{name}: own not in autocomplete")
            response = as_me.get(url(model, "delete", other.pk))
            expect(response.status_code in REFUSED, f"{name}: B's delete page opens")
            response = as_me.post(url(model, "delete", other.pk), {"post": "yes"})
            expect(response.status_code in REFUSED, f"{name}: B's delete answered")
            expect(snapshot(other) == before, f"{name}: B's record changed")

        if editable:
            before = snapshot(mine)
            response = as_colleague.post(url(model, "change", mine.pk), data)
            errors = (
                response.context["adminform"].form.errors
                if response.context and "adminform" in response.context
                else None
            )
            expect(
                response.status_code == 302 and response["Location"] == url(model, "changelist"),
                f"{name}: own change refused ({response.status_code}, {errors})",
            )
            if field:
                after = snapshot(mine)
                expect(after[field] == data[field], f"{name}: own change not saved")

    for name, model in sorted(registered.items()):
        if name in SUPERUSERS_ONLY:
            continue
        response = as_me.get(url(model, "add"))
        if response.status_code == 200:
            pages.append((f"{name} (add)", response))
    for page, response in pages:
        for field, queryset in offered_choices(response):
            leaked = set(queryset.values_list("pk", flat=True)) & theirs.get(queryset.model, set())
            expect(not leaked, f"{page}: {field} offers B's {queryset.model._meta.label}")

    assert problems == [], "\n".join(problems)


def test_secretariat_cannot_read_or_change_another_commissions_mentoring_request(world, client):
    theirs = world["b_records"]["mentoring.mentoringrequest"]
    client.force_login(world["me"])
    page = f"/en/admin/mentoring/mentoringrequest/{theirs.pk}/change/"
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert theirs.need.encode() not in client.get(response["Location"]).content
    response = client.post(
        page,
        {
            "commission": world["A"].pk,
            "city": theirs.city_id,
            "axes": '["economy"]',
            "need": "Taken over",
            "mode": "structured",
            "status": "withdrawn",
        },
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.commission, theirs.need, theirs.status) == (
        world["B"],
        "We want to improve public transport ticketing.",
        MentoringRequest.Status.OPEN,
    )


def test_value_list_filtered_on_another_edition_is_empty(world, client):
    mine = world["a_records"]["study.value"]
    theirs = world["b_records"]["study.value"]
    client.force_login(world["me"])
    response = client.get(
        "/en/admin/study/value/",
        {"questionnaire__edition__id__exact": theirs.questionnaire.edition_id},
    )
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == []
    response = client.get("/en/admin/study/value/")
    assert list(response.context["cl"].queryset) == [mine]
    # The filter lists the secretariat's own editions only, not the others' titles.
    edition_filter = next(
        f for f in response.context["cl"].filter_specs if f.field_path == "questionnaire__edition"
    )
    assert [pk for pk, _title in edition_filter.lookup_choices] == [mine.questionnaire.edition_id]


def test_superuser_sees_every_commissions_records(world, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/en/admin/study/value/")
    assert sorted(v.pk for v in response.context["cl"].queryset) == sorted(
        Value.objects.values_list("pk", flat=True)
    )
    theirs = world["b_records"]["mentoring.mentoringrequest"]
    response = client.get(f"/en/admin/mentoring/mentoringrequest/{theirs.pk}/change/")
    assert response.status_code == 200


def test_a_record_cannot_be_pointed_at_another_commission(world, client):
    """Creating a meeting for commission B, or moving A's request to B, fails validation."""
    client.force_login(world["me"])
    mine = world["a_records"]["mentoring.mentoringrequest"]
    page = f"/en/admin/mentoring/mentoringrequest/{mine.pk}/change/"
    data = form_data(client.get(page))
    data["commission"] = world["B"].pk
    response = client.post(page, data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["commission"]
    mine.refresh_from_db()
    assert mine.commission == world["A"]

    registration = world["a_records"]["meetings.registration"]
    page = f"/en/admin/meetings/registration/{registration.pk}/change/"
    data = form_data(client.get(page))
    data["meeting"] = world["b_records"]["meetings.meeting"].pk
    response = client.post(page, data)
    assert list(response.context["adminform"].form.errors) == ["meeting"]
    registration.refresh_from_db()
    assert registration.meeting == world["a_records"]["meetings.meeting"]


def test_a_record_saved_outside_the_secretariats_commissions_is_rolled_back(world, client):
    """The backstop: any city may be picked, but a capacity for B's city is not A's to set."""
    from cityloom.mentoring.models import MentorCapacity

    theirs = world["b_records"]["_partner"]
    client.force_login(world["me"])
    response = client.post(
        "/en/admin/mentoring/mentorcapacity/add/", {"city": theirs.pk, "max_programmes": 3}
    )
    assert response.status_code == 403
    assert not MentorCapacity.objects.filter(city=theirs).exists()
    mine = world["a_records"]["_partner"]
    response = client.post(
        "/en/admin/mentoring/mentorcapacity/add/", {"city": mine.pk, "max_programmes": 3}
    )
    assert response.status_code == 302
    assert MentorCapacity.objects.get(city=mine).max_programmes == 3


def test_joint_activity_keeps_the_other_commission_when_one_edits_it(world, client):
    joint = world["a_records"]["network.jointactivity"]
    joint.commissions.add(world["B"])
    client.force_login(world["me"])
    page = f"/en/admin/network/jointactivity/{joint.pk}/change/"
    response = client.get(page)
    field = response.context["adminform"].form.fields["commissions"]
    assert list(field.queryset) == [world["A"]]
    data = form_data(response)
    data["title"] = "Joint meeting, renamed"
    assert client.post(page, data).status_code == 302
    joint.refresh_from_db()
    assert joint.title == "Joint meeting, renamed"
    assert set(joint.commissions.all()) == {world["A"], world["B"]}
    # Deleting would take it away from B too.
    assert client.post(f"{page[: -len('change/')]}delete/", {"post": "yes"}).status_code == 403
    assert JointActivity.objects.filter(pk=joint.pk).exists()
    # B's secretariat sees it as well.
    assert joint.pk in listed(login(world["b_secretariat"]), JointActivity)


def test_editing_the_commission_keeps_colleagues_the_form_does_not_list(world, client):
    commission = world["A"]
    client.force_login(world["colleague"])
    page = f"/en/admin/network/commission/{commission.pk}/change/"
    data = form_data(client.get(page))
    data["name"] = "Commission A, renamed"
    assert client.post(page, data).status_code == 302
    commission.refresh_from_db()
    assert commission.name == "Commission A, renamed"
    assert set(commission.secretariat.all()) == {world["me"], world["colleague"]}


def test_membership_actions_work_for_own_commission_only(world, client):
    mine = world["a_records"]["network.membershiprequest"]
    theirs = world["b_records"]["network.membershiprequest"]
    client.force_login(world["me"])
    client.post(
        "/en/admin/network/membershiprequest/",
        {"action": "approve", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == MembershipRequest.Status.APPROVED
    assert theirs.status == MembershipRequest.Status.PENDING


def test_derive_action_builds_a_framework_the_secretariat_may_rename(world, client):
    indicator = world["a_records"]["study.node"]
    client.force_login(world["me"])
    response = client.post(
        "/en/admin/study/node/", {"action": "derive", "_selected_action": [indicator.pk]}
    )
    assert response.status_code == 302
    derived = Node.objects.get(framework__slug__startswith="derived-", code=indicator.code)
    page = f"/en/admin/study/framework/{derived.framework_id}/change/"
    assert client.get(page).context["has_change_permission"] is True
    # B's framework is used by B's edition: A reads it and may not change it.
    theirs = world["b_records"]["study.framework"]
    response = client.get(f"/en/admin/study/framework/{theirs.pk}/change/")
    assert response.context["has_change_permission"] is False


def test_audit_trail_shows_only_events_about_own_records(world, client):
    def about(records):
        targets = {(label(type(obj)), str(obj.pk)) for obj in records.values()}
        return {
            event.pk
            for event in AuditEvent.objects.all()
            if (event.target_type, event.target_id) in targets
        }

    mine, theirs = about(world["a_records"]), about(world["b_records"])
    assert world["a_records"]["core.auditevent"].pk in mine
    assert world["b_records"]["core.auditevent"].pk in theirs
    client.force_login(world["me"])
    response = client.get("/en/admin/core/auditevent/")
    assert set(response.context["cl"].queryset.values_list("pk", flat=True)) == mine


def test_shared_records_say_why_they_belong_to_no_commission(world, client):
    client.force_login(world["me"])
    response = client.get("/en/admin/core/tag/")
    assert response.context["subtitle"].startswith("Tags are shared by the practices")
    assert b"superusers curate them" in response.content
