from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.volunteers.models import Team, TeamKind, Volunteer, VolunteerEntry
from kernel.forms import MemberChoiceField
from kernel.normalize import normalize_id_number, normalize_name
from members.models import Member
from members.validators import mask_id_number, validate_id_number, validate_phone
from organizations.forms import DateInput
from organizations.models import Node

HOURS = {"max_digits": 5, "decimal_places": 1, "min_value": 0.1, "max_value": 24}


def staff_communities(user):
    return Node.objects.active().filter(kind=Node.Kind.COMMUNITY).filter(
        pk__in=Node.objects.managed_by_staff(user).values("pk"))


class CommunityChoiceMixin:
    """A community select limited to the communities the user keeps, preset when only one."""

    def limit_community(self, user):
        communities = staff_communities(user)
        self.fields["community"].queryset = communities
        if len(communities) == 1:
            self.fields["community"].initial = communities[0]


class VolunteerForm(CommunityChoiceMixin, forms.ModelForm):
    member = MemberChoiceField(label=_("党员（在册党员选此项）"), queryset=Member.objects.none(),
                               required=False)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=30,
                                help_text=_("只保存隐去中间位的号码，供证明打印。"))

    class Meta:
        model = Volunteer
        fields = ["community", "member", "name", "phone", "consent_on"]
        widgets = {"consent_on": DateInput()}
        help_texts = {"name": _("党员可不填，取花名册姓名。"),
                      "consent_on": _("本人同意登记并使用其信息的日期。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_community(user)
        self.fields["community"].empty_label = None
        self.fields["member"].queryset = Member.objects.managed_by_staff(user).active() \
            .select_related("branch")
        self.fields["name"].required = False
        self.fields["consent_on"].initial = timezone.localdate()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
        return phone

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def clean(self):
        cleaned = super().clean()
        member, community = cleaned.get("member"), cleaned.get("community")
        if member is not None:
            cleaned["name"] = member.name
            if community is not None and not member.branch.path.startswith(community.path):
                self.add_error("member", _("该党员不属于所选社区。"))
            elif community is not None and Volunteer.objects.filter(
                    community=community, member=member).exists():
                self.add_error("member", _("该党员已登记为本社区志愿者。"))
        else:
            cleaned["name"] = normalize_name(cleaned.get("name") or "")
            if not cleaned["name"]:
                self.add_error("name", _("居民志愿者须填写姓名。"))
            if not cleaned.get("phone"):
                self.add_error("phone", _("居民志愿者须填写联系电话。"))
        if cleaned.get("consent_on") and cleaned["consent_on"] > timezone.localdate():
            self.add_error("consent_on", _("同意日期不能晚于今天。"))
        return cleaned

    def save(self, commit=True):
        volunteer = super().save(commit=False)
        volunteer.name = self.cleaned_data["name"]
        volunteer.id_number_masked = mask_id_number(self.cleaned_data.get("id_number") or "")
        volunteer.registered_on = timezone.localdate()
        if commit:
            volunteer.save()
        return volunteer


class TeamForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["community", "kind", "name", "leader", "founded_on", "description"]
        widgets = {"founded_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["community"]
            community = self.instance.community
            self.fields["kind"].queryset = TeamKind.objects.available_to(community)
            self.fields["leader"].queryset = Volunteer.objects.filter(
                memberships__team=self.instance, memberships__left_on__isnull=True)
        else:
            self.limit_community(user)
            self.fields["community"].empty_label = None
            # A new team has no members yet: its leader is chosen once they joined.
            del self.fields["leader"]
            self.fields["kind"].queryset = TeamKind.objects.all()
            self.fields["founded_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        community = self.instance.community if self.instance.pk else cleaned.get("community")
        kind, name = cleaned.get("kind"), cleaned.get("name")
        if community is not None and kind is not None and not TeamKind.objects.available_to(
                community).filter(pk=kind.pk).exists():
            self.add_error("kind", _("该类型不适用于本社区。"))
        if community is not None and name and Team.objects.filter(
                community=community, name=name).exclude(pk=self.instance.pk).exists():
            self.add_error("name", _("本社区已有同名服务队。"))
        return cleaned


class TeamMemberForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())
    joined_on = forms.DateField(label=_("加入日期"), widget=DateInput())

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(
            community=team.community).exclude(
            memberships__team=team, memberships__left_on__isnull=True)
        self.fields["joined_on"].initial = timezone.localdate()


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("退出日期"), widget=DateInput())
    reason = forms.CharField(label=_("退出原因"), max_length=200)


class ActivityRecordForm(forms.Form):
    team = forms.ModelChoiceField(label=_("服务队"), queryset=Team.objects.none())
    hours = forms.DecimalField(label=_("每人服务时长（小时）"), **HOURS,
                               help_text=_("只计服务时间，不含往返路途。已在参与名单上的党员按名单时长记录。"))
    content = forms.CharField(label=_("服务内容"), max_length=500)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            community=activity.community, disbanded_on__isnull=True)
        self.fields["content"].initial = activity.title


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(label=_("更正后时长（小时）"), **HOURS)
    reason = forms.CharField(label=_("更正原因"), max_length=300)


class EntryForm(forms.ModelForm):
    class Meta:
        model = VolunteerEntry
        fields = ["kind", "occurred_on", "title", "detail"]
        widgets = {"occurred_on": DateInput()}


class VerifyForm(forms.Form):
    number = forms.RegexField(label=_("证明编号"), regex=r"^(?i:ZYFW-[0-9A-F]{20})$", max_length=40,
                              error_messages={"invalid": _("编号格式不正确，应为 ZYFW- 加20位字母数字。")})

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()
