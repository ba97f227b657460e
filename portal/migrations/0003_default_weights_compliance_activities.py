"""Shipped weights of the two ranking inputs fed by organizational life: 三会一课 compliance and
community activities held in the week."""
from django.db import migrations

from portal.defaults import ensure_ranking_weights

DEFAULTS = ["compliance_rate", "activities_held"]


def create_defaults(apps, schema_editor):
    ensure_ranking_weights(apps, DEFAULTS)


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "RankingWeight").objects.filter(
        node=None, input_key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_default_ranking_weights")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
