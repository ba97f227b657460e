"""A change of the dues standard takes effect from a month on: the months before keep the
amounts they had (owed, paid, closed, reported); a level sets the 农民党员 amount and the
rounding only from a month not yet begun, and may cancel such a change before it begins."""
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.dues import defaults, ledger, local_rules, rates, services
from members.dues.models import DuesPayment, DuesRate, DuesRounding
from members import services as member_services
from members.factories import MemberFactory
from members.models import Member
from organizations.factories import (BranchFactory, CommunityFactory, DistrictFactory,
                                     StreetFactory, UserFactory)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 6)


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
                               tick=False)


@pytest.fixture
def tree():
    street = StreetFactory()
    community = CommunityFactory(parent=street)
    return street, community, BranchFactory(parent=community)


def test_rates_apply_from_their_month(tree):
    street, community, branch = tree
    DuesRate.objects.create(node=street, category="farmer", fixed_amount=D("0.50"),
                            from_month=date(2027, 1, 1))
    DuesRate.objects.create(node=community, category="farmer", fixed_amount=D("0.80"),
                            from_month=date(2027, 4, 1))
    DuesRounding.objects.create(node=street, unit=D("0.10"), from_month=date(2027, 3, 1))
    book = rates.RateBook()

    def farmer(month):
        return book.for_path(branch.path, month)[0]["farmer"][0].fixed_amount
    # Before a level's first row begins, the level above (here the default) still applies.
    assert [farmer(date(2026, 12, 1)), farmer(date(2027, 1, 1)), farmer(date(2027, 3, 1)),
            farmer(date(2027, 4, 1))] == [D("0.20"), D("0.50"), D("0.50"), D("0.80")]
    assert [book.for_path(branch.path, date(2027, month, 1))[1] for month in (2, 3)] == [
        D("0.01"), D("0.10")]
    # Another street is untouched.
    assert rates.RateBook().for_path("/999/", date(2027, 5, 1))[0]["farmer"][0].fixed_amount \
        == D("0.20")


def test_a_new_standard_leaves_the_months_before_it_as_they_were(tree):
    _street, community, branch = tree
    with at(date(2026, 11, 18)):
        member = MemberFactory(branch=branch, joined_on=date(2000, 7, 1))
        services.base_set(member=member, from_month=date(2026, 10, 1), category="employed",
                          income=D("4321.55"))
        services.payment_record(member=member, first_month=date(2026, 10, 1),
                                last_month=date(2026, 11, 1), amount=D("86.44"), way="cash",
                                paid_on=date(2026, 11, 18))
    with at(TODAY):
        local_rules.rule_set(node=community, rule="rounding", value=D("0.10"),
                             from_month=date(2027, 1, 1))
        dues = ledger.load_one(member)
        assert [dues.due(date(2026, month, 1)) for month in (10, 11, 12)] == [D("43.22")] * 3
        assert dues.due(date(2027, 1, 1)) == D("43.20")
        # The months paid at the old amount stay settled.
        assert dues.arrears() == [] and dues.paid_through() == date(2026, 11, 1)


@pytest.mark.parametrize("month", [date(2026, 12, 1), date(2026, 6, 1)])
def test_no_change_reaches_this_month_or_one_gone_by(tree, month):
    _street, community, _branch = tree
    with at(TODAY), pytest.raises(ValidationError) as error:
        local_rules.rule_set(node=community, rule="farmer", value=D("0.50"), from_month=month)
    assert "2027-01" in str(error.value.error_dict["from_month"])
    assert not DuesRate.objects.filter(node=community).exists()


def test_the_farmer_amount_stays_within_the_standard(tree):
    _street, community, _branch = tree
    with at(TODAY), pytest.raises(ValidationError) as error:
        local_rules.rule_set(node=community, rule="farmer", value=D("1.50"),
                             from_month=date(2027, 1, 1))
    assert "value" in error.value.error_dict


def test_a_rate_row_starts_on_the_first_of_a_month():
    with pytest.raises(ValidationError) as error:
        DuesRounding(unit=D("0.10"), from_month=date(2027, 1, 15)).full_clean()
    assert "from_month" in error.value.error_dict


