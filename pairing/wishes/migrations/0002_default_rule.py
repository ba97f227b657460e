from django.db import migrations

from pairing.wishes.defaults import ensure_default_rule


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_initial")]

    operations = [migrations.RunPython(ensure_default_rule, migrations.RunPython.noop)]
