from django import forms
from django.utils.translation import gettext_lazy as _

from activities.appraisal.models import Commitment, CommitmentRecord, FollowUp, Grade, Round
from activities.appraisal.services import GRADES
from activities.models import Meeting
from organizations.models import Node

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["branch", "year", "period_start", "period_end", "votes_open_at",
                  "votes_close_at", "meeting"]
        widgets = {"period_start": DATE, "period_end": DATE, "votes_open_at": DATETIME,
                   "votes_close_at": DATETIME}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Node.objects.shaped_by(user).active().filter(
            kind=Node.Kind.BRANCH)
        self.fields["meeting"].queryset = (Meeting.objects.editable_by(user)
                                           .exclude(status=Meeting.Status.CANCELLED)
                                           .order_by("-starts_at"))
        if self.instance.pk:
            del self.fields["branch"]

    def clean(self):
        cleaned = super().clean()
        for name in ("year", "period_start", "period_end", "votes_open_at", "votes_close_at"):
            value = cleaned.get(name)
            if value is not None and not 2000 <= getattr(value, "year", value) <= 2100:
                self.add_error(name, _("请填写 2000 年至 2100 年之间的时间。"))
        opens, closes = cleaned.get("votes_open_at"), cleaned.get("votes_close_at")
        if opens and closes and closes <= opens:
            self.add_error("votes_close_at", _("投票截止时间必须晚于开始时间。"))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("评议期间的结束日期不能早于开始日期。"))
        branch = cleaned.get("branch") or getattr(self.instance, "branch", None)
        meeting = cleaned.get("meeting")
        if meeting and branch and meeting.branch_id != branch.pk:
            self.add_error("meeting", _("总结会议必须是本支部的会议。"))
        return cleaned


class SelfAppraisalForm(forms.Form):
    self_appraisal = forms.CharField(label=_("自评"), max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 6}))


class BallotForm(forms.Form):
    """One select per other member; the grade choices as radio buttons, thumb-sized."""

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        choices = [(grade.value, grade.label) for grade in GRADES]
        for appraisee in targets:
            self.fields[f"grade_{appraisee.pk}"] = forms.ChoiceField(
                label=appraisee.member.choice_label, choices=choices, widget=forms.RadioSelect)

    def grades(self):
        return {a.pk: self.cleaned_data[f"grade_{a.pk}"] for a in self.targets}


class PublicCountsForm(forms.Form):
    def __init__(self, *args, appraisees, **kwargs):
        super().__init__(*args, **kwargs)
        self.appraisees = appraisees
        for appraisee in appraisees:
            for grade, value in zip(GRADES, appraisee.public_counts):
                self.fields[f"{grade}_{appraisee.pk}"] = forms.IntegerField(
                    label=f"{appraisee.member.name} {grade.label}", min_value=0,
                    max_value=100000, initial=value,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        for appraisee in self.appraisees:
            yield appraisee, [self[f"{grade}_{appraisee.pk}"] for grade in GRADES]

    def counts(self):
        return {a.pk: [self.cleaned_data[f"{grade}_{a.pk}"] for grade in GRADES]
                for a in self.appraisees}


class DecisionForm(forms.Form):
    """Each member's grade, with a reason and a follow-up for 不合格."""

    def __init__(self, *args, appraisees, tally, **kwargs):
        from activities.appraisal.services import suggested_grade

        super().__init__(*args, **kwargs)
        self.appraisees = appraisees
        small = {"class": "form-select form-select-sm"}
        for appraisee in appraisees:
            pk = appraisee.pk
            self.fields[f"grade_{pk}"] = forms.ChoiceField(
                label=_("等次"), choices=[("", "—"), *Grade.choices],
                initial=appraisee.grade or suggested_grade(tally.get(pk, [0] * 4)),
                widget=forms.Select(attrs={**small, "aria-label": _("等次")}))
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("理由"), max_length=300, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "aria-label": _("理由")}))
            self.fields[f"follow_up_{pk}"] = forms.ChoiceField(
                label=_("组织处置"), choices=[("", "—"), *FollowUp.choices], required=False,
                widget=forms.Select(attrs={**small, "aria-label": _("组织处置")}))
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("处置说明"), max_length=300, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "aria-label": _("处置说明")}))

    def rows(self):
        for appraisee in self.appraisees:
            pk = appraisee.pk
            yield (appraisee, self[f"grade_{pk}"], self[f"reason_{pk}"], self[f"follow_up_{pk}"],
                   self[f"note_{pk}"])

    def decisions(self):
        data = self.cleaned_data
        return {a.pk: (data[f"grade_{a.pk}"], data[f"reason_{a.pk}"], data[f"follow_up_{a.pk}"],
                       data[f"note_{a.pk}"]) for a in self.appraisees}


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class CommitmentRecordForm(forms.ModelForm):
    class Meta:
        model = CommitmentRecord
        fields = ["done_on", "what", "evidence"]
        widgets = {"done_on": DATE}