def test_the_schedule_shows_what_applies_now_and_each_change_to_come(tree):
    street, community, _branch = tree
    with at(TODAY):
        local_rules.rule_set(node=street, rule="farmer", value=D("0.50"),
                             from_month=date(2027, 1, 1))
        local_rules.rule_set(node=community, rule="farmer", value=D("0.80"),
                             from_month=date(2027, 3, 1))
        # Set again for the same month: replaced, not doubled.
        local_rules.rule_set(node=community, rule="farmer", value=D("0.60"),
                             from_month=date(2027, 3, 1))
        steps = local_rules.schedule(community)["farmer"]
        assert [(step.month, step.value, step.source and step.source.pk, step.own)
                for step in steps] == [
            (None, D("0.20"), None, False),
            (date(2027, 1, 1), D("0.50"), street.pk, False),
            (date(2027, 3, 1), D("0.60"), community.pk, True)]
        assert [step.value for step in local_rules.schedule(street)["farmer"]] == [
            D("0.20"), D("0.50")]
        assert local_rules.schedule(community)["rounding"][0].shown == "四舍五入到分"
        # Cancelled before it begins; a change already begun cannot be.
        assert local_rules.change_cancel(node=community, rule="farmer",
                                         from_month=date(2027, 3, 1))
        assert [step.value for step in local_rules.schedule(community)["farmer"]] == [
            D("0.20"), D("0.50")]
    with at(date(2027, 1, 10)):
        assert not local_rules.change_cancel(node=street, rule="farmer",
                                             from_month=date(2027, 1, 1))
        assert local_rules.schedule(community)["farmer"][0].value == D("0.50")
    assert DuesRate.objects.filter(node=street).exists()


def test_a_change_is_refused_while_members_have_paid_the_months_it_would_reprice(tree):
    street, community, branch = tree
    with at(TODAY):
        farmer = _farmer_prepaid(branch)   # 预交: December to May paid in advance
        with pytest.raises(ValidationError) as error:
            local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                                 from_month=date(2027, 1, 1))
        message = str(error.value.error_dict["from_month"])
        assert "1 名党员" in message and "2027-05" in message and "2027-06" in message
        assert "作废原记录" in message
        assert not DuesRate.objects.filter(node=street).exists()
        # The rounding prices no farmer's month; after the months paid, the change is taken.
        local_rules.rule_set(node=street, rule="rounding", value=D("0.10"),
                             from_month=date(2027, 1, 1))
        local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                             from_month=date(2027, 6, 1))
        dues = ledger.load_one(farmer)
        assert [dues.due(date(2027, month, 1)) for month in (5, 6)] == [D("0.20"), D("1.00")]
        # Once the prepayment is voided, an earlier month may be chosen again.
        services.correction_record(payment=DuesPayment.objects.get(member=farmer),
                                   reason="退回预交", voids=True)
        local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                             from_month=date(2027, 1, 1))


def test_a_tenfold_percentage_reads_as_a_number():
    assert rates.describe_tiers([rates.Tier(None, D("10.00"), None)]) == "10%"


def _farmer_prepaid(branch, amount=D("1.20")):
    farmer = MemberFactory(branch=branch, joined_on=date(2000, 7, 1))
    services.base_set(member=farmer, from_month=date(2026, 12, 1), category="farmer")
    services.payment_record(member=farmer, first_month=date(2026, 12, 1),
                            last_month=date(2027, 5, 1), amount=amount, way="cash", paid_on=TODAY)
    return farmer


def test_cancelling_a_change_is_refused_as_setting_it_would_be(tree):
    _street, community, branch = tree
    with at(TODAY):
        local_rules.rule_set(node=community, rule="farmer", value=D("0.50"),
                             from_month=date(2027, 1, 1))
        farmer = _farmer_prepaid(branch, amount=D("2.70"))   # December 0.20, then 0.50
        with pytest.raises(ValidationError):
            local_rules.change_cancel(node=community, rule="farmer", from_month=date(2027, 1, 1))
        assert ledger.load_one(farmer).due(date(2027, 5, 1)) == D("0.50")
        assert DuesRate.objects.filter(node=community).exists()


def test_only_months_the_change_reprices_count(tree):
    street, community, branch = tree
    with at(TODAY):
        # Once a farmer, employed since 2020: the farmer amount prices none of their months.
        employed = MemberFactory(branch=branch, joined_on=date(2000, 7, 1))
        services.base_set(member=employed, from_month=date(2010, 1, 1), category="farmer")
        services.base_set(member=employed, from_month=date(2020, 1, 1), category="employed",
                          income=D("2000.00"))
        services.payment_record(member=employed, first_month=date(2026, 12, 1),
                                last_month=date(2027, 5, 1), amount=D("60.00"), way="cash",
                                paid_on=TODAY)
        # Gone before the months paid: they owe nothing then.
        left = _farmer_prepaid(branch)
        member_services.member_leave(member=left, left_on=date(2026, 12, 5),
                                     reason=Member.LeaveReason.TRANSFERRED_OUT)
        # Under the community's own amount, which the street's change does not reach.
        other_branch = BranchFactory(parent=CommunityFactory(parent=street))
        DuesRate.objects.create(node=other_branch.parent, category="farmer",
                                fixed_amount=D("0.50"))
        kept = _farmer_prepaid(other_branch, amount=D("3.00"))
        local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                             from_month=date(2027, 1, 1))
        assert ledger.load_one(kept).due(date(2027, 1, 1)) == D("0.50")


