from django.db import migrations


def ship(apps, schema_editor):
    # 优秀 at most 20% of the members appraised: the share most provincial guidance sets.
    apps.get_model("appraisal", "AppraisalRule").objects.get_or_create(
        node=None, defaults={"excellent_max_percent": 20})


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
