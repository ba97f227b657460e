from django.db import migrations

from members.development.steps import ensure_defaults


def remove_defaults(apps, schema_editor):
    apps.get_model("development", "DevelopmentRule").objects.filter(node__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]

    operations = [migrations.RunPython(ensure_defaults, remove_defaults)]
