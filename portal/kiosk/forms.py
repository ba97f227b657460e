from django import forms

from kernel.request_params import DayField
from portal.kiosk.models import KioskLink


class KioskLinkForm(forms.ModelForm):
    expires_on = DayField(label=KioskLink._meta.get_field("expires_on").verbose_name,
                          help_text=KioskLink._meta.get_field("expires_on").help_text,
                          required=False, widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = KioskLink
        fields = ["label", "expires_on"]
