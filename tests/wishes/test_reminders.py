"""Wishes past their deadline, and open ones nobody claimed, remind through the scan, once."""
import pytest
import time_machine

from activities.models import Notification
from activities.reminders import scan
from pairing.wishes import services
from pairing.wishes.factories import WishFactory
from pairing.wishes.models import WishRule

pytestmark = pytest.mark.django_db


def _recipients(kind):
    return sorted(Notification.objects.filter(category=kind)
                  .values_list("recipient__username", flat=True))


def test_an_overdue_wish_reminds_staff_and_the_member_once(world):
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        wish = services.wish_accept(wish=WishFactory(community=world.community))
        services.wish_dispatch(wish=wish, target="open")
        services.wish_claim(wish=wish, member=world.member)
        WishFactory(community=world.other_community)  # not accepted: no deadline
    with time_machine.travel("2026-11-25 23:00:00+08:00", tick=False):  # the deadline's day
        scan(sources=["wish_overdue"])
    assert _recipients("wish_overdue") == []
    with time_machine.travel("2026-11-26 09:00:00+08:00", tick=False):
        scan(sources=["wish_overdue"])
        scan(sources=["wish_overdue"])
    assert _recipients("wish_overdue") == ["dangyuan", "staff"]


def test_a_wish_done_in_time_is_not_reminded(world):
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        wish = services.wish_accept(wish=WishFactory(community=world.community))
        services.wish_dispatch(wish=wish, target="open")
        services.wish_claim(wish=wish, member=world.member)
        services.wish_done(wish=wish, outcome="办好了", member=world.member)
    with time_machine.travel("2026-12-10 09:00:00+08:00", tick=False):
        scan(sources=["wish_overdue"])
    assert _recipients("wish_overdue") == []


def test_an_unclaimed_wish_reminds_staff_after_the_communitys_days(world):
    WishRule.objects.create(node=world.community, due_days=7, unclaimed_days=3)
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        wish = services.wish_accept(wish=WishFactory(community=world.community))
        services.wish_dispatch(wish=wish, target="open")
    with time_machine.travel("2026-11-21 09:00:00+08:00", tick=False):  # 2 days 23 hours
        scan(sources=["wish_unclaimed"])
    assert _recipients("wish_unclaimed") == []
    with time_machine.travel("2026-11-21 10:30:00+08:00", tick=False):
        scan(sources=["wish_unclaimed"])
        scan(sources=["wish_unclaimed"])
    assert _recipients("wish_unclaimed") == ["staff"]
