"""The shipped settings: rankings for the street's officials only, QR check-in one option
among others, rectification photos optional."""
from django.db import migrations

from organizations.streetsettings.defaults import DEFAULTS, ensure_defaults


def create(apps, schema_editor):
    ensure_defaults(apps)


def remove(apps, schema_editor):
    apps.get_model("streetsettings", "StreetSetting").objects.filter(
        node=None, key__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("streetsettings", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
