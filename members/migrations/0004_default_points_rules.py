from decimal import Decimal

from django.db import migrations

# Shipped defaults; a street or community overrides any of them (organizations.rules).
DEFAULTS = [
    ("attendance:general_meeting", "2", "24"),
    ("attendance:committee_meeting", "1", "24"),
    ("attendance:group_meeting", "1", "24"),
    ("attendance:party_lecture", "2", "16"),
    ("attendance:theme_day", "2", "24"),
    ("attendance:life_meeting", "3", "6"),
    ("attendance:appraisal", "2", "4"),
    ("attendance:talk", "1", "6"),
    ("volunteer_hour", "1", "100"),
    ("post_month", "5", "60"),
]


def forwards(apps, schema_editor):
    PointsRule = apps.get_model("members", "PointsRule")
    for item, points, cap in DEFAULTS:
        PointsRule.objects.get_or_create(node=None, item=item, defaults={
            "points": Decimal(points), "yearly_cap": Decimal(cap), "exempt_categories": []})


def backwards(apps, schema_editor):
    apps.get_model("members", "PointsRule").objects.filter(node=None).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0003_posts_registration_points")]
    operations = [migrations.RunPython(forwards, backwards)]
