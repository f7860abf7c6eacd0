import uuid

from django.db import migrations


def fill_uuids(apps, schema_editor):
    ArchiveRecord = apps.get_model("archive", "ArchiveRecord")
    for record in ArchiveRecord.objects.filter(uuid__isnull=True).only("pk").iterator():
        ArchiveRecord.objects.filter(pk=record.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_archiverecord_uuid"),
    ]

    operations = [
        migrations.RunPython(fill_uuids, migrations.RunPython.noop, elidable=True),
    ]
