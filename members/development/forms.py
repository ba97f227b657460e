from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import MemberMultipleChoiceField
from kernel.normalize import normalize_id_number, normalize_name
from kernel.uploads import validate_document
from members.development.models import Candidate
from members.development.steps import PLAIN_STEPS, STEP_BY_CODE
from members.models import Member
from organizations.models import Node
from organizations.scope import WRITE_ROLES, scope_q

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    """What every step records besides its own data: who did it and the document."""

    responsible = forms.CharField(label=_("经办人/责任人"), max_length=50, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    document = forms.FileField(label=_("材料"), required=False, validators=[validate_document],
                               help_text=_("PDF、Word/Excel 文档或图片。"),
                               widget=forms.ClearableFileInput(
                                   attrs={"accept": "image/*,.pdf,.docx,.xlsx,.pptx"}))

    def __init__(self, *args, candidate=None, **kwargs):
        self.candidate = candidate
        super().__init__(*args, **kwargs)
        # The step's own fields first, the record's last.
        for name in ["responsible", "note", "document"]:
            self.fields[name] = self.fields.pop(name)

    def record(self, user):
        return {"responsible": self.cleaned_data["responsible"],
                "note": self.cleaned_data["note"],
                "document": self.cleaned_data["document"], "user": user}


def writable_branches(user):
    return Node.objects.active().filter(scope_q(user, "path", WRITE_ROLES),
                                        kind=Node.Kind.BRANCH).order_by("path")


class CandidateForm(forms.ModelForm):
    responsible = RecordForm.base_fields["responsible"]
    document = RecordForm.base_fields["document"]

    class Meta:
        model = Candidate
        fields = ["branch", "name", "gender", "birth_date", "id_number", "phone", "education",
                  "employer_name", "address", "applied_on"]
        widgets = {"birth_date": DATE, "applied_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = writable_branches(user)

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"])

    def clean_name(self):
        return normalize_name(self.cleaned_data["name"])


def _day(label):
    return forms.DateField(label=label, widget=DATE)


def _members_of(candidate):
    """Active members of the candidate's community: the service says which are not full."""
    community_path = candidate.branch.path[:candidate.branch.path.rstrip("/").rfind("/") + 1]
    return (Member.objects.active().filter(branch__path__startswith=community_path)
            .order_by("branch__path", "name_pinyin", "name"))


class TalkForm(RecordForm):
    talked_on = _day(_("谈话日期"))


class ActivistForm(RecordForm):
    activist_on = _day(_("确定为入党积极分子日期"))
    contacts = MemberMultipleChoiceField(label=_("培养联系人"), queryset=Member.objects.none(),
                                         help_text=_("一至两名正式党员。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = _members_of(self.candidate)


class DayForm(RecordForm):
    done_on = _day(_("日期"))


class ObjectForm(RecordForm):
    object_on = _day(_("确定为发展对象日期"))


class IntroducersForm(DayForm):
    introducers = MemberMultipleChoiceField(label=_("入党介绍人"), queryset=Member.objects.none(),
                                            help_text=_("两名正式党员。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introducers"].queryset = _members_of(self.candidate)


class TrainingForm(RecordForm):
    training_start = _day(_("集中培训开始"))
    training_end = _day(_("集中培训结束"))
    training_hours = forms.IntegerField(label=_("培训学时"), min_value=0, max_value=1000,
                                        required=False)


class PublicityForm(RecordForm):
    publicity_start = _day(_("公示开始"))
    publicity_end = _day(_("公示结束"))


class AdmissionForm(RecordForm):
    meeting_on = _day(_("支部大会日期"))
    voters_with_right = forms.IntegerField(label=_("有表决权的党员人数"), min_value=1,
                                           max_value=10000)
    voters_present = forms.IntegerField(label=_("到会有表决权的党员人数"), min_value=0,
                                        max_value=10000)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0, max_value=10000)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, max_value=10000)


class ApprovalForm(RecordForm):
    approved_on = _day(_("上级党委审批日期"))
    approval_special = forms.BooleanField(
        label=_("特殊情况延长审批"), required=False,
        help_text=_("支部大会后超过三个月审批的须勾选，最长不超过六个月。"))
    category = forms.ChoiceField(label=_("党员类别"), choices=Member.Category.choices,
                                 initial=Member.Category.EMPLOYED)


class PlainStepForm(DayForm):
    code = forms.ChoiceField(label=_("步骤"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (code, f"{STEP_BY_CODE[code].number}. {_(STEP_BY_CODE[code].name)}")
            for code in PLAIN_STEPS]
        self.order_fields(["code", "done_on"])


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 台账（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
