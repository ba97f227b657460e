from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from activities.meeting_rules import LEAD_CHOICES, MAX_LEADS, lead_label
from activities.models import (Attendance, CommunityActivity, Meeting, MeetingKind,
                               Participation, Period)
from kernel.forms import MemberChoiceField, MemberMultipleChoiceField, ModelMultipleChoiceField
from kernel.uploads import validate_image
from members.models import Member
from organizations.forms import DateInput
from organizations.models import Node, Unit


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos at once, each checked by content and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        cleaned = [super(MultipleImageField, self).clean(item, initial) for item in files]
        for item in cleaned:
            validate_image(item)
        return cleaned


class MeetingForm(forms.ModelForm):
    attendees = MemberMultipleChoiceField(
        queryset=Member.objects.none(), required=False, label=_("参会人员"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("留空则为支部全体党员（党小组会为该小组成员，支委会为支部班子成员）。"))

    class Meta:
        model = Meeting
        fields = ["branch", "group", "kinds", "topic", "starts_at", "ends_at", "place", "host",
                  "recorder"]
        field_classes = {"kinds": ModelMultipleChoiceField}
        widgets = {"kinds": forms.CheckboxSelectMultiple, "starts_at": DateTimeInput(),
                   "ends_at": DateTimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Node.objects.shaped_by(user).active().filter(kind=Node.Kind.BRANCH)
        self.fields["branch"].queryset = branches
        self.fields["group"].queryset = Node.objects.shaped_by(user).active().filter(
            kind=Node.Kind.GROUP)
        self.fields["kinds"].queryset = MeetingKind.objects.all()
        self.fields["attendees"].queryset = (Member.objects.editable_by(user).active()
                                             .select_related("branch"))
        if self.instance.pk:
            del self.fields["branch"]
            self.fields["attendees"].initial = list(
                self.instance.attendances.values_list("member_id", flat=True))
        elif branches.count() == 1:
            self.fields["branch"].initial = branches.first()

    def clean(self):
        cleaned = super().clean()
        branch = cleaned.get("branch") or (self.instance.branch if self.instance.pk else None)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) and not 2000 <= cleaned[name].year <= 2100:
                self.add_error(name, _("请填写 2000 年至 2100 年之间的时间。"))
                starts_at = ends_at = None
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("结束时间必须晚于开始时间。"))
        group = cleaned.get("group")
        if branch and group and group.parent_id != branch.pk:
            self.add_error("group", _("党小组必须属于该支部。"))
        strangers = [member.name for member in cleaned.get("attendees") or []
                     if branch and member.branch_id != branch.pk]
        if strangers:
            self.add_error("attendees", _("以下党员不属于本支部：%(names)s") % {
                "names": "、".join(strangers)})
        return cleaned

    def meeting_fields(self):
        names = ["group", "topic", "starts_at", "ends_at", "place", "host", "recorder"]
        return {name: self.cleaned_data[name] for name in names}


class MeetingRuleForm(forms.Form):
    """A level's own frequency for one meeting kind (activities.meeting_rules checks it against
    the levels above)."""

    period = forms.ChoiceField(label=_("周期"), choices=Period.choices)
    minimum = forms.IntegerField(label=_("最少次数"), min_value=0, max_value=99,
                                 help_text=_("每个周期至少召开的次数。"))