def test_a_member_moved_keeps_the_amounts_of_the_months_owed_in_the_branch_left(tree):
    """Dues are paid up to the month of the transfer where the member leaves from (交至转出
    当月): those months keep the amount of the branch left, later ones take the new branch's."""
    _street, community, branch = tree
    DuesRate.objects.create(node=community, category="farmer", fixed_amount=D("0.50"))
    elsewhere = BranchFactory(parent=CommunityFactory(parent=StreetFactory()))
    third = BranchFactory(parent=CommunityFactory(parent=StreetFactory()))
    DuesRate.objects.create(node=third.parent, category="farmer", fixed_amount=D("0.80"))
    with at(TODAY):
        farmer = MemberFactory(branch=branch, joined_on=date(2000, 7, 1))
        services.base_set(member=farmer, from_month=date(2026, 6, 1), category="farmer")
        member_services.member_transfer(member=farmer, to_branch=elsewhere,
                                        transferred_on=date(2026, 9, 14))
        member_services.member_transfer(member=farmer, to_branch=third,
                                        transferred_on=date(2026, 11, 2))
        dues = ledger.load_one(Member.objects.select_related("branch").get(pk=farmer.pk))
        assert [dues.due(date(2026, month, 1)) for month in range(6, 13)] == [
            D("0.50"), D("0.50"), D("0.50"), D("0.50"),  # June to September: the first branch
            D("0.20"), D("0.20"),                        # October, November: the default
            D("0.80")]                                   # December: where the member is now


def test_a_district_change_reaches_the_members_of_its_streets():
    district = DistrictFactory()
    branch = BranchFactory(parent=CommunityFactory(parent=StreetFactory(parent=district)))
    with at(TODAY):
        _farmer_prepaid(branch)
        with pytest.raises(ValidationError):
            local_rules.rule_set(node=district, rule="farmer", value=D("1.00"),
                                 from_month=date(2027, 1, 1))
        assert not DuesRate.objects.filter(node=district).exists()


def _rate_form(node, from_month, amount):
    return {"node": node.pk if node else "", "category": "farmer",
            "from_month": from_month.isoformat() if from_month else "", "up_to": "",
            "percent": "", "fixed_amount": amount}


def _admin(client):
    """A superuser's client, logged in on the day of the test (a session from the suite's own
    day would have expired by then)."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_the_admin_refuses_a_rate_row_that_reprices_a_month_paid_in_advance(tree, client):
    street, _community, branch = tree
    add = reverse("admin:dues_duesrate_add")
    with at(TODAY):
        admin_client = _admin(client)
        farmer = _farmer_prepaid(branch)   # December to May paid in advance
        response = admin_client.post(add, _rate_form(street, date(2027, 1, 1), "1.00"))
        assert response.status_code == 200
        assert "1 名党员预交的月份（最晚交到 2027-05）" in response.content.decode()
        assert not DuesRate.objects.filter(node=street).exists()
        response = admin_client.post(add, _rate_form(street, date(2027, 6, 1), "1.00"))
        assert response.status_code == 302
        row = DuesRate.objects.get(node=street)
        # Edited in place to an earlier month, or the default row edited: refused, kept.
        change = reverse("admin:dues_duesrate_change", args=[row.pk])
        response = admin_client.post(change, _rate_form(street, date(2027, 2, 1), "1.00"))
        assert "最晚交到 2027-05" in response.content.decode()
        defaults.ensure_defaults(django_apps)  # a transaction=True test may have flushed them
        default = DuesRate.objects.get(node=None, category="farmer")
        response = admin_client.post(reverse("admin:dues_duesrate_change", args=[default.pk]),
                                     _rate_form(None, default.from_month, "0.50"))
        assert "最晚交到 2027-05" in response.content.decode()
        assert DuesRate.objects.get(pk=default.pk).fixed_amount == default.fixed_amount
        assert DuesRate.objects.get(pk=row.pk).from_month == date(2027, 6, 1)
        dues = ledger.load_one(farmer)
        assert [dues.due(date(2027, month, 1)) for month in (5, 6)] == [D("0.20"), D("1.00")]


def test_the_admin_refuses_to_delete_a_rate_row_that_priced_months_paid_in_advance(
        tree, client):
    street, _community, branch = tree
    with at(TODAY):
        admin_client = _admin(client)
        row = DuesRate.objects.create(node=street, category="farmer", fixed_amount=D("0.50"),
                                      from_month=date(2026, 12, 1))
        _farmer_prepaid(branch, amount=D("3.00"))
        delete = reverse("admin:dues_duesrate_delete", args=[row.pk])
        response = admin_client.post(delete, {"post": "yes"}, follow=True)
        assert "1 名党员预交的月份" in response.content.decode()
        assert DuesRate.objects.filter(pk=row.pk).exists()
        changelist = admin_client.get(reverse("admin:dues_duesrate_changelist"))
        assert "delete_selected" not in changelist.content.decode()
        # A row that prices no month paid is deleted as before.
        spare = DuesRounding.objects.create(node=street, unit=D("0.10"),
                                            from_month=date(2027, 9, 1))
        admin_client.post(reverse("admin:dues_duesrounding_delete", args=[spare.pk]),
                          {"post": "yes"})
        assert not DuesRounding.objects.filter(pk=spare.pk).exists()
