"""Tags move from practices to core, rows and links untouched.

The model keeps the table practices made (`practices_tag`), and the tables linking practices
and publications to it keep theirs: only Django's idea of which app owns the model changes.
Core takes it over here (state only); observatory 0004 and practices 0004 point their
relations at it, and practices 0004 lets go of its own. The content type moves with it, so
the permissions given on tags and the admin's history of them stay attached.
"""

from django.db import migrations, models


def _move_content_type(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        if not ContentType.objects.using(db).filter(app_label=to_app, model="tag").exists():
            ContentType.objects.using(db).filter(app_label=from_app, model="tag").update(
                app_label=to_app
            )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_and_workers"),
        # The table is the one practices created.
        ("practices", "0003_attachment_original_name_created_by_blank"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Tag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "slug",
                            models.SlugField(max_length=60, unique=True, verbose_name="short name"),
                        ),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        (
                            "name_fr",
                            models.CharField(
                                blank=True, max_length=60, verbose_name="name (French)"
                            ),
                        ),
                        (
                            "name_es",
                            models.CharField(
                                blank=True, max_length=60, verbose_name="name (Spanish)"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "tag",
                        "verbose_name_plural": "tags",
                        "db_table": "practices_tag",
                        "ordering": ["slug"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            _move_content_type("practices", "core"),
            _move_content_type("core", "practices"),
        ),
    ]
