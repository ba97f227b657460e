"""党费 rules: the rate tiers at their bounds, rounding, overrides per node, exceptions, the
probationary start, closed months and corrections, arrears on a constructed calendar."""
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members.dues import ledger, rates, services
from members.dues.models import DuesPayment, DuesRate, DuesRounding
from members.factories import MemberFactory
from organizations.factories import BranchFactory, CommunityFactory, StreetFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def amount(category, income, path="/"):
    tiers, unit = rates.RateBook().for_path(path)
    return rates.monthly_amount(category, D(income) if income is not None else None, tiers,
                                unit).value


@pytest.mark.parametrize("income, expected", [
    ("0.00", "0.00"),
    ("2999.99", "15.00"),
    ("3000.00", "15.00"),      # 0.5 % up to and including 3,000
    ("3000.01", "30.00"),      # 1 % of the whole income above 3,000
    ("5000.00", "50.00"),
    ("5000.01", "75.00"),      # 1.5 %
    ("10000.00", "150.00"),
    ("10000.01", "200.00"),    # 2 %
    ("4321.55", "43.22"),      # half up to the fen
])
def test_employed_tiers_at_their_bounds(income, expected):
    assert amount("employed", income) == D(expected)


@pytest.mark.parametrize("pension, expected", [
    ("5000.00", "25.00"), ("5000.01", "50.00"), ("3600.00", "18.00")])
def test_retired_tiers(pension, expected):
    assert amount("retired", pension) == D(expected)


@pytest.mark.parametrize("category", ["student", "unemployed", "relief", "farmer"])
def test_fixed_amounts(category):
    assert amount(category, None) == D("0.20")


def test_the_how_names_the_tier_and_the_whole_income():
    tiers, unit = rates.RateBook().for_path("/")
    how = rates.monthly_amount("employed", D("4200.00"), tiers, unit).how
    assert "4200.00" in how and "1%" in how and "42.00" in how


def test_a_node_override_replaces_the_category_and_its_rounding():
    street = StreetFactory()
    community = CommunityFactory(parent=street)
    DuesRate.objects.create(node=street, category="farmer", fixed_amount=D("0.50"))
    DuesRounding.objects.create(node=community, unit=D("0.10"))
    assert amount("farmer", None, community.path) == D("0.50")
    assert amount("farmer", None, "/999/") == D("0.20")
    assert amount("employed", "4321.55", community.path) == D("43.20")   # to the jiao
    # A community's own employed tiers replace the default ones as a whole.
    DuesRate.objects.create(node=community, category="employed", percent=D("1.0"))
    assert amount("employed", "12000.00", community.path) == D("120.00")


def test_a_farmer_rate_outside_the_standard_is_refused():
    with pytest.raises(ValidationError):
        DuesRate(category="farmer", fixed_amount=D("1.50")).full_clean()


def _member(**kwargs):
    kwargs.setdefault("joined_on", date(2000, 7, 1))
    return MemberFactory(**kwargs)


def test_probationary_members_owe_from_the_meeting_that_admitted_them():
    with at(2026, 11, 18):
        member = _member(joined_on=date(2026, 6, 20), status="probationary")
        with pytest.raises(ValidationError) as error:
            services.base_set(member=member, from_month=date(2026, 5, 1), category="employed",
                              income=D("4000"))
        assert "from_month" in error.value.error_dict
        services.base_set(member=member, from_month=date(2026, 6, 1), category="employed",
                          income=D("4000"))
        dues = ledger.load_one(member)
        assert dues.amount_for(date(2026, 5, 1)) is None
        assert dues.arrears() == [date(2026, month, 1) for month in range(6, 11)]


