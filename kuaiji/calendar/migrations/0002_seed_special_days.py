"""Reference data: the statutory holidays and make-up working days chinese-calendar knows (2004–)."""

from django.db import migrations


def seed(apps, schema_editor):
    from kuaiji.calendar.seeding import seed_special_days

    seed_special_days(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("work_calendar", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: dropping the tables (reversing 0001) removes them.
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
    ]
