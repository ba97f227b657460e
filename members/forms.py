from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, PointsRule, Post, Registration
from members.normalize import normalize_id_number, normalize_name
from organizations.forms import DateInput
from organizations.models import Grid, Node
from portal.forms import MemberChoiceField


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "gender", "ethnicity", "id_number", "birth_date", "phone", "education",
                  "address", "joined_on", "full_member_on", "status", "category",
                  "employer_unit", "employer_name", "branch", "group", "grid"]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(),
                   "full_member_on": DateInput()}
        help_texts = {"birth_date": _("留空则按身份证号自动填写。"),
                      "employer_name": _("不是共建单位时填写。")}
        error_messages = {"id_number": {"unique": _("该身份证号已登记在册，请勿重复录入。")}}

    def __init__(self, *args, user, **kwargs):
        from pairing.models import Unit

        super().__init__(*args, **kwargs)
        nodes = Node.objects.editable_by(user).active()
        self.fields["branch"].queryset = nodes.filter(kind=Node.Kind.BRANCH)
        self.fields["group"].queryset = nodes.filter(kind=Node.Kind.GROUP)
        self.fields["grid"].queryset = Grid.objects.filter(
            archived_at__isnull=True, community__in=Node.objects.visible_to(user).filter(
                kind=Node.Kind.COMMUNITY)).select_related("community")
        self.fields["employer_unit"].queryset = Unit.objects.visible_to(user).for_choice(
            [self.instance.employer_unit_id])
        if self.instance.pk:
            # The full number is never sent to the page: it is changed by typing a new one.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前：%(masked)s。如需更正请输入完整的新号码，"
                                                   "不改则留空。") % {
                "masked": self.instance.masked_id_number}
            self.initial["id_number"] = ""

    def clean_name(self):
        return normalize_name(self.cleaned_data.get("name"))

    def clean_id_number(self):
        # Normalized before the uniqueness check, so "６２０…ｘ" finds the member "620…X".
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if not value and self.instance.pk:
            return self.instance.id_number
        return value

    def clean(self):
        from members.validators import birth_date_from_id

        cleaned = super().clean()
        id_number = cleaned.get("id_number")
        if id_number and "id_number" not in self.errors:
            born = birth_date_from_id(id_number)
            if not cleaned.get("birth_date"):
                cleaned["birth_date"] = born
                self.instance.birth_date = born
            elif born and cleaned["birth_date"] != born:
                self.add_error("birth_date", _("出生日期与身份证号不一致。"))
        if (cleaned.get("status") == Member.Status.PROBATIONARY
                and cleaned.get("full_member_on")):
            self.add_error("full_member_on", _("预备党员不应有转正时间。"))
        return cleaned


class TransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(queryset=Node.objects.none(), label=_("转入支部"))
    transferred_on = forms.DateField(label=_("转接日期"), widget=DateInput(),
                                     initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = (
            Node.objects.editable_by(user).active().filter(kind=Node.Kind.BRANCH)
            .exclude(pk=member.branch_id))


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离开日期"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("离开原因"), choices=Member.LeaveReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ConvertForm(forms.Form):
    decided_on = forms.DateField(label=_("支部大会决定日期"), widget=DateInput())


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("延长月数"), min_value=6, max_value=12,
                                help_text=_("预备期只能延长一次，6至12个月。"))
    decided_on = forms.DateField(label=_("支部大会决定日期"), widget=DateInput())


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["name", "description", "grid", "capacity", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.fields["grid"].queryset = community.grids.filter(archived_at__isnull=True)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=200)


class AssignForm(forms.Form):
    member = MemberChoiceField(queryset=Member.objects.none(), label=_("党员"))

    def __init__(self, *args, post, user, **kwargs):
        super().__init__(*args, **kwargs)
        registered = Registration.objects.filter(
            community=post.community, status=Registration.Status.APPROVED).values("member")
        self.fields["member"].queryset = (
            Member.objects.active().filter(
                branch__path__startswith=post.community.path) | Member.objects.active().filter(
                pk__in=registered)).select_related("branch").order_by("name")


class RegistrationForm(forms.ModelForm):
    """Self-service registration: the member picks their unit and the community they live in."""

    class Meta:
        model = Registration
        fields = ["unit", "community", "address"]

    def __init__(self, *args, street, **kwargs):
        from pairing.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(street=street,
                                                           archived_at__isnull=True)
        self.fields["community"].queryset = Node.objects.active().filter(
            kind=Node.Kind.COMMUNITY, parent=street)


class StaffRegistrationForm(forms.ModelForm):
    """Staff enter a registration for an employed member of a co-building unit."""

    member = MemberChoiceField(queryset=Member.objects.none(), label=_("党员"))

    class Meta:
        model = Registration
        fields = ["member", "unit", "address"]

    def __init__(self, *args, community, **kwargs):
        from pairing.models import Unit

        super().__init__(*args, **kwargs)
        street_path = "/".join(community.path.split("/")[:2]) + "/"
        self.fields["member"].queryset = Member.objects.active().filter(
            category=Member.Category.EMPLOYED, branch__path__startswith=street_path,
        ).select_related("branch").order_by("name")
        self.fields["unit"].queryset = Unit.objects.filter(
            street__path=street_path, archived_at__isnull=True)


class PointsAdjustForm(forms.Form):
    points = forms.DecimalField(label=_("调整分值"), max_digits=6, decimal_places=1,
                                help_text=_("加分填正数，扣分填负数。"))
    occurred_on = forms.DateField(label=_("日期"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200)


class PointsRuleForm(forms.ModelForm):
    exempt_categories = forms.MultipleChoiceField(
        label=_("免计类别"), choices=Member.Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("这些类别的党员不计此项积分。"))

    class Meta:
        model = PointsRule
        fields = ["points", "yearly_cap", "exempt_categories"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("名册文件（.xlsx）"),
                           help_text=_("请使用下载的模板填写，不超过 20 MB。"))