def test_income_change_applies_from_its_month_and_arrears_over_a_calendar():
    with at(2026, 3, 5):
        member = _member(category="employed")
        services.base_set(member=member, from_month=date(2026, 1, 1), category="employed",
                          income=D("3000.00"))
        services.base_set(member=member, from_month=date(2026, 3, 1), category="employed",
                          income=D("3000.01"))
        dues = ledger.load_one(member)
        assert dues.due(date(2026, 2, 1)) == D("15.00")
        assert dues.due(date(2026, 3, 1)) == D("30.00")
        # March is still open: January and February are over and unpaid.
        assert dues.arrears() == [date(2026, 1, 1), date(2026, 2, 1)]
        services.payment_record(member=member, first_month=date(2026, 1, 1),
                                last_month=date(2026, 2, 1), amount=D("30.00"), way="cash",
                                paid_on=date(2026, 3, 5))
        assert ledger.load_one(member).arrears() == []
        assert ledger.load_one(member).paid_through() == date(2026, 2, 1)
    with at(2026, 9, 1):
        # Six months later nothing more was paid: March to August are owed.
        assert len(ledger.load_one(member).arrears()) == 6


def test_amount_must_match_and_months_cannot_be_paid_twice():
    with at(2026, 11, 18):
        member = _member(category="retired")
        services.base_set(member=member, from_month=date(2026, 1, 1), category="retired",
                          income=D("5600.00"))
        with pytest.raises(ValidationError) as error:
            services.payment_record(member=member, first_month=date(2026, 11, 1), last_month=None,
                                    amount=D("50.00"), way="cash", paid_on=date(2026, 11, 18))
        assert "56.00" in str(error.value.error_dict["amount"])
        services.payment_record(member=member, first_month=date(2026, 11, 1), last_month=None,
                                amount=D("56.00"), way="cash", paid_on=date(2026, 11, 18))
        with pytest.raises(ValidationError) as error:
            services.payment_record(member=member, first_month=date(2026, 10, 1),
                                    last_month=date(2026, 11, 1), amount=D("112.00"),
                                    way="cash", paid_on=date(2026, 11, 18))
        assert "2026-11" in str(error.value.error_dict["first_month"])
        assert DuesPayment.objects.count() == 1


def test_back_payments_and_voluntary_extra_are_told_apart():
    with at(2026, 11, 18):
        member = _member()
        services.base_set(member=member, from_month=date(2026, 9, 1), category="student")
        back = services.payment_record(member=member, first_month=date(2026, 9, 1),
                                       last_month=date(2026, 10, 1), amount=D("0.40"),
                                       way="cash", paid_on=date(2026, 11, 2))
        extra = services.payment_record(member=member, first_month=None, last_month=None,
                                        amount=D("50.00"), way="transfer",
                                        paid_on=date(2026, 11, 2), voluntary=True)
        assert back.kind == DuesPayment.Kind.BACK and extra.kind == DuesPayment.Kind.VOLUNTARY
        totals = ledger.totals(ledger.load([member]), [date(2026, 11, 1)])
        assert totals.collected == D("0.40") and totals.voluntary == D("50.00")
        assert ledger.load_one(member).arrears() == []


def test_a_closed_month_never_changes_and_corrections_are_new_entries():
    with at(2026, 10, 20):
        member = _member()
        services.base_set(member=member, from_month=date(2026, 10, 1), category="employed",
                          income=D("6000.00"))
        payment = services.payment_record(member=member, first_month=date(2026, 10, 1),
                                          last_month=None, amount=D("90.00"), way="cash",
                                          paid_on=date(2026, 10, 20), receipt_number="A1")
        services.month_close(branch=member.branch, month=date(2026, 10, 1))
        with pytest.raises(ValidationError):
            services.month_close(branch=member.branch, month=date(2026, 10, 1))
        payment.receipt_number = "A2"
        with pytest.raises(ValidationError):
            payment.save()
        with pytest.raises(ValidationError):
            payment.delete()
        with pytest.raises(ValidationError) as error:
            services.payment_record(member=member, first_month=date(2026, 9, 1), last_month=None,
                                    amount=D("90.00"), way="cash", paid_on=date(2026, 10, 21))
        assert "paid_on" in error.value.error_dict
    with at(2026, 11, 3):
        with pytest.raises(ValidationError) as error:
            services.correction_record(payment=payment, reason="  ")
        assert "reason" in error.value.error_dict
        correction = services.correction_record(payment=payment, reason="收据号写错", voids=True)
        assert correction.amount == D("-90.00") and correction.paid_on == date(2026, 11, 3)
        assert DuesPayment.objects.get(pk=payment.pk).receipt_number == "A1"
        assert ledger.load_one(member).arrears() == [date(2026, 10, 1)]
        with pytest.raises(ValidationError):
            services.correction_record(payment=payment, reason="再次作废", voids=True)
        services.payment_record(member=member, first_month=date(2026, 10, 1), last_month=None,
                                amount=D("90.00"), way="cash", paid_on=date(2026, 11, 3),
                                receipt_number="A2")
        assert ledger.load_one(member).arrears() == []
        assert services.last_dues_payment(member) == date(2026, 11, 3)


