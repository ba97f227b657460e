from django import forms

from organizations.streetsettings.models import CHOICES, Key


class StreetSettingsForm(forms.Form):
    def __init__(self, *args, values, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in Key.choices:
            self.fields[key] = forms.ChoiceField(label=label, choices=CHOICES[key],
                                                 initial=values[key], widget=forms.RadioSelect)
