from datetime import timedelta
from decimal import Decimal

from members.models import Member
from pairing import selectors
from pairing.models import Agreement, Contribution, Unit
from portal import demo


def _seed():
    return demo.seed(demo.DemoContext(communities=7, members_per_community=40,
                                      log=lambda text: None))


def test_demo_has_the_source_material_and_is_idempotent(db):
    context = _seed()
    counts = {name: Unit.objects.filter(communities__name__startswith=name).count()
              for name in ("军民路社区", "兰新社区", "胜利社区")}
    assert counts == {"军民路社区": 11, "兰新社区": 20, "胜利社区": 13}
    year = context.today.year
    totals = selectors.totals(Contribution.objects.filter(given_on__year=year))
    assert totals["money_total"] == Decimal(5000)
    assert totals["volunteers_total"] == Decimal(80)
    assert totals["investment_total"] == Decimal(200000)
    assert Agreement.objects.expiring_between(context.today,
                                              context.today + timedelta(days=365)).exists()
    registered = Member.objects.filter(employer_unit__isnull=False).count()
    assert registered > 0
    before = (Unit.objects.count(), Contribution.objects.count(), registered)
    _seed()
    assert (Unit.objects.count(), Contribution.objects.count(),
            Member.objects.filter(employer_unit__isnull=False).count()) == before
