from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import ModelMultipleChoiceField
from organizations.models import Grid, Node
from pairing.models import Unit
from pairing.zones.models import Duty


class ZoneForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False,
                                  help_text=_("责任区就是一个网格时选择；否则填写片区名称。"))
    name = forms.CharField(label=_("片区名称"), max_length=100, required=False)
    description = forms.CharField(label=_("范围说明"), max_length=200, required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(community=community,
                                                           archived_at__isnull=True)


class ClaimForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("认领单位"), queryset=Unit.objects.none(),
                                  required=False)
    branch = forms.ModelChoiceField(label=_("认领支部"), queryset=Node.objects.none(),
                                    required=False, help_text=_("认领单位与认领支部二选一。"))
    duties = ModelMultipleChoiceField(label=_("认领职责"), queryset=Duty.objects.all(),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().filter(
            communities=zone.community).order_by("name")
        self.fields["branch"].queryset = Node.objects.active().filter(
            parent=zone.community, kind=Node.Kind.BRANCH).order_by("sort_order", "name")
