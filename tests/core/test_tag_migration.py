"""Tags move from practices to core: every tag, every link and every right on them survives."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cityloom.observatory.models import Publication
from tests.practices.factories import PracticeFactory

BEFORE = [
    ("core", "0003_outbox_and_workers"),
    ("observatory", "0003_publication_axes_choices"),
    ("practices", "0003_attachment_original_name_created_by_blank"),
]
AFTER = [
    ("core", "0004_tag"),
    ("observatory", "0004_publication_tags_core_tag"),
    ("practices", "0004_tag_moves_to_core"),
]
RIGHTS_APPS = ("auth", "contenttypes")


def _executor():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate(targets):
    executor = _executor()
    executor.migrate(targets)
    # The rights on tags are read too: their apps, as they are now.
    rights = [key for key in executor.loader.graph.leaf_nodes() if key[0] in RIGHTS_APPS]
    return executor.loader.project_state([*targets, *rights]).apps


def _migrate_to_latest() -> None:
    """Every app back to its newest migration, as the rest of the session expects: later
    migrations of core (and of the others) were unapplied on the way to BEFORE."""
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _has(apps, app_label, model_name) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def _links(apps, app_label):
    """(pk, slug, name, name_fr, practices, publications) of every tag, as `app_label` has it."""
    Tag = apps.get_model(app_label, "Tag")
    return [
        (
            tag.pk,
            tag.slug,
            tag.name,
            tag.name_fr,
            sorted(tag.practices.values_list("pk", flat=True)),
            sorted(tag.publications.values_list("pk", flat=True)),
        )
        for tag in Tag.objects.order_by("pk")
    ]


def _rights(apps, group_pk):
    Group = apps.get_model("auth", "Group")
    return sorted(
        Group.objects.get(pk=group_pk).permissions.values_list(
            "content_type__app_label", "content_type__model", "codename"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_tags_links_and_rights_survive_the_move_and_its_undoing():
    bordeaux, bilbao = PracticeFactory(title="Bordeaux"), PracticeFactory(title="Bilbao")
    report = Publication.objects.create(title="A report", published_at=timezone.now())
    try:
        old = _migrate(BEFORE)
        assert not _has(old, "core", "Tag")
        Tag = old.get_model("practices", "Tag")
        open_data = Tag.objects.create(slug="open-data", name="Open data", name_fr="Données")
        bikes = Tag.objects.create(slug="bikes", name="Bikes")
        Tag.objects.create(slug="unused", name="Unused")
        Practice = old.get_model("practices", "Practice")
        Practice.objects.get(pk=bordeaux.pk).tags.set([open_data, bikes])
        Practice.objects.get(pk=bilbao.pk).tags.set([bikes])
        old.get_model("observatory", "Publication").objects.get(pk=report.pk).tags.set([open_data])
        # A right given on tags before the move (by a superuser, in the admin).
        ContentType = old.get_model("contenttypes", "ContentType")
        tag_type, _ = ContentType.objects.get_or_create(app_label="practices", model="tag")
        Permission = old.get_model("auth", "Permission")
        view_tag, _ = Permission.objects.get_or_create(
            content_type=tag_type, codename="view_tag", defaults={"name": "Can view tag"}
        )
        readers = old.get_model("auth", "Group").objects.create(name="Tag readers")
        readers.permissions.set([view_tag])
        before = _links(old, "practices")
        assert before == [
            (open_data.pk, "open-data", "Open data", "Données", [bordeaux.pk], [report.pk]),
            (bikes.pk, "bikes", "Bikes", "", sorted([bordeaux.pk, bilbao.pk]), []),
            (before[2][0], "unused", "Unused", "", [], []),
        ]

        new = _migrate(AFTER)
        assert _links(new, "core") == before
        assert not _has(new, "practices", "Tag")
        assert _rights(new, readers.pk) == [("core", "tag", "view_tag")]
        # The same tables, the rows never copied.
        Practice = new.get_model("practices", "Practice")
        Publication_ = new.get_model("observatory", "Publication")
        assert new.get_model("core", "Tag")._meta.db_table == "practices_tag"
        assert Practice.tags.through._meta.db_table == "practices_practice_tags"
        assert Publication_.tags.through._meta.db_table == "observatory_publication_tags"
        # New links through core's model land in the same tables.
        Practice.objects.get(pk=bilbao.pk).tags.add(
            new.get_model("core", "Tag").objects.get(slug="unused")
        )

        # And back: practices owns them again, nothing lost.
        old = _migrate(BEFORE)
        unused = (*before[2][:4], [bilbao.pk], [])
        assert _links(old, "practices") == [before[0], before[1], unused]
        assert _rights(old, readers.pk) == [("practices", "tag", "view_tag")]
    finally:
        _migrate_to_latest()


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor runs outside a transaction
def test_the_move_writes_nothing_to_the_database():
    """State only, on SQLite and PostgreSQL alike: no table is created, renamed or altered."""
    loader = _executor().loader
    for key in AFTER:
        for backwards in (False, True):
            # As `sqlmigrate` reads them: each migration alone, forwards and backwards.
            statements = loader.collect_sql([(loader.graph.nodes[key], backwards)])
            assert statements, f"{key}: nothing collected, the migration did not run"
            assert [s for s in statements if not s.lstrip().startswith("--")] == [], key
