# The records archived before 0007 get their answer columns from their current version's answers.

from django.db import migrations


def fill(apps, schema_editor):
    from kuaiji.archive.services import refill_answer_columns

    refill_answer_columns(
        record_model=apps.get_model("archive", "ArchiveRecord"),
        version_model=apps.get_model("archive", "ArchiveVersion"),
    )


class Migration(migrations.Migration):
    # One UPDATE of 5,000 records at a time, each committed: at a million records no statement holds
    # the approvals' row locks for long.
    atomic = False

    dependencies = [
        ("archive", "0007_archiverecord_answer_columns"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
