"""The shipped weights of the weekly ranking; a street overrides them from its weights page."""
from django.db import migrations

from portal.defaults import ensure_ranking_weights

DEFAULTS = ["on_time_rate", "problems_found", "rectifications_overdue"]


def create_defaults(apps, schema_editor):
    ensure_ranking_weights(apps, DEFAULTS)


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "RankingWeight").objects.filter(
        node=None, input_key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
