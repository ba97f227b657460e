"""Two writes of the dues ledger at the same moment, on PostgreSQL (SQLite has no row locks: its
second writer fails instead). One transaction is held open after its write while the other
runs in a second thread with its own connection: without the locks the second would read the
ledger as it was before the first and write beside it."""
import threading
import time
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from members.dues import ledger, local_rules, services
from members.dues.models import DuesPayment, DuesRate
from members.factories import MemberFactory
from organizations.factories import BranchFactory, CommunityFactory, StreetFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]
TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    """In every thread: the clock is the process's."""
    with time_machine.travel(datetime(2026, 11, 18, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def _farmer():
    street = StreetFactory()
    branch = BranchFactory(parent=CommunityFactory(parent=street))
    farmer = MemberFactory(branch=branch, joined_on=date(2000, 7, 1))
    services.base_set(member=farmer, from_month=date(2026, 11, 1), category="farmer")
    return street, farmer


def _prepay(farmer):
    """December to May in advance, at the 农民党员 standard of 0.20 a month."""
    return services.payment_record(member=farmer, first_month=date(2026, 12, 1),
                                   last_month=date(2027, 5, 1), amount=D("1.20"), way="cash",
                                   paid_on=TODAY)


def _someone_waits():
    with connection.cursor() as cursor:
        # In this test database only: another worker's wait (xdist) is not this test's.
        cursor.execute("SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) "
                       "WHERE NOT granted AND datname = current_database()")
        return cursor.fetchone()[0] > 0


def _while_held_open(first, second):
    """Runs `first` in a transaction kept open until `second`, in another thread, has ended or
    waits for a lock; returns what `second` returned or raised."""
    written, done, outcome = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                first()
                written.set()
                done.wait(timeout=10)
        finally:
            written.set()
            connections.close_all()

    def race():
        try:
            outcome["value"] = second()
        except Exception as error:
            outcome["error"] = error
        finally:
            done.set()
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert written.wait(timeout=10)
    racer = threading.Thread(target=race)
    racer.start()
    # The first commits once the second has ended, or waits for one of its locks.
    deadline = time.monotonic() + 10
    while not done.is_set() and not _someone_waits() and time.monotonic() < deadline:
        time.sleep(0.02)
    done.set()
    holder.join(timeout=10)
    racer.join(timeout=10)
    return outcome


def test_the_same_payment_saved_twice_at_once_is_recorded_once():
    _street, farmer = _farmer()
    outcome = _while_held_open(lambda: _prepay(farmer), lambda: _prepay(farmer))
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert "以下月份已交" in str(outcome["error"])
    assert DuesPayment.objects.filter(member=farmer).count() == 1


def test_a_rate_change_made_while_a_prepayment_is_saved_waits_and_is_refused():
    street, farmer = _farmer()

    def raise_the_standard():
        return local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                                    from_month=date(2027, 1, 1), today=TODAY)

    outcome = _while_held_open(lambda: _prepay(farmer), raise_the_standard)
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert "预交" in str(outcome["error"])
    assert not DuesRate.objects.filter(node=street).exists()
    dues = ledger.load_one(farmer)
    assert {dues.due(date(2027, month, 1)) for month in range(1, 6)} == {D("0.20")}


def test_a_prepayment_saved_while_a_rate_change_is_made_is_priced_by_it():
    street, farmer = _farmer()

    def raise_the_standard():
        local_rules.rule_set(node=street, rule="farmer", value=D("1.00"),
                             from_month=date(2027, 1, 1), today=TODAY)

    outcome = _while_held_open(raise_the_standard, lambda: _prepay(farmer))
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert "应交 5.20 元" in str(outcome["error"])  # December at 0.20, then 1.00 a month
    assert not DuesPayment.objects.filter(member=farmer).exists()


def test_the_same_payment_voided_twice_at_once_is_voided_once():
    _street, farmer = _farmer()
    payment = _prepay(farmer)

    def void():
        return services.correction_record(payment=DuesPayment.objects.get(pk=payment.pk),
                                          reason="退回预交", voids=True)

    outcome = _while_held_open(void, void)
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert "该记录已作废" in str(outcome["error"])
    assert DuesPayment.objects.filter(corrects=payment).count() == 1
