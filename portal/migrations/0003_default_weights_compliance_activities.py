"""Shipped weights of the two ranking inputs fed by organizational life: 三会一课 compliance and
community activities held in the week."""
from decimal import Decimal

from django.db import migrations

DEFAULTS = {"compliance_rate": Decimal("30"), "activities_held": Decimal("20")}


def create_defaults(apps, schema_editor):
    RankingWeight = apps.get_model("portal", "RankingWeight")
    for key, weight in DEFAULTS.items():
        RankingWeight.objects.get_or_create(node=None, input_key=key, defaults={"weight": weight})


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "RankingWeight").objects.filter(
        node=None, input_key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_default_ranking_weights")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
