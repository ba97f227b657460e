"""The demo holds every state of the dues ledger, at any moment of the month, and seeding twice
adds nothing."""
import pytest
import time_machine

from members.dues import ledger
from members.dues.models import DuesException, DuesMonthClose, DuesPayment
from members.models import Member
from portal import demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("moment", ["2026-12-01 00:30:00+08:00", "2027-03-31 23:30:00+08:00"])
def test_the_demo_holds_every_dues_state(moment):
    with time_machine.travel(moment, tick=False):
        context = demo.DemoContext(communities=1, members_per_community=12,
                                   log=lambda text: None)
        demo.seed(context)
        kinds = set(DuesPayment.objects.values_list("kind", flat=True))
        assert kinds == {"monthly", "back", "voluntary", "correction"}
        assert DuesPayment.objects.filter(voids=True).exists()
        assert DuesMonthClose.objects.exists() and DuesException.objects.exists()
        branch = context.users["shuji"].grants.first().node
        dues = ledger.load(Member.objects.active().filter(branch=branch).select_related("branch"))
        runs = [len(member_dues.arrears()) for member_dues in dues.values()]
        assert max(runs) >= ledger.LONG_ARREARS_MONTHS and runs.count(0) >= 1
        count = DuesPayment.objects.count()
        demo.seed(demo.DemoContext(communities=1, members_per_community=12,
                                   log=lambda text: None))
        assert DuesPayment.objects.count() == count
