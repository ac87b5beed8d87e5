"""Publications' tags are core's (core 0004): same link table, same rows, state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0003_publication_axes_choices"),
        ("core", "0004_tag"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publication",
                    name="tags",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="publications",
                        to="core.tag",
                        verbose_name="tags",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
