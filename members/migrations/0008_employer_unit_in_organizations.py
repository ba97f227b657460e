"""The employer and the registration unit point at organizations.Unit (state only: same table)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_member_accounts_activation_codes'),
        ('organizations', '0006_unit_moved_from_pairing'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='member',
                name='employer_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='employees', to='organizations.unit', verbose_name='工作单位（共建单位）'),
            ),
            migrations.AlterField(
                model_name='registration',
                name='unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='organizations.unit', verbose_name='所在共建单位'),
            ),
        ]),
    ]
