from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.forms import MemberChoiceField
from kernel.normalize import normalize_id_number, normalize_name
from kernel.paths import street_path_of
from members.models import ActivationCode, Member, PointsRule, Post, Registration
from organizations.forms import DateInput
from organizations.models import Grid, Node, Unit


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "gender", "ethnicity", "id_number", "birth_date", "phone",
                  "no_smartphone", "education", "address", "joined_on", "full_member_on",
                  "status", "category", "employer_unit", "employer_name", "branch", "group", "grid"]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(),
                   "full_member_on": DateInput()}
        help_texts = {"birth_date": _("留空则按身份证号自动填写。"),
                      "employer_name": _("不是共建单位时填写。")}
        error_messages = {"id_number": {"unique": _("该身份证号已登记在册，请勿重复录入。")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = Node.objects.shaped_by(user).active()
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
            Node.objects.shaped_by(user).active().filter(kind=Node.Kind.BRANCH)
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
                pk__in=registered)).select_related("branch").order_by("name_pinyin", "name")


class RegistrationForm(forms.ModelForm):
    """Self-service registration: the member picks their unit and the community they live in."""

    class Meta:
        model = Registration
        fields = ["unit", "community", "address"]

    def __init__(self, *args, street, **kwargs):
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
        super().__init__(*args, **kwargs)
        street_path = street_path_of(community.path)
        self.fields["member"].queryset = Member.objects.active().filter(
            category=Member.Category.EMPLOYED, branch__path__startswith=street_path,
        ).select_related("branch").order_by("name_pinyin", "name")
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



class CodeReissueForm(forms.Form):
    """重新发放激活码: why (kept with the code and in the audit trail) and how."""

    reason = forms.ChoiceField(label=_("原因"), choices=[
        choice for choice in ActivationCode.Reason.choices
        if choice[0] != ActivationCode.Reason.FIRST])
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           help_text=_("原因为“其他”时必填。"))
    channel = forms.ChoiceField(label=_("发放方式"), choices=ActivationCode.Channel.choices,
                                widget=forms.RadioSelect, initial=ActivationCode.Channel.PRINT)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean(self):
        from members.accounts import is_mobile

        cleaned = super().clean()
        if cleaned.get("reason") == ActivationCode.Reason.OTHER and not cleaned.get(
                "note", "").strip():
            self.add_error("note", _("请说明重新发放的原因。"))
        if cleaned.get("channel") == ActivationCode.Channel.SMS and not is_mobile(
                self.member.phone):
            self.add_error("channel", _("该党员没有手机号码，请打印邀请单。"))
        return cleaned


class ActivationForm(forms.Form):
    """The member's own page: login and code from the slip, then their own password."""

    login = forms.CharField(label=_("登录名"), max_length=150,
                            help_text=_("邀请单上的登录名，一般是您的手机号。"),
                            widget=forms.TextInput(attrs={"autocomplete": "username",
                                                          "inputmode": "text"}))
    code = forms.CharField(label=_("激活码"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))
    new_password1 = forms.CharField(label=_("设置密码"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete":
                                                                      "new-password"}))
    new_password2 = forms.CharField(label=_("再次输入密码"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete":
                                                                      "new-password"}))

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import password_validation

        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = (
            password_validation.password_validators_help_text_html())
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-lg")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        return cleaned
