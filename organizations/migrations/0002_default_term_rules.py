from django.db import migrations

# docs/RULES.md: branch and general-branch committees serve 3 years; community organizations 5.
DEFAULT_TERMS = {"street": 5, "community": 5, "branch": 3}


def add_defaults(apps, schema_editor):
    TermRule = apps.get_model("organizations", "TermRule")
    for kind, years in DEFAULT_TERMS.items():
        TermRule.objects.get_or_create(node=None, kind=kind, defaults={"years": years})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
