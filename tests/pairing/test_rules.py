"""Business rules of co-building, called directly."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.factories import MemberFactory
from organizations.factories import BranchFactory, CommunityFactory
from pairing import selectors, services
from pairing.factories import (AgreementFactory, ContributionFactory, HouseholdFactory,
                               JointSeatFactory, NeedFactory, PairingFactory, ProjectFactory,
                               ResourceFactory, UnitFactory)
from pairing.models import Agreement, Category, Contribution, Pairing, Project


def test_agreement_status_follows_the_dates(db):
    today = timezone.localdate()
    agreement = AgreementFactory.build(starts_on=today - timedelta(days=100),
                                       ends_on=today + timedelta(days=100))
    assert agreement.status_on(today) == Agreement.Status.ACTIVE
    assert agreement.status_on(today + timedelta(days=75)) == Agreement.Status.EXPIRING
    assert agreement.status_on(today + timedelta(days=101)) == Agreement.Status.EXPIRED
    assert agreement.status_on(today - timedelta(days=101)) == Agreement.Status.PENDING
    agreement.ended_on = today
    assert agreement.status_on(today) == Agreement.Status.ENDED


def test_expiring_between_skips_ended_and_other_dates(db):
    today = timezone.localdate()
    due = AgreementFactory(ends_on=today + timedelta(days=30))
    AgreementFactory(ends_on=today + timedelta(days=31))
    AgreementFactory(ends_on=today + timedelta(days=10), ended_on=today)
    found = Agreement.objects.expiring_between(today, today + timedelta(days=30))
    assert list(found) == [due]


def test_agreement_ending_before_it_starts_is_refused(db):
    agreement = AgreementFactory.build(starts_on=date(2025, 5, 1), ends_on=date(2025, 4, 1))
    with pytest.raises(ValidationError) as error:
        agreement.clean()
    assert "到期日期必须晚于生效日期" in str(error.value)


def test_pairing_with_a_household_of_another_community_is_refused(db):
    pairing = PairingFactory()
    elsewhere = HouseholdFactory(community=CommunityFactory(parent=pairing.community.parent))
    pairing.household = elsewhere
    with pytest.raises(ValidationError) as error:
        pairing.full_clean()
    assert "只能与本社区登记的困难家庭结对" in str(error.value)


def test_member_pairing_needs_members_of_the_community(db):
    community = CommunityFactory()
    old = MemberFactory(branch=BranchFactory(parent=community))
    outsider = MemberFactory(branch=BranchFactory())
    pairing = Pairing(community=community, kind=Pairing.Kind.MEMBER_MEMBER, member=old,
                      partner=outsider, started_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as error:
        pairing.full_clean()
    assert "只能选择本社区的党员" in str(error.value)
    pairing.partner = old
    with pytest.raises(ValidationError) as error:
        pairing.full_clean()
    assert "不能与自己结对" in str(error.value)


def test_ending_a_pairing_keeps_it(db):
    pairing = PairingFactory()
    services.pairing_end(pairing=pairing, ended_on=date(2025, 9, 1), reason="家庭已脱困")
    pairing.refresh_from_db()
    assert pairing.ended_on == date(2025, 9, 1) and not pairing.is_active
    assert Pairing.objects.filter(pk=pairing.pk).exists()
    assert not Pairing.objects.active().filter(pk=pairing.pk).exists()


def test_volunteer_person_times_are_whole_and_amounts_positive(db):
    contribution = ContributionFactory.build(kind=Contribution.Kind.VOLUNTEERS,
                                             amount=Decimal("2.5"))
    with pytest.raises(ValidationError):
        contribution.full_clean()
    contribution = ContributionFactory.build(amount=Decimal("-5"))
    with pytest.raises(ValidationError):
        contribution.full_clean()


def test_yearly_totals_per_unit_community_and_street(db):
    unit = UnitFactory()
    community = CommunityFactory(parent=unit.street)
    other = CommunityFactory(parent=unit.street)
    unit.communities.add(community, other)
    for given_on, target, kind, amount in [
        (date(2025, 3, 1), community, Contribution.Kind.MONEY, "3000"),
        (date(2025, 4, 1), other, Contribution.Kind.MONEY, "2000"),
        (date(2025, 5, 1), community, Contribution.Kind.VOLUNTEERS, "80"),
        (date(2025, 6, 1), community, Contribution.Kind.INVESTMENT, "200000"),
        (date(2024, 6, 1), community, Contribution.Kind.MONEY, "999"),
    ]:
        ContributionFactory(community=target, unit=unit, kind=kind, amount=Decimal(amount),
                            given_on=given_on)
    rows = Contribution.objects.all()
    by_street = {row["year"]: row for row in selectors.yearly_totals(
        rows, "community__parent__name")}
    assert by_street[2025]["group"] == unit.street.name
    assert by_street[2025]["money_total"] == Decimal(5000)
    assert by_street[2025]["volunteers_total"] == Decimal(80)
    assert by_street[2025]["investment_total"] == Decimal(200000)
    assert by_street[2024]["money_total"] == Decimal(999)
    by_community = {(row["year"], row["group"]): row["money_total"]
                    for row in selectors.yearly_totals(rows, "community__name")}
    assert by_community[(2025, community.name)] == Decimal(3000)
    assert by_community[(2025, other.name)] == Decimal(2000)
    by_unit = selectors.yearly_totals(rows.filter(given_on__year=2025), "unit__name")
    assert [(row["group"], row["money_total"]) for row in by_unit] == [(unit.name, 5000)]


def test_done_needs_an_outcome_and_closes_the_need(db):
    project = ProjectFactory()
    project.status = Project.Status.DONE
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project)
    assert "请填写项目成效" in str(error.value)
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED
    project.status, project.outcome, project.rating = Project.Status.DONE, "体检120人", 5
    services.project_update(project=project)
    project.need.refresh_from_db()
    assert project.finished_on and project.need.closed_on


def test_dropping_needs_a_reason_and_rating_needs_done(db):
    project = ProjectFactory()
    project.status = Project.Status.DROPPED
    with pytest.raises(ValidationError):
        project.full_clean()
    project.status, project.rating = Project.Status.IN_PROGRESS, 4
    with pytest.raises(ValidationError):
        project.full_clean()


def test_matching_suggests_available_resources_of_the_community_units(db, world):
    need = NeedFactory(community=world.community, category=Category.HEALTH)
    unit = UnitFactory(street=world.street, communities=[world.community])
    fits = ResourceFactory(unit=unit, category=Category.HEALTH)
    ResourceFactory(unit=unit, category=Category.LEGAL)
    ResourceFactory(unit=unit, category=Category.HEALTH, withdrawn_on=date(2025, 1, 1))
    ResourceFactory(unit=UnitFactory(street=world.street, communities=[world.other_community]),
                    category=Category.HEALTH)
    assert list(selectors.suggested_resources(need, world.users["staff"])) == [fits]


def test_joint_committee_lists_serving_members_first(db, world):
    ended = JointSeatFactory(community=world.community, ended_on=date(2025, 1, 1))
    serving = JointSeatFactory(community=world.community)
    JointSeatFactory(community=world.other_community)
    assert selectors.joint_committee_for(world.community) == [serving, ended]


def test_households_are_hidden_from_the_street_which_counts_them(db, world):
    HouseholdFactory(community=world.community)
    HouseholdFactory(community=world.community, closed_on=date(2025, 1, 1))
    from pairing.models import NeedyHousehold

    assert not NeedyHousehold.objects.visible_to(world.users["official"]).exists()
    assert not NeedyHousehold.objects.visible_to(world.users["secretary"]).exists()
    assert NeedyHousehold.objects.visible_to(world.users["staff"]).count() == 2
    counts = selectors.household_counts(world.users["official"])
    assert [(row["community"], row["total"]) for row in counts] == [(world.community.name, 1)]
    assert selectors.household_counts(world.users["staff_other"]) == []
