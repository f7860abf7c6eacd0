"""The public id of an archive record, in three steps so existing rows each get their own uuid."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="archiverecord",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="公开编号"),
        ),
    ]
