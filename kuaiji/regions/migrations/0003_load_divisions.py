"""Reference data: every administrative division of the installed python-stdnum table."""

from django.db import migrations


def load(apps, schema_editor):
    from kuaiji.regions.loader import load_divisions

    load_divisions(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_placeholder_and_source"),
    ]

    operations = [
        # Reversing keeps the rows: departments and records may already point at them.
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
