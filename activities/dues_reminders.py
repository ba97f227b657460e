"""党费 arrears: a reminder source of the scan (members.dues cannot import activities).

From the 10th of a month, each member who has not paid the month just over is reminded once
that month, and the branch secretary once with the count of the branch. A cheap set-based
query finds the candidates (a base in effect, no entry settling last month, not yet reminded
this month, so the ticks after the first read almost nothing); the ledger then checks each
exactly (a waived month owes nothing)."""
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.models import Notification
from activities.reminders import Reminder, register, reminder_text
from kernel.dates import first_of_month_after
from members.dues import ledger
from members.dues.models import DuesPayment
from members.models import Member
from organizations.models import Grant, Node
from organizations.scope import Role

NOTICE_DAY = 10
SETTLING = [DuesPayment.Kind.MONTHLY, DuesPayment.Kind.BACK, DuesPayment.Kind.OPENING]


def _reminded(model, kind):
    """Ids of the subjects already reminded under `kind`."""
    return Notification.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                       kind=kind).values("object_id")


def _owing(today, members=None):
    """{member id: MemberDues} of the members on the roll (of `members`, else all) who still
    owe the month just over."""
    last_over = first_of_month_after(today, -1)
    voided = DuesPayment.objects.filter(voids=True).values("corrects_id")
    settled = DuesPayment.objects.filter(
        member=OuterRef("pk"), kind__in=SETTLING, first_month__lte=last_over,
        last_month__gte=last_over).exclude(pk__in=voided)
    members = members if members is not None else Member.objects.all()
    candidates = (members.active().filter(dues_bases__from_month__lte=last_over)
                  .exclude(Exists(settled)).distinct().select_related("branch"))
    return {pk: dues for pk, dues in ledger.load(candidates).items()
            if last_over in dues.arrears(today)}


def _member_is_current(member_id, kind, now):
    member = Member.objects.active().filter(pk=member_id).select_related("branch").first()
    if member is None:
        return False
    today = timezone.localdate(now)
    return first_of_month_after(today, -1) in ledger.load_one(member).arrears(today)


def _branch_is_current(branch_id, kind, now):
    return bool(_owing(timezone.localdate(now), Member.objects.filter(branch_id=branch_id)))


@register("dues_arrears", is_current=_member_is_current)
def member_arrears(now):
    today = timezone.localdate(now)
    if today.day < NOTICE_DAY:
        return []
    found, month = [], f"{first_of_month_after(today, -1):%Y%m}"
    url = reverse("dues:mine")
    members = Member.objects.filter(user__isnull=False).exclude(
        pk__in=_reminded(Member, f"dues_arrears:{month}"))
    for member_id, dues in _owing(today, members).items():
        months = dues.arrears(today)
        found.append(Reminder(
            Member, member_id, dues.member.user_id, f"dues_arrears:{month}", url=url,
            **reminder_text(gettext_noop("您有 %(count)d 个月的党费未交纳"),
                            gettext_noop("最早未交月份：%(first)s。请向支部交纳党费。"),
                            count=len(months), first=f"{months[0]:%Y-%m}")))
    return found


@register("dues_arrears_branch", is_current=_branch_is_current)
def branch_arrears(now):
    """The secretary of each branch with members owing: how many, once a month."""
    today = timezone.localdate(now)
    if today.day < NOTICE_DAY:
        return []
    month = f"{first_of_month_after(today, -1):%Y%m}"
    # Only the branches with a secretary to tell, not told yet: a branch without one would have
    # its owing members read again at every tick of the month.
    to_tell = Grant.objects.filter(role=Role.BRANCH_SECRETARY, user__is_active=True).exclude(
        node_id__in=_reminded(Node, f"dues_arrears_branch:{month}"))
    counts = defaultdict(int)
    for dues in _owing(today, Member.objects.filter(
            branch_id__in=to_tell.values("node_id"))).values():
        counts[dues.member.branch_id] += 1
    secretaries = defaultdict(set)
    for node_id, user_id in to_tell.filter(node_id__in=counts).values_list("node_id", "user_id"):
        secretaries[node_id].add(user_id)
    return [
        Reminder(Node, branch_id, user_id, f"dues_arrears_branch:{month}",
                 url=reverse("dues:arrears", args=[branch_id]),
                 **reminder_text(gettext_noop("本支部有 %(count)d 名党员上月党费未交纳"),
                                 gettext_noop("请查看欠缴名单并提醒党员交纳。"), count=count))
        for branch_id, count in counts.items() for user_id in secretaries[branch_id]
    ]
