"""Ships the exploration list's catalogue: about 80 neutral ideas, grouped.

Adds only keys that are missing, so a later migration may run the same sync
after the catalogue grows. Reversing removes the shipped ideas (and answers
to them), never a couple's own.
"""

from django.db import migrations


def ship(apps, schema_editor):
    from agreements.catalogue import CATALOGUE, GROUPS

    item_model = apps.get_model("agreements", "ExplorationItem")
    existing = set(
        item_model.objects.exclude(key="").values_list("key", flat=True)
    )
    item_model.objects.bulk_create(
        item_model(key=key, group=GROUPS[group], text=text, directional=directional)
        for key, group, text, directional in CATALOGUE
        if key not in existing
    )


def unship(apps, schema_editor):
    apps.get_model("agreements", "ExplorationItem").objects.exclude(key="").delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_exploration_list")]

    operations = [migrations.RunPython(ship, unship)]
