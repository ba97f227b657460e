"""Every transition of the wish loop, and the ones refused, called directly on the services."""
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members.factories import MemberFactory
from pairing.factories import UnitFactory
from pairing.models import Need
from pairing.wishes import services
from pairing.wishes.factories import WishFactory
from pairing.wishes.models import Wish, WishRule

pytestmark = pytest.mark.django_db
S = Wish.Status
DAY = "2026-11-18 10:00:00+08:00"


@pytest.fixture
def wish(world):
    return services.wish_receive(wish=WishFactory.build(community=world.community,
                                                        grid=world.grid))


def _accepted(wish):
    return services.wish_accept(wish=wish)


def _claimed(wish, member):
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.OPEN)
    return services.wish_claim(wish=wish, member=member)


@time_machine.travel(DAY, tick=False)
def test_accept_sets_the_deadline_from_the_default_rule(wish):
    wish = services.wish_accept(wish=wish)
    assert wish.status == S.ACCEPTED and wish.due_on == date(2026, 11, 25)


@time_machine.travel(DAY, tick=False)
def test_a_community_rule_overrides_the_default_deadline(world, wish):
    WishRule.objects.create(node=world.street, due_days=3, unclaimed_days=1)
    WishRule.objects.create(node=world.community, due_days=10, unclaimed_days=1)
    assert services.wish_accept(wish=wish).due_on == date(2026, 11, 28)


@time_machine.travel(DAY, tick=False)
def test_a_deadline_in_the_past_is_refused(wish):
    with pytest.raises(ValidationError) as error:
        services.wish_accept(wish=wish, due_on=date(2026, 11, 17))
    assert "due_on" in error.value.error_dict
    assert Wish.objects.get(pk=wish.pk).status == S.SUBMITTED


def test_merge_into_a_duplicate_of_the_same_community(world, wish):
    first = WishFactory(community=world.community)
    services.wish_merge(wish=wish, into=first)
    wish.refresh_from_db()
    assert wish.status == S.MERGED and wish.duplicate_of == first


def test_merge_into_another_community_or_itself_is_refused(world, wish):
    for into in (WishFactory(community=world.other_community), wish):
        with pytest.raises(ValidationError):
            services.wish_merge(wish=wish, into=into)
    assert Wish.objects.get(pk=wish.pk).status == S.SUBMITTED


def test_decline_needs_a_reason(wish):
    with pytest.raises(ValidationError):
        services.wish_decline(wish=wish, reason="  ")
    services.wish_decline(wish=wish, reason="属于物业合同纠纷")
    wish.refresh_from_db()
    assert wish.status == S.DECLINED and wish.decline_reason == "属于物业合同纠纷"


def test_a_reviewed_wish_cannot_be_reviewed_again(wish):
    services.wish_decline(wish=wish, reason="重复")
    for review in (lambda: services.wish_accept(wish=wish),
                   lambda: services.wish_decline(wish=wish, reason="again")):
        with pytest.raises(ValidationError):
            review()


def test_dispatch_needs_its_target_and_an_accepted_wish(world, wish):
    with pytest.raises(ValidationError):  # not accepted yet
        services.wish_dispatch(wish=wish, target=Wish.Target.OPEN)
    _accepted(wish)
    with pytest.raises(ValidationError) as error:
        services.wish_dispatch(wish=wish, target=Wish.Target.MEMBER)
    assert "member" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.wish_dispatch(wish=wish, target=Wish.Target.UNIT)
    assert "unit" in error.value.error_dict
    services.wish_dispatch(wish=wish, target=Wish.Target.MEMBER, member=world.member)
    wish.refresh_from_db()
    assert wish.status == S.DISPATCHED and wish.member == world.member


def test_a_wish_is_dispatched_again_until_someone_takes_it(world, wish):
    unit = UnitFactory(street=world.street, communities=[world.community])
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.OPEN)
    services.wish_dispatch(wish=wish, target=Wish.Target.UNIT, unit=unit)
    wish.refresh_from_db()
    assert (wish.status, wish.target, wish.unit) == (S.DISPATCHED, "unit", unit)
    services.wish_dispatch(wish=wish, target=Wish.Target.OPEN)
    services.wish_claim(wish=wish, member=world.member)
    with pytest.raises(ValidationError):
        services.wish_dispatch(wish=wish, target=Wish.Target.UNIT, unit=unit)
    assert Wish.objects.get(pk=wish.pk).member == world.member


def test_an_open_wish_is_claimed_once(world, wish):
    other = MemberFactory(branch=world.branch)
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.OPEN)
    services.wish_claim(wish=wish, member=world.member)
    with pytest.raises(ValidationError):
        services.wish_claim(wish=wish, member=other)
    wish.refresh_from_db()
    assert wish.status == S.CLAIMED and wish.member == world.member


