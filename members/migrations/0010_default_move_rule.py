from django.db import migrations


def ship_default(apps, schema_editor):
    """The default move rule (docs/RULES.md): the model's field defaults, as a row to override."""
    apps.get_model("members", "MoveRule").objects.get_or_create(node=None)


def remove_default(apps, schema_editor):
    apps.get_model("members", "MoveRule").objects.filter(node=None).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0009_moves_in_out_mobile_lost")]

    operations = [migrations.RunPython(ship_default, remove_default)]
