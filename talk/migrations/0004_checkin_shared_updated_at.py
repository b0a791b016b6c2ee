"""The time the partner sees on a check-in is kept apart from its own "updated":
until now the last change, private or not, so existing rows start from it."""

from django.db import migrations, models
from django.db.models import F


def copy_updated_at(apps, schema_editor):
    CheckIn = apps.get_model("talk", "CheckIn")
    CheckIn.objects.update(shared_updated_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("talk", "0003_request_proposal"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="shared_updated_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(copy_updated_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="checkin",
            name="shared_updated_at",
            field=models.DateTimeField(),
        ),
    ]
