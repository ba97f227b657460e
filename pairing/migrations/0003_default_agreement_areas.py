from django.db import migrations

from pairing.defaults import AGREEMENT_AREAS, ensure_defaults


def remove_areas(apps, schema_editor):
    apps.get_model("pairing", "AgreementArea").objects.filter(name__in=AGREEMENT_AREAS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("pairing", "0002_co_building"),
    ]

    operations = [migrations.RunPython(ensure_defaults, remove_areas)]
