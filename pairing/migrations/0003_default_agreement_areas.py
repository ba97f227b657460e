from django.db import migrations

# The 五联/六联 areas as communities commonly write them into co-building agreements.
AREAS = ["思想教育联抓", "环境卫生联搞", "社会治安联防", "服务设施联建", "文化活动联办",
         "困难群众联帮", "党员队伍联管"]


def add_areas(apps, schema_editor):
    AgreementArea = apps.get_model("pairing", "AgreementArea")
    for index, name in enumerate(AREAS):
        AgreementArea.objects.get_or_create(name=name, defaults={"sort_order": index})


def remove_areas(apps, schema_editor):
    apps.get_model("pairing", "AgreementArea").objects.filter(name__in=AREAS).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("pairing", "0002_co_building"),
    ]

    operations = [migrations.RunPython(add_areas, remove_areas)]
