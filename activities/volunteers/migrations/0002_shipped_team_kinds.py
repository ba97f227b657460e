from django.db import migrations

from activities.volunteers.defaults import ensure_team_kinds


def forwards(apps, schema_editor):
    ensure_team_kinds(apps.get_model("volunteers", "TeamKind"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
