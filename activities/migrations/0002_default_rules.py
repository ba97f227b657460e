from django.db import migrations

from activities.defaults import ensure_defaults


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(ensure_defaults, migrations.RunPython.noop)]
