"""Community activities' units point at organizations.Unit (state only: the same tables)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0006_notification_message_in_reader_language'),
        ('organizations', '0006_unit_moved_from_pairing'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='communityactivity',
                name='units',
                field=models.ManyToManyField(blank=True, related_name='community_activities', to='organizations.unit', verbose_name='参与共建单位'),
            ),
        ]),
    ]
