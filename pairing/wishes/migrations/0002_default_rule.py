from django.db import migrations


def ship_default(apps, schema_editor):
    # docs/RULES.md: a wish is done within 7 days of acceptance; an open one unclaimed for
    # 2 days is chased. Streets and communities override with their own row.
    apps.get_model("wishes", "WishRule").objects.get_or_create(
        node=None, defaults={"due_days": 7, "unclaimed_days": 2})


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_initial")]

    operations = [migrations.RunPython(ship_default, migrations.RunPython.noop)]
