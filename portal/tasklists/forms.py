from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.forms import ModelMultipleChoiceField
from kernel.uploads import validate_document
from organizations.forms import DateInput
from organizations.models import Node
from portal.tasklists import services
from portal.tasklists.models import TaskItem

BREAKDOWNS = [(services.WHOLE, _("每个社区一项")), (services.PER_GRID, _("按网格分解")),
              (services.PER_POINT, _("按督查点位分解"))]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=100)
    instructions = forms.CharField(label=_("工作要求"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("完成期限"), widget=DateInput())
    attachment = forms.FileField(label=_("附件"), required=False, validators=[validate_document],
                                 help_text=_("可选：通知、表格或图片。"))
    communities = ModelMultipleChoiceField(
        label=_("下发到"), queryset=Node.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个社区。")})
    breakdown = forms.ChoiceField(label=_("分解方式"), choices=BREAKDOWNS, initial=services.WHOLE,
                                  widget=forms.RadioSelect,
                                  help_text=_("按网格或点位分解时，每个网格或点位一项，分别分派、报告和验收。"))

    def __init__(self, *args, street, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Node.objects.active().filter(parent=street, kind=Node.Kind.COMMUNITY)
        self.fields["communities"].queryset = communities.order_by("sort_order", "name")
        self.fields["communities"].initial = list(communities.values_list("pk", flat=True))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("完成期限不能早于今天。"))
        return deadline


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("责任人"), max_length=50, required=False,
                               help_text=_("社区工作人员的姓名；或选择下面的责任支部。"))
    branch = forms.ModelChoiceField(label=_("责任支部"), queryset=Node.objects.none(),
                                    required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Node.objects.active().filter(
            parent=item.community, kind=Node.Kind.BRANCH).order_by("sort_order", "name")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("assignee", "").strip() \
                and cleaned.get("branch") is None:
            self.add_error("assignee", _("请填写责任人或选择责任支部。"))
        return cleaned


class ReportForm(forms.Form):
    done = forms.TypedChoiceField(
        label=_("报告类型"), coerce=lambda value: value == "done", widget=forms.RadioSelect,
        choices=[("progress", _("进展（事项仍在办理）")), ("done", _("已完成，提请街道验收"))],
        initial="done")
    note = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("照片或文件"), required=False,
                                 validators=[validate_document], help_text=_("可选，不要求留痕。"))


class ItemFilterForm(forms.Form):
    STATES = [("", _("全部")), ("open", _("未完成")), ("overdue", _("已逾期")),
              *TaskItem.Status.choices]
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATES)
