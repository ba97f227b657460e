"""Wishes overdue or left unclaimed: reminder sources of the activities app's scan."""
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.reminders import Reminder, every_tick, register, reminder_text
from organizations.models import Grant
from organizations.rules import nearest
from organizations.scope import Role
from pairing.wishes.models import Wish, WishRule


def _staff_of(community_ids):
    staff = defaultdict(set)
    for node_id, user_id in Grant.objects.filter(
            role=Role.COMMUNITY_STAFF, user__is_active=True, node_id__in=community_ids,
    ).values_list("node_id", "user_id"):
        staff[node_id].add(user_id)
    return staff


def _due_is_current(wish_id, kind, now):
    due = kind.rsplit(":", 1)[1]
    return Wish.objects.filter(pk=wish_id, status__in=Wish.WORKING_STATUSES,
                               due_on__lt=timezone.localdate(now)).filter(
        due_on=f"{due[:4]}-{due[4:6]}-{due[6:]}").exists()


@register("wish_overdue", is_current=_due_is_current)
def wishes_overdue(now):
    """Each wish past its deadline and not done: to the community's staff and to the member who
    took it or leads the team it went to; once per deadline (a reopened wish has a new one)."""
    wishes = list(Wish.objects.overdue(timezone.localdate(now))
                  .select_related("member", "team__leader__member"))
    staff = _staff_of({wish.community_id for wish in wishes})
    found = []
    for wish in wishes:
        recipients = set(staff[wish.community_id])
        takers = [wish.member] if wish.member_id else []
        if wish.team_id and wish.team.leader_id and wish.team.leader.member_id:
            takers.append(wish.team.leader.member)
        recipients |= {taker.user_id for taker in takers if taker.user_id}
        text = reminder_text(gettext_noop("心愿“%(wish)s”已超过办结时限"),
                             gettext_noop("办结时限为 %(day)s，请尽快办理并登记结果。"),
                             wish=wish.title, day=wish.due_on)
        found += [Reminder(Wish, wish.pk, user_id, f"wish_overdue:{wish.due_on:%Y%m%d}",
                           url=wish.get_absolute_url(), **text) for user_id in recipients]
    return found


def _unclaimed_is_current(wish_id, kind, now):
    return Wish.objects.filter(pk=wish_id, status=Wish.Status.DISPATCHED,
                               target=Wish.Target.OPEN).exists()


@register("wish_unclaimed", is_current=_unclaimed_is_current, clock=every_tick)
def wishes_unclaimed(now):
    """Each wish opened for claiming longer than the community's rule allows: to its staff."""
    wishes = list(Wish.objects.filter(status=Wish.Status.DISPATCHED, target=Wish.Target.OPEN)
                  .select_related("community"))
    rules = list(WishRule.objects.all())
    staff = _staff_of({wish.community_id for wish in wishes})
    found = []
    for wish in wishes:
        rule = nearest(rules, wish.community.ancestor_ids(), key=lambda row: None).get(None)
        days = rule.unclaimed_days if rule else 2
        if wish.dispatched_at + timedelta(days=days) > now:
            continue
        text = reminder_text(gettext_noop("心愿“%(wish)s”开放认领后无人接单"),
                             gettext_noop("请联系党员接单，或改派给党员或共建单位。"),
                             wish=wish.title)
        found += [Reminder(Wish, wish.pk, user_id,
                           f"wish_unclaimed:{wish.dispatched_at:%Y%m%d%H%M}",
                           url=wish.get_absolute_url(), **text)
                  for user_id in staff[wish.community_id]]
    return found
