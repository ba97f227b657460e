"""ID numbers and names stored as typed (full-width digits, a lower-case x, non-breaking
spaces) brought to the one form every entry point now stores. A number whose normal form
another member already holds is left as it is and listed at 疑似重复党员 (/members/duplicates/)
for staff to resolve: the same person twice is never merged here."""
from django.db import migrations


def normalize(apps, schema_editor):
    from members.duplicates import normalize_stored_members

    collisions = normalize_stored_members(apps.get_model("members", "Member"))
    if collisions:
        print(f"\n  {len(collisions)} 组疑似重复党员（身份证号规范化后相同），未合并："
              "请社区工作人员在“疑似重复党员”页核对。")


class Migration(migrations.Migration):

    dependencies = [("members", "0005_member_counts_index")]

    operations = [migrations.RunPython(normalize, migrations.RunPython.noop, elidable=True)]
