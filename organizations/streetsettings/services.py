from django.db import transaction

from organizations.streetsettings.models import StreetSetting


@transaction.atomic
def settings_set(*, street, values):
    """The street's own rows, one per setting; the shipped defaults stay as they are. `street`
    may be a district: its rows apply to each of its streets that has no row of its own."""
    for key, value in values.items():
        StreetSetting.objects.update_or_create(node=street, key=key, defaults={"value": value})
