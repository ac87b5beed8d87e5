"""Practices' tags are core's (core 0004): same tables, same rows; practices lets go of the model.

State only: `practices_tag` and `practices_practice_tags` stay as they are.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_attachment_original_name_created_by_blank"),
        ("core", "0004_tag"),
        # Publications point at core's tag before practices' model leaves the state.
        ("observatory", "0004_publication_tags_core_tag"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="practice",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="practices",
                        to="core.tag",
                        verbose_name="tags",
                    ),
                ),
                migrations.DeleteModel(name="Tag"),
            ],
            database_operations=[],
        ),
    ]
