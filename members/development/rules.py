"""The time and vote rules of the 细则 as plain functions (docs/RULES.md, 发展党员).

`limits` is the dict of `models.Limits.for_path`; the functions read no clock and no database.
"""
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kernel.dates import add_months

# How long before a deadline the keepers are reminded.
NOTICE_DAYS = 7

DUE_LABELS = {
    "talk": gettext_noop("谈话"),
    "review": gettext_noop("半年考察"),
    "report": gettext_noop("思想汇报"),
    "approval": gettext_noop("上级党委审批"),
}


@dataclass(frozen=True)
class Due:
    code: str        # talk, review, report, approval
    due_on: date
    overdue: bool

    @property
    def label(self):
        return _(DUE_LABELS[self.code])

    @property
    def text(self):
        if self.overdue:
            return _("%(what)s已逾期（应于%(day)s前）") % {"what": self.label,
                                                       "day": date_format(self.due_on)}
        return _("%(what)s应于%(day)s前完成") % {"what": self.label, "day": date_format(self.due_on)}


def dues(candidate, limits, today):
    """What the branch owes this candidate next, with its deadline: the talk within a month of
    the application, the half-yearly review and the quarterly report of an activist (and of a
    发展对象, still under 考察), the approval within 3 months of the 支部大会."""
    stage = candidate.stage
    found = []
    if stage == "applicant" and candidate.talked_on is None:
        found.append(("talk", add_months(candidate.applied_on, limits["talk_months"])))
    if stage in ("activist", "object") and candidate.activist_on:
        last_review = getattr(candidate, "last_review_on", None) or candidate.activist_on
        found.append(("review", add_months(max(last_review, candidate.activist_on),
                                           limits["review_months"])))
        last_report = getattr(candidate, "last_report_on", None) or candidate.activist_on
        found.append(("report", add_months(max(last_report, candidate.activist_on),
                                           limits["report_months"])))
    if stage == "voted" and candidate.meeting_on:
        found.append(("approval", add_months(candidate.meeting_on, limits["approval_months"])))
    return [Due(code, due_on, due_on < today) for code, due_on in found]


def overdue(candidate, limits, today):
    return [due for due in dues(candidate, limits, today) if due.overdue]


def earliest_object_day(activist_on, limits):
    """A 发展对象 after at least a year (cultivation_months) of 培养考察."""
    return add_months(activist_on, limits["cultivation_months"])


def political_review_valid_until(reviewed_on, limits):
    return add_months(reviewed_on, limits["political_review_months"])


def training_is_enough(start, end, hours, limits):
    """At least 3 days or 24 学时 (either suffices)."""
    days = (end - start).days + 1
    return days >= limits["training_days"] or (hours or 0) >= limits["training_hours"]


def approval_deadlines(meeting_on, limits):
    """(the ordinary deadline, the latest one in special cases) of the 上级党委's approval."""
    return (add_months(meeting_on, limits["approval_months"]),
            add_months(meeting_on, limits["approval_max_months"]))


@dataclass(frozen=True)
class Vote:
    with_right: int
    present: int
    votes_for: int
    votes_against: int

    @property
    def ballots(self):
        return self.votes_for + self.votes_against

    @property
    def quorum(self):
        """More than half of those with the right to vote are present."""
        return self.present * 2 > self.with_right

    @property
    def majority(self):
        """The for-votes are more than half of those with the right to vote (not of those
        present)."""
        return self.votes_for * 2 > self.with_right

    def errors(self):
        """{field: message} of a vote that cannot admit anyone; empty when it admits."""
        if self.present > self.with_right:
            return {"voters_present": _("到会人数（%(present)d）不能多于有表决权的党员人数"
                                        "（%(right)d）。") % {"present": self.present,
                                                            "right": self.with_right}}
        if self.ballots > self.present:
            return {"votes_for": _("赞成票与反对票合计 %(ballots)d 张，多于到会的 %(present)d "
                                   "人。") % {"ballots": self.ballots, "present": self.present}}
        if not self.quorum:
            return {"voters_present": _(
                "到会有表决权的党员 %(present)d 人，未超过应到会的 %(right)d 人的半数，"
                "会议人数不足，不能表决。") % {"present": self.present, "right": self.with_right}}
        if not self.majority:
            return {"votes_for": _(
                "赞成票 %(for)d 票，未超过应到会有表决权党员 %(right)d 人的半数，"
                "不能接收为预备党员。") % {"for": self.votes_for, "right": self.with_right}}
        return {}

    @property
    def summary(self):
        return _("应到会有表决权党员 %(right)d 人，实到 %(present)d 人（超过半数）；赞成 %(for)d 票，"
                 "反对 %(against)d 票，赞成票超过应到会有表决权党员的半数，通过。") % {
            "right": self.with_right, "present": self.present, "for": self.votes_for,
            "against": self.votes_against}