class ReminderLeadsForm(forms.Form):
    """When a level's attendees are reminded of a meeting: the offered lead times, plus any the
    level holds already (an administrator may have set another)."""

    leads = forms.TypedMultipleChoiceField(label=_("提前提醒"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["leads"]
        field.choices = [(minutes, lead_label(minutes))
                         for minutes in sorted({*LEAD_CHOICES, *current}, reverse=True)]
        field.help_text = _("会前向参会党员发送提醒的时间，最多选 %(n)s 个。") % {"n": MAX_LEADS}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class RecordForm(forms.Form):
    """Minutes, each attendee's attendance (and grade for an appraisal), and photos."""

    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 10}))
    photos = MultipleImageField(label=_("会议照片"),
                                help_text=_("可一次选择多张，JPG/PNG/GIF/WEBP。"))

    STATUS_CHOICES = [(Attendance.Status.PRESENT, _("出席")),
                      (Attendance.Status.EXCUSED, _("请假")),
                      (Attendance.Status.ABSENT, _("缺席"))]

    def __init__(self, *args, meeting, all_present=False, **kwargs):
        """`all_present` starts every attendee not yet recorded as 出席 (the usual case: staff
        then mark the few who were excused or absent); otherwise they start as 缺席."""
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.rows = list(meeting.attendances.select_related("member"))
        self.appraisal = MeetingKind.APPRAISAL in meeting.kind_codes()
        if not self.is_bound:
            self.fields["minutes"].initial = meeting.minutes
        unrecorded = Attendance.Status.PRESENT if all_present else Attendance.Status.ABSENT
        for row in self.rows:
            initial = row.status if row.status != Attendance.Status.INVITED else unrecorded
            self.fields[f"status_{row.member_id}"] = forms.ChoiceField(
                label=row.member.choice_label, choices=self.STATUS_CHOICES, initial=initial,
                widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                           "aria-label": row.member.choice_label}))
            self.fields[f"reason_{row.member_id}"] = forms.CharField(
                label=_("原因"), max_length=200, required=False, initial=row.reason,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "aria-label": _("原因")}))
            if self.appraisal:
                self.fields[f"grade_{row.member_id}"] = forms.ChoiceField(
                    label=_("评议等次"), choices=[("", "—"), *Attendance.Grade.choices],
                    required=False, initial=row.grade,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                               "aria-label": _("评议等次")}))

    def attendee_fields(self):
        for row in self.rows:
            yield (row, self[f"status_{row.member_id}"], self[f"reason_{row.member_id}"],
                   self[f"grade_{row.member_id}"] if self.appraisal else None)

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            if (cleaned.get(f"status_{row.member_id}") == Attendance.Status.EXCUSED
                    and not cleaned.get(f"reason_{row.member_id}", "").strip()):
                self.add_error(f"reason_{row.member_id}", _("请假须填写原因。"))
        return cleaned

    def attendance(self):
        return {row.member_id: (self.cleaned_data[f"status_{row.member_id}"],
                                self.cleaned_data[f"reason_{row.member_id}"])
                for row in self.rows}

    def grades(self):
        if not self.appraisal:
            return {}
        return {row.member_id: self.cleaned_data[f"grade_{row.member_id}"] for row in self.rows}


class CheckInForForm(forms.Form):
    member = MemberChoiceField(queryset=Member.objects.none(), label=_("党员"))
    reason = forms.CharField(label=_("代签原因"), max_length=200,
                             help_text=_("如：年老无智能手机、视力不便。"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            attendances__meeting=meeting, attendances__checked_in_at__isnull=True)


class ActivityForm(forms.ModelForm):
    photos = MultipleImageField(label=_("活动照片"))

    class Meta:
        model = CommunityActivity
        fields = ["community", "kind", "title", "held_on", "place", "organizer", "units",
                  "residents_count", "description"]
        field_classes = {"units": ModelMultipleChoiceField}
        widgets = {"held_on": DateInput(), "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Node.objects.shaped_by(user).active().filter(kind=Node.Kind.COMMUNITY)
        if self.instance.pk:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = communities
            if communities.count() == 1:
                self.fields["community"].initial = communities.first()
        self.fields["units"].queryset = Unit.objects.visible_to(user).for_choice(
            self.instance.units.values("pk") if self.instance.pk else [])
        self.fields["units"].required = False


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["member", "hours"]
        field_classes = {"member": MemberChoiceField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.editable_by(user).active()

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not 0 < hours <= 24:
            raise forms.ValidationError(_("时长须大于 0 且不超过 24 小时。"))
        return hours


ParticipationFormSet = inlineformset_factory(
    CommunityActivity, Participation, form=ParticipationForm, extra=5, can_delete=True)


class ReminderChannelsForm(forms.Form):
    """A member's channels besides the inbox; a channel they cannot be reached on is shown
    disabled (no phone on the roster, no linked 企业微信 account)."""

    sms = forms.BooleanField(label=_("短信"), required=False)
    wecom = forms.BooleanField(label=_("企业微信"), required=False)
    email = forms.BooleanField(label=_("邮件"), required=False)

    def __init__(self, *args, available, **kwargs):
        super().__init__(*args, **kwargs)
        if not available.get("email"):
            del self.fields["email"]  # most members have none: not worth a line on a phone
        for name, field in self.fields.items():
            if not available.get(name):
                field.disabled = True
                field.help_text = {
                    "sms": _("名册中没有手机号码，请联系社区。"),
                    "wecom": _("尚未绑定企业微信账号。"),
                }[name]


class WeComLinkForm(forms.Form):
    wecom_user_id = forms.CharField(
        label=_("企业微信账号"), max_length=64,
        help_text=_("企业微信通讯录中的“账号”（userid），不是姓名或手机号。"))
