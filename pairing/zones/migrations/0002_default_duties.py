"""The duties a claimant can take on, as 永丰 and 兰新 list them; administrators add more."""
from django.db import migrations

from pairing.zones.defaults import DUTIES, ensure_duties


def create(apps, schema_editor):
    ensure_duties(apps)


def remove(apps, schema_editor):
    apps.get_model("zones", "Duty").objects.filter(name__in=DUTIES, claims=None).delete()


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
