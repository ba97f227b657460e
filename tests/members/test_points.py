from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from members import points, services
from members.factories import MemberFactory, PostClaimFactory
from members.models import Member, PointsEntry, PointsRule


@pytest.fixture
def sources(world):
    """Distinct source objects: any model instance will do, claims are handy."""
    return [PostClaimFactory(post__community=world.community, member=world.member)
            for _ in range(3)]


def test_award_applies_the_default_rule_once_per_source(world, sources):
    entry = points.award(member=world.member, item="attendance:general_meeting", quantity=1,
                         source=sources[0], occurred_on=date(2026, 3, 1))
    again = points.award(member=world.member, item="attendance:general_meeting", quantity=1,
                         source=sources[0], occurred_on=date(2026, 3, 1))
    assert entry.points == Decimal("2")
    assert again.pk == entry.pk
    assert PointsEntry.objects.count() == 1
    assert entry.source_id == sources[0].pk


def test_street_override_wins_over_default(world, sources):
    PointsRule.objects.create(node=world.street, item="volunteer_hour", points=Decimal("3"))
    entry = points.award(member=world.member, item="volunteer_hour", quantity=Decimal("2.5"),
                         source=sources[0], occurred_on=date(2026, 3, 1))
    assert entry.points == Decimal("7.5")


def test_yearly_cap_cuts_the_award_and_then_stops_it(world, sources):
    PointsRule.objects.create(node=world.community, item="volunteer_hour", points=Decimal("1"),
                              yearly_cap=Decimal("5"))
    first = points.award(member=world.member, item="volunteer_hour", quantity=4,
                         source=sources[0], occurred_on=date(2026, 3, 1))
    second = points.award(member=world.member, item="volunteer_hour", quantity=4,
                          source=sources[1], occurred_on=date(2026, 4, 1))
    third = points.award(member=world.member, item="volunteer_hour", quantity=4,
                         source=sources[2], occurred_on=date(2026, 5, 1))
    assert (first.points, second.points, third) == (Decimal("4"), Decimal("1"), None)
    next_year = points.award(member=world.member, item="volunteer_hour", quantity=1,
                             source=sources[2], occurred_on=date(2027, 1, 5))
    assert next_year is None or next_year.points == Decimal("1")


def test_exempt_category_earns_nothing(world, sources):
    PointsRule.objects.create(node=world.street, item="attendance:theme_day",
                              points=Decimal("2"), exempt_categories=[Member.Category.MOBILE])
    mobile = MemberFactory(branch=world.branch, category=Member.Category.MOBILE)
    assert points.award(member=mobile, item="attendance:theme_day", quantity=1,
                        source=sources[0], occurred_on=date(2026, 3, 1)) is None
    assert points.award(member=world.member, item="attendance:theme_day", quantity=1,
                        source=sources[0], occurred_on=date(2026, 3, 1)) is not None


def test_unknown_item_is_a_programming_error(world, sources):
    with pytest.raises(ValueError):
        points.award(member=world.member, item="attendance:picnic", quantity=1,
                     source=sources[0], occurred_on=date(2026, 3, 1))


def test_adjustment_needs_a_reason_and_is_logged(world):
    user = world.users["staff"]
    with pytest.raises(ValidationError):
        services.points_adjust(member=world.member, points_delta=Decimal("5"), reason=" ",
                               occurred_on=date(2026, 3, 1), user=user)
    entry = services.points_adjust(member=world.member, points_delta=Decimal("-3"),
                                   reason="缺席未请假", occurred_on=date(2026, 3, 1), user=user)
    assert LogEntry.objects.get_for_object(entry).get().actor == user
    assert points.total_for(world.member, 2026) == Decimal("-3")


def test_totals_and_ranking_come_from_the_ledger(world, sources):
    other = MemberFactory(branch=world.branch)
    points.award(member=world.member, item="attendance:party_lecture", quantity=1,
                 source=sources[0], occurred_on=date(2026, 3, 1))
    for source in sources:
        points.award(member=other, item="attendance:party_lecture", quantity=1, source=source,
                     occurred_on=date(2026, 3, 1))
    ranked = list(points.ranking(world.community, 2026))
    assert [m.pk for m in ranked[:2]] == [other.pk, world.member.pk]
    assert ranked[0].total == Decimal("6")
    assert points.ranking(world.community, 2025)[0].total == 0


def test_street_official_edits_a_rule_as_an_override(world, client_as):
    client = client_as(world.users["official"])
    response = client.post(f"/members/points/rules/{world.street.pk}/post_month/",
                           {"points": "8", "yearly_cap": "", "exempt_categories": ["student"]})
    assert response.status_code == 302
    rule = points.rules_for_branch(world.branch)["post_month"]
    assert (rule.node_id, rule.points, rule.yearly_cap, rule.exempt_categories) == (
        world.street.pk, Decimal("8"), None, ["student"])
    assert PointsRule.objects.get(node=None, item="post_month").points == Decimal("5")
