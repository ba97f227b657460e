"""Reminder sources of 发展党员 (members.development): the talk due, a 思想汇报 missing, a
half-yearly review due, an approval overdue; to the branch's secretaries and the community's
staff. The deadlines are members.development.rules.dues, as the board shows them."""
from collections import defaultdict, namedtuple
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.reminders import Reminder, register, reminder_text, shared
from kernel.paths import path_ids
from members.development.models import Candidate, Limits, limits_for
from members.development.rules import NOTICE_DAYS, dues
from organizations.models import Grant
from organizations.scope import Role

# source name → (due code, days before the deadline to remind from (None: once overdue),
# title, body)
SOURCES = {
    "development_talk_due": (
        "talk", NOTICE_DAYS, gettext_noop("%(name)s的入党谈话应于 %(day)s 前进行"),
        gettext_noop("收到入党申请书后一个月内，党组织应派人同申请人谈话。")),
    "development_report_missing": (
        "report", None, gettext_noop("%(name)s的思想汇报未按季度递交"),
        gettext_noop("上一份思想汇报已满一个季度（%(day)s），请督促递交并登记。")),
    "development_review_due": (
        "review", NOTICE_DAYS, gettext_noop("%(name)s的半年考察应于 %(day)s 前进行"),
        gettext_noop("党支部每半年对入党积极分子进行一次考察。")),
    "development_approval_overdue": (
        "approval", None, gettext_noop("%(name)s的入党审批已超过三个月（%(day)s）"),
        gettext_noop("支部大会通过后，上级党委应在三个月内审批，特殊情况不超过六个月。")),
}


def _recipients(candidates):
    """{candidate pk: user ids}: the secretaries of its branch and the staff of its community.
    Every such grant, not those of the candidates' nodes: a city's few thousand grants cost
    less to read than the thousands of node ids would to pass."""
    users = defaultdict(set)
    for node_id, role, user_id in Grant.objects.filter(
            user__is_active=True, role__in=[Role.BRANCH_SECRETARY, Role.COMMUNITY_STAFF]
    ).values_list("node_id", "role", "user_id"):
        users[(node_id, role)].add(user_id)
    return {candidate.pk: users[(candidate.branch_id, Role.BRANCH_SECRETARY)]
            | users[(path_ids(candidate.branch_path)[-2], Role.COMMUNITY_STAFF)]
            for candidate in candidates}


def _candidates():
    return Candidate.objects.in_pipeline().select_related("branch").with_last_records()


# What judging a candidate's deadlines (`dues`) and reminding of them need: a city's pipeline
# holds some 15,000 candidates, whose model instances with their branches cost 0.4 s a scan.
Judged = namedtuple("Judged", ["pk", "name", "branch_id", "branch_path", "stage", "applied_on",
                               "talked_on", "activist_on", "meeting_on", "last_report_on",
                               "last_review_on"])


def _judged(today):
    """[(candidate, its deadlines)] for every candidate in the pipeline: the four sources of one
    scan share them (`shared`)."""
    limits = Limits()
    rows = _candidates().values_list(*(
        "branch__path" if name == "branch_path" else name for name in Judged._fields))
    return [(candidate, dues(candidate, limits.for_path(candidate.branch_path), today))
            for candidate in map(Judged._make, rows)]


def _reminders(name, now):
    code, notice, title, body = SOURCES[name]
    today = timezone.localdate(now)
    judged = shared(("development", today), lambda: _judged(today))
    found = []
    due = {}
    for candidate, items in judged:
        for item in items:
            reached = (item.overdue if notice is None
                       else today >= item.due_on - timedelta(days=notice))
            if item.code == code and reached:
                due[candidate.pk] = item.due_on
    if not due:
        return []
    chosen = [candidate for candidate, _items in judged if candidate.pk in due]
    recipients = _recipients(chosen)
    # reverse() per candidate would cost more than the rest; the detail is "<pk>/" below it.
    detail_url = reverse("development:index") + "{}/"
    for candidate in chosen:
        text = reminder_text(title, body, name=candidate.name, day=due[candidate.pk])
        url = detail_url.format(candidate.pk)
        for user_id in recipients[candidate.pk]:
            found.append(Reminder(Candidate, candidate.pk, user_id,
                                  f"{name}:{due[candidate.pk]:%Y%m%d}", url=url, **text))
    return found


def _is_current(name):
    def is_current(candidate_id, kind, now):
        code = SOURCES[name][0]
        candidate = _candidates().filter(pk=candidate_id).first()
        if candidate is None:
            return False
        items = dues(candidate, limits_for(candidate.branch), timezone.localdate(now))
        return any(item.code == code and f"{item.due_on:%Y%m%d}" == kind.rsplit(":", 1)[1]
                   for item in items)
    return is_current


for _name in SOURCES:
    register(_name, is_current=_is_current(_name))(
        lambda now, name=_name: _reminders(name, now))
