"""pairing's fields point at organizations.Unit and the model leaves pairing's state (state only:
the tables keep their names and rows), after every app that refers to it has moved."""
import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="pairing", target="organizations"):
    """The unit's content type (and with it the audit trail's and the permissions' rows)
    follows the model, unless the target already has one of its own."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="unit").exists():
        ContentType.objects.filter(app_label=source, model="unit").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="organizations", target="pairing")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0008_employer_unit_in_organizations'),
        ('activities', '0007_units_in_organizations'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('organizations', '0006_unit_moved_from_pairing'),
        ('pairing', '0006_upload_fields_detect_type_from_content'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='project',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='organizations.unit', verbose_name='共建单位'),
            ),
            migrations.AlterField(
                model_name='jointcommitteeseat',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='joint_seats', to='organizations.unit', verbose_name='所在单位'),
            ),
            migrations.AlterField(
                model_name='contribution',
                name='unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='organizations.unit', verbose_name='共建单位'),
            ),
            migrations.AlterField(
                model_name='agreement',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agreements', to='organizations.unit', verbose_name='共建单位'),
            ),
            migrations.AlterField(
                model_name='resource',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resources', to='organizations.unit', verbose_name='共建单位'),
            ),
            migrations.AlterField(
                model_name='pairing',
                name='unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pairings', to='organizations.unit', verbose_name='帮扶单位'),
            ),
            migrations.DeleteModel(
                name='Unit',
            ),
        ]),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
