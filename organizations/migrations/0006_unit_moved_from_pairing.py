"""The co-building unit moves from pairing to organizations in the migration state only: its
tables keep their names (pairing_unit, pairing_unit_communities), no row moves. The apps that
refer to it point their fields here in their own state-only migrations; pairing then drops
the model from its state and hands over its content type."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pairing', '0006_upload_fields_detect_type_from_content'),
        ('organizations', '0005_node_sort_key'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Unit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='单位名称')),
                    ('unit_type', models.CharField(choices=[('government', '行政单位'), ('public_institution', '事业单位'), ('state_enterprise', '国有企业'), ('private_enterprise', '非公企业'), ('military', '部队'), ('school', '学校'), ('social_organization', '社会组织')], max_length=24, verbose_name='单位类型')),
                    ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                    ('party_org_name', models.CharField(blank=True, max_length=100, verbose_name='党组织名称')),
                    ('member_count', models.PositiveIntegerField(default=0, verbose_name='党员人数')),
                    ('contact_name', models.CharField(blank=True, max_length=50, verbose_name='联系人')),
                    ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='联系电话')),
                    ('archived_at', models.DateTimeField(blank=True, null=True, verbose_name='归档时间')),
                    ('archive_reason', models.CharField(blank=True, max_length=200, verbose_name='归档原因')),
                    ('communities', models.ManyToManyField(blank=True, db_table='pairing_unit_communities', limit_choices_to={'kind': 'community'}, related_name='co_building_units', to='organizations.node', verbose_name='共建社区')),
                    ('grid', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='organizations.grid', verbose_name='网格')),
                    ('street', models.ForeignKey(limit_choices_to={'kind': 'street'}, on_delete=django.db.models.deletion.PROTECT, related_name='units', to='organizations.node', verbose_name='所在街道')),
                ],
                options={
                    'verbose_name': '共建单位',
                    'verbose_name_plural': '共建单位',
                    'db_table': 'pairing_unit',
                    'ordering': ['name'],
                    'constraints': [models.UniqueConstraint(fields=('street', 'name'), name='unit_unique_name')],
                },
            ),
        ]),
    ]
