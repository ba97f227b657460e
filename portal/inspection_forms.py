from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.request_params import DayField, parse_ids
from kernel.uploads import validate_image
from organizations.forms import DateInput
from organizations.models import Node
from portal.models import Inspection, InspectionPoint, Rectification
from portal.ranking import RANKING_INPUTS


class InspectionPointForm(forms.ModelForm):
    class Meta:
        model = InspectionPoint
        fields = ["community", "kind", "name", "address", "archived_on", "archive_reason"]
        widgets = {"archived_on": DateInput()}
        help_texts = {"archived_on": _("点位不再督查时填写；记录保留。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Node.objects.overseen_by(user).filter(
            kind=Node.Kind.COMMUNITY).active()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("archived_on") and not cleaned.get("archive_reason"):
            self.add_error("archive_reason", _("停用时请写明原因。"))
        return cleaned


class InspectionForm(forms.Form):
    point = forms.ModelChoiceField(queryset=InspectionPoint.objects.none(), label=_("点位"))
    inspected_on = forms.DateField(label=_("督查日期"), widget=DateInput(),
                                   initial=timezone.localdate)
    result = forms.ChoiceField(label=_("督查结果"), choices=Inspection.Result.choices,
                               widget=forms.RadioSelect)
    problem = forms.CharField(label=_("发现问题"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("不合格时必填。"))
    photo = forms.FileField(label=_("现场照片"), required=False, validators=[validate_image])
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DateInput(),
                               help_text=_("不合格时必填，不能早于今天。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].error_messages["invalid_choice"] = _(
            "只能督查本街道在用的点位。")
        self.fields["point"].queryset = (
            InspectionPoint.objects.overseen_by(user).active().select_related("community")
            .order_by("community__sort_order", "community__name", "kind", "name"))
        self.fields["point"].label_from_instance = (
            lambda point: f"{point.community.name} · {point}")


class RectificationFixForm(forms.Form):
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    # Optional unless the street's settings require it (减负: no traces for their own sake).
    photo = forms.FileField(label=_("整改后照片"), required=False, validators=[validate_image])


class RectificationReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class RankingWeightsForm(forms.Form):
    def __init__(self, *args, weights, **kwargs):
        super().__init__(*args, **kwargs)
        for item in RANKING_INPUTS:
            self.fields[item.key] = forms.DecimalField(
                label=item.label, min_value=0, max_value=999, decimal_places=2,
                initial=weights[item.key])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.values()):
            raise forms.ValidationError(_("至少要有一项权重大于 0。"))
        return cleaned


class InspectionFilterForm(forms.Form):
    community = forms.CharField(required=False)
    result = forms.ChoiceField(label=_("结果"), required=False,
                               choices=[("", _("全部"))] + Inspection.Result.choices)
    date_from = DayField(label=_("从"), required=False, widget=DateInput())
    date_to = DayField(label=_("到"), required=False, widget=DateInput())


RECTIFICATION_STATES = [
    ("", _("全部")), ("all", _("全部")), ("open", _("未完成")), ("overdue", _("已逾期")),
    ("due_week", _("本周到期")), *Rectification.Status.choices,
]


class RectificationFilterForm(forms.Form):
    community = forms.CharField(required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=RECTIFICATION_STATES)
    deadline_from = DayField(label=_("期限从"), required=False, widget=DateInput())
    deadline_to = DayField(label=_("期限到"), required=False, widget=DateInput())


def community_ids(raw):
    """"3,5" → [3, 5] (the dashboards link a figure to its communities); anything else names
    no community: 404."""
    ids = parse_ids(raw)
    if ids is None:
        raise Http404
    return ids
