from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kernel.forms import MemberChoiceField, ModelMultipleChoiceField
from kernel.normalize import normalize_name
from kernel.request_params import DayField
from organizations.forms import DateInput
from organizations.models import Grid
from pairing import selectors
from pairing.models import (Agreement, AgreementArea, CareVisit, Contribution,
                            JointCommitteeSeat, Need, NeedyHousehold, Pairing, Project,
                            ProjectPhoto, Resource, Unit)


class CommunityChoiceMixin:
    """A `community` field limited to the communities the user keeps records for."""

    def limit_community(self, user):
        field = self.fields["community"]
        field.queryset = selectors.staff_communities(user)
        field.empty_label = None
        return field.queryset


class UnitForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "unit_type", "address", "grid", "party_org_name", "member_count",
                  "contact_name", "contact_phone"]

    community = forms.ModelChoiceField(queryset=None, label=_("共建社区"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = self.limit_community(user)
        self.fields["grid"].queryset = Grid.objects.filter(
            community__in=communities, archived_at__isnull=True).select_related("community")
        if self.instance.pk:
            del self.fields["community"]

    def clean(self):
        cleaned = super().clean()
        community = cleaned.get("community")
        street_id = self.instance.street_id if self.instance.pk else (
            community.parent_id if community else None)
        name = cleaned.get("name")
        if street_id and name:
            duplicate = Unit.objects.filter(street_id=street_id, name=name.strip())
            if duplicate.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("本街道已登记名为“%(name)s”的共建单位，不能重复登记；"
                                         "如需共建，请直接与其签订共建协议。") % {"name": name})
        grid = cleaned.get("grid")
        if grid and community and grid.community_id != community.pk:
            self.add_error("grid", _("网格必须属于所选社区。"))
        return cleaned

    def validate_unique(self):
        # The street comes from the community after validation; clean() checks the name.
        pass

    def clean_contact_name(self):
        return normalize_name(self.cleaned_data.get("contact_name"))


class AgreementForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["community", "unit", "signed_on", "starts_on", "ends_on", "areas",
                  "commitments", "document"]
        field_classes = {"areas": ModelMultipleChoiceField}
        widgets = {"signed_on": DateInput(), "starts_on": DateInput(), "ends_on": DateInput(),
                   "areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = self.limit_community(user)
        # Any unit of the community's street may sign: signing makes it a co-building unit.
        self.fields["unit"].queryset = Unit.objects.active().filter(
            street__in=communities.values("parent")).select_related("street")
        self.fields["unit"].help_text = _("本街道已登记的单位；签订后即成为本社区的共建单位。")
        self.fields["areas"].queryset = AgreementArea.objects.all()

    def clean(self):
        cleaned = super().clean()
        unit, community = cleaned.get("unit"), cleaned.get("community")
        if unit and community and unit.street_id != community.parent_id:
            self.add_error("unit", _("只能与本街道的单位签订共建协议。"))
        return cleaned


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput(),
                               initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, not_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if self.not_before and ended_on < self.not_before:
            raise forms.ValidationError(_("结束日期不能早于开始日期（%(day)s）。")
                                        % {"day": self.not_before})
        return ended_on


class JointSeatForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = JointCommitteeSeat
        fields = ["community", "unit", "person_name", "unit_position", "role", "term_start",
                  "term_end", "ended_on"]
        widgets = {"term_start": DateInput(), "term_end": DateInput(), "ended_on": DateInput()}

    # Shown (as a checkbox) only when the unit has no agreement in force: a warning to confirm.
    confirm_without_agreement = forms.BooleanField(
        required=False, widget=forms.HiddenInput,
        label=_("确认添加：该单位与本社区暂无有效的共建协议"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_community(user)
        self.fields["unit"].queryset = Unit.objects.managed_by_staff(user).for_choice(
            [self.instance.unit_id])
        if self.instance.pk:
            del self.fields["community"]
        else:
            del self.fields["ended_on"]

    def clean_person_name(self):
        return normalize_name(self.cleaned_data.get("person_name"))

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        community = cleaned.get("community") or (
            self.instance.community if self.instance.community_id else None)
        if unit and community and not unit.communities.filter(pk=community.pk).exists():
            self.add_error("unit", _("该单位不是所选社区的共建单位。"))
        elif unit and community and not cleaned.get("ended_on"):
            self._warn_without_agreement(unit, community, cleaned)
        return cleaned

    def _warn_without_agreement(self, unit, community, cleaned):
        """A seat runs on a co-building agreement: one that has ended (or not begun) is worth
        a second look, but a new agreement may be on its way, so staff may confirm."""
        agreements = Agreement.objects.filter(unit=unit, community=community)
        if agreements.current().exists() or cleaned.get("confirm_without_agreement"):
            return
        last = agreements.order_by("-ends_on").first()
        ended = min(filter(None, [last.ended_on, last.ends_on])) if last else None
        if ended:
            message = _("该单位与本社区的共建协议已于 %(day)s 结束，目前没有有效协议。"
                        "如仍要添加，请勾选下方确认后再保存。") % {"day": date_format(ended)}
        else:
            message = _("该单位与本社区目前没有有效的共建协议。如仍要添加，请勾选下方确认后再保存。")
        self.add_error("unit", message)
        self.fields["confirm_without_agreement"].widget = forms.CheckboxInput()


class HouseholdForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = NeedyHousehold
        fields = ["community", "kind", "head_name", "address", "phone", "household_size",
                  "family_members", "situation", "needs", "registered_on", "closed_on",
                  "close_reason"]
        widgets = {"registered_on": DateInput(), "closed_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_community(user)
        if self.instance.pk:
            del self.fields["community"]
        else:
            del self.fields["closed_on"], self.fields["close_reason"]

    def clean_head_name(self):
        return normalize_name(self.cleaned_data.get("head_name"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("closed_on") and not cleaned.get("close_reason", "").strip():
            self.add_error("close_reason", _("销号须说明原因。"))
        return cleaned


class PairingForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["community", "kind", "unit", "member", "household", "partner", "started_on"]
        field_classes = {"member": MemberChoiceField, "partner": MemberChoiceField}
        widgets = {"started_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = self.limit_community(user)
        self.fields["unit"].queryset = Unit.objects.managed_by_staff(user).active()
        self.fields["household"].queryset = NeedyHousehold.objects.managed_by_staff(user).active()
        members = selectors.members_of(communities)
        self.fields["member"].queryset = members
        self.fields["partner"].queryset = members
        self.fields["started_on"].initial = timezone.localdate


class CareVisitForm(forms.ModelForm):
    class Meta:
        model = CareVisit
        fields = ["visited_on", "visitors", "given"]
        widgets = {"visited_on": DateInput(), "given": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pairing = pairing
        self.fields["visited_on"].initial = timezone.localdate

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on < self.instance.pairing.started_on:
            raise forms.ValidationError(_("走访日期不能早于结对日期。"))
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("走访日期不能晚于今天。"))
        return visited_on


class ContributionForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["community", "unit", "pairing", "kind", "amount", "given_on", "description"]
        widgets = {"given_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_community(user)
        self.fields["unit"].queryset = Unit.objects.managed_by_staff(user).active()
        self.fields["pairing"].queryset = Pairing.objects.managed_by_staff(user).select_related(
            "unit", "member", "partner", "household")
        self.fields["amount"].error_messages["invalid"] = _("请输入数字，例如 5000 或 12.5。")
        self.fields["given_on"].initial = timezone.localdate

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("数额必须大于 0。"))
        return amount


class NeedForm(CommunityChoiceMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["community", "category", "title", "description", "urgency"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_community(user)


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["category", "title", "capacity"]

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = unit


class UnitArchiveForm(forms.Form):
    reason = forms.CharField(label=_("归档原因"), max_length=200,
                             help_text=_("如：单位已迁出本街道、单位已注销。"))


class ResourceWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DateInput(),
                                   initial=timezone.localdate)
    reason = forms.CharField(label=_("撤回原因"), max_length=200,
                             help_text=_("撤回后该资源不再用于匹配需求；已立项的项目不受影响，"
                                         "记录保留。"))


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["resource", "title", "owner", "deadline"]
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, need, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.need = need
        self.instance.community = need.community
        self.fields["resource"].queryset = selectors.suggested_resources(need, user)
        self.fields["resource"].help_text = _("按需求类别匹配的共建单位资源。")
        self.fields["title"].initial = need.title

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("完成期限不能早于今天。"))
        return deadline

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("resource"):
            self.instance.unit = cleaned["resource"].unit
        return cleaned


class ProjectUpdateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["status", "owner", "deadline", "outcome", "drop_reason", "rating",
                  "rating_note"]
        widgets = {"deadline": DateInput(), "outcome": forms.Textarea(attrs={"rows": 3})}


class ProjectPhotoForm(forms.ModelForm):
    class Meta:
        model = ProjectPhoto
        fields = ["image", "caption"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project


class PeriodForm(forms.Form):
    start = DayField(label=_("起始日期"), widget=DateInput())
    end = DayField(label=_("截止日期"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return cleaned
