"""周排名: the inputs of a week, the marks, the weights as data and the places."""
from datetime import date, timedelta
from decimal import Decimal

from portal import services
from portal.factories import FailedInspectionFactory, RectificationFactory
from portal.models import RankingWeight, Rectification
from portal.ranking import (RANKING_INPUTS, on_time_rate, problems_found,
                            rectifications_overdue, week_of, weekly_ranking, weights_for)

MONDAY = date(2026, 11, 16)
SUNDAY = date(2026, 11, 22)


def test_week_of():
    assert week_of(date(2026, 11, 19)) == (MONDAY, SUNDAY)
    assert week_of(SUNDAY) == (MONDAY, SUNDAY)


def test_defaults_are_shipped_and_a_street_overrides_them(world):
    assert weights_for(world.street) == {"on_time_rate": Decimal(50),
                                         "problems_found": Decimal(30),
                                         "rectifications_overdue": Decimal(20),
                                         "compliance_rate": Decimal(30),
                                         "activities_held": Decimal(20),
                                         "task_completion": Decimal(0)}
    services.ranking_weights_set(street=world.street, weights={"on_time_rate": Decimal(10)})
    assert weights_for(world.street)["on_time_rate"] == Decimal(10)
    assert weights_for(world.other_street)["on_time_rate"] == Decimal(50)
    assert RankingWeight.objects.filter(node=None).count() == len(RANKING_INPUTS)


def _rectification(community, deadline, status=Rectification.Status.OPEN, fixed_on=None,
                   inspected_on=MONDAY):
    accepted_on = fixed_on if status == Rectification.Status.ACCEPTED else None
    return RectificationFactory(inspection__point__community=community,
                                inspection__inspected_on=inspected_on, deadline=deadline,
                                status=status, fixed_on=fixed_on, accepted_on=accepted_on)


def test_the_inputs_of_a_week(world):
    c1, c2 = world.community, world.other_community
    _rectification(c1, MONDAY + timedelta(days=2), Rectification.Status.ACCEPTED,
                   fixed_on=MONDAY + timedelta(days=1))
    _rectification(c1, MONDAY + timedelta(days=3), Rectification.Status.ACCEPTED,
                   fixed_on=MONDAY + timedelta(days=5))  # fixed late
    _rectification(c2, MONDAY + timedelta(days=1))  # never fixed: overdue
    _rectification(c2, SUNDAY + timedelta(days=3))  # due next week
    FailedInspectionFactory(point__community=c2, inspected_on=MONDAY - timedelta(days=1))
    communities = [c1, c2]
    today = SUNDAY + timedelta(days=10)
    assert on_time_rate(communities, MONDAY, SUNDAY, today) == {c1.pk: Decimal("0.5"),
                                                                 c2.pk: Decimal(0)}
    assert problems_found(communities, MONDAY, SUNDAY, today) == {c1.pk: 2, c2.pk: 2}
    assert rectifications_overdue(communities, MONDAY, SUNDAY, today) == {c1.pk: 0, c2.pk: 1}


def test_the_ranking_places_and_scores(world):
    c1, c2 = world.community, world.other_community
    _rectification(c1, MONDAY + timedelta(days=2), Rectification.Status.ACCEPTED,
                   fixed_on=MONDAY + timedelta(days=1))
    _rectification(c2, MONDAY + timedelta(days=1))
    # Only the rectification inputs weigh here; test_work_panels covers the other two.
    services.ranking_weights_set(street=world.street, weights={
        "compliance_rate": Decimal(0), "activities_held": Decimal(0)})
    rows, weights = weekly_ranking(world.street, [c2, c1], MONDAY, SUNDAY,
                                   SUNDAY + timedelta(days=1))
    assert [row.community for row in rows] == [c1, c2]
    assert [row.place for row in rows] == [1, 2]
    # c1: on time 100, problems 1 of max 1 → 0, overdue 0 of max 1 → 100.
    assert rows[0].score == Decimal("70.0")
    # c2: on time 0, problems 0, overdue 0.
    assert rows[1].score == Decimal("0.0")
    assert [cell.display for cell in rows[0].values][:3] == ["100%", "1", "0"]
    assert "community=%d" % c1.pk in rows[0].values[0].url


def test_equal_scores_share_a_place(world):
    rows, _weights = weekly_ranking(world.street, [world.community, world.other_community],
                                    MONDAY, SUNDAY, SUNDAY)
    assert [row.place for row in rows] == [1, 1]
    assert rows[0].score == rows[1].score


def test_changing_the_weights_changes_the_score(world):
    c1, c2 = world.community, world.other_community
    _rectification(c1, MONDAY + timedelta(days=2), Rectification.Status.ACCEPTED,
                   fixed_on=MONDAY + timedelta(days=1))
    services.ranking_weights_set(street=world.street, weights={
        "on_time_rate": Decimal(0), "problems_found": Decimal(1),
        "rectifications_overdue": Decimal(0)})
    rows, _weights = weekly_ranking(world.street, [c1, c2], MONDAY, SUNDAY, SUNDAY)
    assert [row.community for row in rows] == [c2, c1]


def test_a_past_week_keeps_its_overdue_figure(world):
    _rectification(world.community, MONDAY + timedelta(days=1), Rectification.Status.ACCEPTED,
                   fixed_on=SUNDAY + timedelta(days=3))
    today = SUNDAY + timedelta(days=20)
    assert rectifications_overdue([world.community], MONDAY, SUNDAY, today) == {
        world.community.pk: 1}
    next_monday = MONDAY + timedelta(days=7)
    assert rectifications_overdue([world.community], next_monday, next_monday + timedelta(
        days=6), today) == {world.community.pk: 0}