def test_a_wish_dispatched_to_a_member_is_theirs_to_claim(world, wish):
    other = MemberFactory(branch=world.branch)
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.MEMBER, member=other)
    with pytest.raises(ValidationError):
        services.wish_claim(wish=wish, member=world.member)
    services.wish_claim(wish=wish, member=other)
    assert Wish.objects.get(pk=wish.pk).status == S.CLAIMED


def test_a_wish_dispatched_to_a_unit_is_done_by_staff_not_claimed(world, wish):
    unit = UnitFactory(street=world.street, communities=[world.community])
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.UNIT, unit=unit)
    with pytest.raises(ValidationError):
        services.wish_claim(wish=wish, member=world.member)
    services.wish_done(wish=wish, outcome="单位派人清理了楼道")
    assert Wish.objects.get(pk=wish.pk).status == S.DONE


def test_done_needs_an_outcome_and_the_member_who_claimed(world, wish):
    _claimed(wish, world.member)
    with pytest.raises(ValidationError) as error:
        services.wish_done(wish=wish, outcome=" ", member=world.member)
    assert "outcome" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.wish_done(wish=wish, outcome="办好了", member=MemberFactory(branch=world.branch))
    assert Wish.objects.get(pk=wish.pk).status == S.CLAIMED
    services.wish_done(wish=wish, outcome="办好了", member=world.member)
    assert Wish.objects.get(pk=wish.pk).status == S.DONE


def test_an_open_wish_nobody_claimed_cannot_be_done(wish):
    services.wish_dispatch(wish=_accepted(wish), target=Wish.Target.OPEN)
    with pytest.raises(ValidationError):
        services.wish_done(wish=wish, outcome="办好了")


def test_confirm_rates_from_1_to_5_only_when_done(world, wish):
    with pytest.raises(ValidationError):
        services.wish_confirm(wish=wish, rating=5)
    _claimed(wish, world.member)
    services.wish_done(wish=wish, outcome="办好了", member=world.member)
    for rating in (0, 6, None):
        with pytest.raises(ValidationError):
            services.wish_confirm(wish=wish, rating=rating)
    services.wish_confirm(wish=wish, rating=4, feedback="谢谢", by_staff=True)
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.confirmed_by_staff) == (S.CONFIRMED, 4, True)
    with pytest.raises(ValidationError):
        services.wish_reopen(wish=wish, reason="again")


@time_machine.travel(DAY, tick=False)
def test_reopen_sends_it_back_to_dispatch_with_a_fresh_deadline(world, wish):
    _claimed(wish, world.member)
    services.wish_done(wish=wish, outcome="办好了", member=world.member)
    with pytest.raises(ValidationError):
        services.wish_reopen(wish=wish, reason="")
    services.wish_reopen(wish=wish, reason="只修好了一半")
    wish.refresh_from_db()
    assert (wish.status, wish.reopen_count, wish.member, wish.target) == (S.ACCEPTED, 1, None, "")
    assert wish.due_on == date(2026, 11, 25) and wish.done_at is None


def test_turn_into_a_need_copies_the_wish_once(world, wish):
    with pytest.raises(ValidationError):  # not reviewed yet
        services.wish_to_need(wish=wish)
    need = services.wish_to_need(wish=_accepted(wish))
    assert (need.community, need.title, need.category) == (world.community, wish.title,
                                                          wish.category)
    assert Wish.objects.get(pk=wish.pk).need == need
    with pytest.raises(ValidationError):
        services.wish_to_need(wish=wish)
    assert Need.objects.count() == 1


def test_a_grid_of_another_community_is_refused(world):
    from organizations.factories import GridFactory

    with pytest.raises(ValidationError) as error:
        services.wish_receive(wish=WishFactory.build(
            community=world.community, grid=GridFactory(community=world.other_community)))
    assert "grid" in error.value.error_dict
    assert not Wish.objects.exists()


@time_machine.travel(DAY, tick=False)
def test_on_time_compares_the_day_done_with_the_deadline(world, wish):
    _claimed(wish, world.member)
    with time_machine.travel("2026-11-25 23:30:00+08:00", tick=False):
        services.wish_done(wish=wish, outcome="办好了", member=world.member)
    assert Wish.objects.get(pk=wish.pk).on_time is True
    late = services.wish_receive(wish=WishFactory.build(community=world.community))
    _claimed(late, world.member)
    with time_machine.travel("2026-11-26 00:30:00+08:00", tick=False):
        services.wish_done(wish=late, outcome="办好了", member=world.member)
    assert Wish.objects.get(pk=late.pk).on_time is False
    from pairing.wishes.selectors import totals

    figures = totals(Wish.objects.all())
    assert (figures["received"], figures["done"], figures["on_time"]) == (2, 2, 1)


def test_one_rule_per_node_and_one_default(world):
    from django.db import IntegrityError, transaction

    WishRule.objects.create(node=world.community, due_days=5, unclaimed_days=1)
    for node in (None, world.community):  # the default ships in a migration
        with pytest.raises(IntegrityError), transaction.atomic():
            WishRule.objects.create(node=node, due_days=9, unclaimed_days=1)
