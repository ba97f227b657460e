"""The shipped weights of the weekly ranking; a street overrides them from its weights page."""
from decimal import Decimal

from django.db import migrations

DEFAULTS = {"on_time_rate": Decimal("50"), "problems_found": Decimal("30"),
            "rectifications_overdue": Decimal("20")}


def create_defaults(apps, schema_editor):
    RankingWeight = apps.get_model("portal", "RankingWeight")
    for key, weight in DEFAULTS.items():
        RankingWeight.objects.get_or_create(node=None, input_key=key, defaults={"weight": weight})


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "RankingWeight").objects.filter(
        node=None, input_key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
