import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_fill_archiverecord_uuid"),
    ]

    operations = [
        migrations.AlterField(
            model_name="archiverecord",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="公开编号"),
        ),
    ]
