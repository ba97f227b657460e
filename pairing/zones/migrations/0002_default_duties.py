"""The duties a claimant can take on, as 永丰 and 兰新 list them; administrators add more."""
from django.db import migrations

DUTIES = ["文明创建宣传", "困难群众走访", "矛盾纠纷排查", "环境卫生"]


def create(apps, schema_editor):
    Duty = apps.get_model("zones", "Duty")
    for order, name in enumerate(DUTIES):
        Duty.objects.get_or_create(name=name, defaults={"sort_order": order})


def remove(apps, schema_editor):
    apps.get_model("zones", "Duty").objects.filter(name__in=DUTIES, claims=None).delete()


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