def test_an_approved_waiver_owes_nothing_and_shows_why():
    with at(2026, 11, 18):
        member = _member()
        services.base_set(member=member, from_month=date(2026, 1, 1), category="employed",
                          income=D("4000.00"))
        with pytest.raises(ValidationError) as error:
            services.exception_record(member=member, from_month=date(2026, 6, 1),
                                      until_month=None, amount=D("0"), reason="重病",
                                      decided_on=date(2026, 6, 1), approved_by="社区党委",
                                      approved_on=date(2026, 5, 1))
        assert "approved_on" in error.value.error_dict
        services.exception_record(member=member, from_month=date(2026, 6, 1),
                                  until_month=date(2026, 12, 1), amount=D("0"), reason="重病",
                                  decided_on=date(2026, 6, 1), approved_by="社区党委",
                                  approved_on=date(2026, 6, 10))
        dues = ledger.load_one(member)
        assert dues.arrears() == [date(2026, month, 1) for month in range(1, 6)]
        found, exception = dues.amount_for(date(2026, 7, 1))
        assert found.value == D("0") and "重病" in found.how and exception is not None


def test_last_dues_payments_in_one_query(django_assert_num_queries):
    with at(2026, 11, 18):
        member, other = _member(), _member()
        services.base_set(member=member, from_month=date(2026, 11, 1), category="student")
        services.payment_record(member=member, first_month=date(2026, 11, 1), last_month=None,
                                amount=D("0.20"), way="cash", paid_on=date(2026, 11, 10))
        with django_assert_num_queries(1):
            assert services.last_dues_payments([member.pk, other.pk]) == {
                member.pk: date(2026, 11, 10)}
        assert services.last_dues_payment(other) is None


def test_reports_add_up_per_community():
    with at(2026, 11, 18):
        community = CommunityFactory()
        first, second = BranchFactory(parent=community), BranchFactory(parent=community)
        a, b = _member(branch=first), _member(branch=second)
        for member in (a, b):
            services.base_set(member=member, from_month=date(2026, 10, 1), category="employed",
                              income=D("2000.00"))
        services.payment_record(member=a, first_month=date(2026, 10, 1), last_month=None,
                                amount=D("10.00"), way="cash", paid_on=date(2026, 11, 1))
        from members.dues import reports
        figures = reports.collection(community, 2026, date(2026, 10, 1), date(2026, 11, 18))
        assert figures["total_month"].expected == D("20.00")
        assert figures["total_month"].settled == D("10.00")
        assert figures["total_month"].arrears == D("10.00")
        assert figures["total_year"].expected == D("40.00")
        assert {row["node_id"] for row in figures["rows"]} == {first.pk, second.pk}


def test_long_arrears_are_runs_of_six_months():
    from members.dues.reports import longest_run
    months = [date(2026, m, 1) for m in (1, 2, 3, 5, 6, 7, 8, 9, 10)]
    assert longest_run(months) == 6
    assert longest_run(months[:5]) == 3
