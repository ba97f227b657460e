"""Rules read by path (dues rates, move rules, development limits, reminder lead times) honour
a row on the district, between the default and the street's (organizations.rules.PathChains)."""
from decimal import Decimal as D

import pytest

from activities.models import ReminderRule
from activities.reminder_sources import LeadTimes
from members import moves
from members.development.models import DevelopmentRule, Limits, limits_for
from members.dues import rates
from members.dues.models import DuesRate, DuesRounding
from members.models import MoveRule
from organizations.factories import BranchFactory, CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_branch(district_world):
    """A branch of street B, in the other district."""
    return BranchFactory(parent=district_world.other_street_community)


def test_dues_rounding_and_rates_on_a_district(district_world, far_branch):
    world = district_world
    DuesRounding.objects.create(node=world.district, unit=D("0.10"))
    DuesRate.objects.create(node=world.district, category="student", fixed_amount=D("0.50"))
    book = rates.RateBook()
    tiers, unit = book.for_path(world.branch.path)
    assert unit == D("0.10")
    assert tiers["student"][0].fixed_amount == D("0.50")
    tiers, unit = book.for_path(far_branch.path)
    assert unit == D("0.01")
    assert tiers["student"][0].fixed_amount == D("0.20")
    # The street's own row beats the district's.
    DuesRounding.objects.create(node=world.street, unit=D("0.01"))
    assert rates.RateBook().for_path(world.branch.path)[1] == D("0.01")


def test_move_rules_on_a_district(district_world, far_branch):
    world = district_world
    MoveRule.objects.create(node=world.district, receipt_due_days=30)
    rules = moves.MoveRules()
    assert rules.for_path(world.branch.path).receipt_due_days == 30
    assert rules.for_path(far_branch.path).receipt_due_days == 90
    assert moves.rule_for(world.branch).receipt_due_days == 30
    MoveRule.objects.create(node=world.street, receipt_due_days=60)
    assert moves.MoveRules().for_path(world.branch.path).receipt_due_days == 60
    assert moves.rule_for(world.branch).receipt_due_days == 60


def test_development_limits_on_a_district(district_world, far_branch):
    world = district_world
    DevelopmentRule.objects.create(node=world.district, code="talk_months", value=3)
    limits = Limits()
    assert limits.for_path(world.branch.path)["talk_months"] == 3
    assert limits.for_path(far_branch.path)["talk_months"] == 1
    assert limits_for(world.branch)["talk_months"] == 3
    DevelopmentRule.objects.create(node=world.street, code="talk_months", value=2)
    assert Limits().for_path(world.branch.path)["talk_months"] == 2
    assert limits_for(world.branch)["talk_months"] == 2


def test_reminder_lead_times_on_a_district(district_world, far_branch):
    world = district_world
    defaults = LeadTimes().for_path(world.branch.path)
    ReminderRule.objects.create(node=world.district, lead_minutes=30)
    lead_times = LeadTimes()
    assert lead_times.for_path(world.branch.path) == {30}
    assert lead_times.for_path(far_branch.path) == defaults
    ReminderRule.objects.create(node=world.street, lead_minutes=45)
    assert LeadTimes().for_path(world.branch.path) == {45}


def test_the_district_map_is_read_once_per_reader_and_only_for_rows_on_nodes(
        district_world, django_assert_num_queries):
    world = district_world
    # Default rows only: nothing beyond the rule rows themselves.
    with django_assert_num_queries(2):
        book = rates.RateBook()
        book.for_path(world.branch.path)
    DuesRounding.objects.create(node=world.district, unit=D("0.10"))
    paths = [BranchFactory(parent=CommunityFactory(parent=street)).path
             for street in (world.street, world.other_street) for _ in range(3)]
    with django_assert_num_queries(3):
        book = rates.RateBook()
        units = [book.for_path(path)[1] for path in paths]
    assert units == [D("0.10")] * 3 + [D("0.01")] * 3
    # A node at hand knows its district: no map to read.
    MoveRule.objects.create(node=world.district, receipt_due_days=30)
    with django_assert_num_queries(1):
        assert moves.rule_for(world.branch).receipt_due_days == 30
