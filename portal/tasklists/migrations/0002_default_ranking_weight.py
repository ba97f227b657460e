"""The weekly ranking's task-completion input ships with weight 0: a street counts it only
when it sets a weight of its own."""
from django.db import migrations

from portal.defaults import ensure_ranking_weights

DEFAULTS = ["task_completion"]


def create_defaults(apps, schema_editor):
    ensure_ranking_weights(apps, DEFAULTS)


def remove_defaults(apps, schema_editor):
    apps.get_model("portal", "RankingWeight").objects.filter(
        node=None, input_key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("tasklists", "0001_initial"),
                    ("portal", "0004_upload_fields_detect_type_from_content")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
