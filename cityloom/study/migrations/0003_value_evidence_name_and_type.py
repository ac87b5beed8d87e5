"""Evidence files get the upload policy: random stored names, the uploader's name kept as data,
and the type read from the bytes (cityloom/core/uploads.py).

Files stored before were named as the uploader named them ("study/evidence/budget-2013.pdf"):
each is moved to a random name. Its bytes were only checked by extension, so its type is
sniffed now; one that matches no accepted type is kept and served as an opaque download.
A file missing from the storage keeps its path (its download answers 404).
"""

from django.db import migrations, models, transaction


def random_names_for_stored_evidence(apps, schema_editor):
    from cityloom.core import uploads

    # The types evidence was accepted as (by extension) when this migration was written.
    accepted = (
        uploads.PDF, uploads.PNG, uploads.JPEG, uploads.XLSX, uploads.DOCX, uploads.ODT,
        uploads.ODS, uploads.CSV, uploads.TEXT,
    )
    Value = apps.get_model("study", "Value")
    for value in Value.objects.exclude(evidence_file="").iterator():
        old = value.evidence_file.name
        storage = value.evidence_file.storage
        value.evidence_name = uploads.clean_name(old)
        try:
            with storage.open(old, "rb") as handle:
                file_type = (
                    uploads.sniff(handle, accepted, name=value.evidence_name)
                    or uploads.UNKNOWN
                )
                handle.seek(0)
                new = storage.save(f"study/evidence/{uploads.random_name(file_type)}", handle)
        except FileNotFoundError:
            value.evidence_type = uploads.UNKNOWN.content_type
            value.save(update_fields=["evidence_name", "evidence_type"])
            continue
        value.evidence_file.name = new
        value.evidence_type = file_type.content_type
        value.save(update_fields=["evidence_file", "evidence_name", "evidence_type"])
        # The old copy goes once the new names are committed, never before.
        transaction.on_commit(lambda old=old, storage=storage: storage.delete(old))


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0002_cityresult_axes"),
    ]

    operations = [
        migrations.AddField(
            model_name="value",
            name="evidence_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="evidence file name"),
        ),
        migrations.AddField(
            model_name="value",
            name="evidence_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="evidence file type"),
        ),
        migrations.RunPython(random_names_for_stored_evidence, migrations.RunPython.noop),
    ]
