from django.db import migrations

from members.dues.defaults import ensure_defaults


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(ensure_defaults, migrations.RunPython.noop)]
