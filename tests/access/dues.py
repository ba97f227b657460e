from tests.access import BRANCH_WRITE, COMMUNITY_READ, MEMBER_OWN, Entry, expect

branch = lambda world: {"pk": world.branch.pk}  # noqa: E731
member = lambda world: {"pk": world.member.pk}  # noqa: E731
WRITER_POST = expect(secretary=302, staff=302, official=404)


def _payment(world):
    """A payment of the B1 member, to correct."""
    from datetime import date
    from decimal import Decimal

    from members.dues.models import DuesBase, DuesPayment

    if "dues_payment" not in world.extra:
        DuesBase.objects.create(member=world.member, from_month=date(2026, 1, 1),
                                category="retired", income=Decimal("3000.00"))
        world.extra["dues_payment"] = DuesPayment.objects.create(
            member=world.member, branch=world.branch, kind="monthly",
            first_month=date(2026, 1, 1), last_month=date(2026, 1, 1), amount=Decimal("15.00"),
            way="cash", paid_on=date(2026, 1, 10))


ENTRIES = [
    Entry("dues:mine", expect=MEMBER_OWN),
    Entry("dues:ledger", branch),
    Entry("dues:arrears", branch),
    Entry("dues:ledger_export", branch),
    Entry("dues:base_new", branch, expect=BRANCH_WRITE),
    Entry("dues:payment_new", branch, expect=BRANCH_WRITE),
    Entry("dues:import_upload", branch, expect=BRANCH_WRITE),
    Entry("dues:import_confirm", branch, method="post", expect=WRITER_POST),
    Entry("dues:import_template", expect=expect(staff_other=200, official=404)),
    Entry("dues:month_close", branch, method="post", data=lambda w: {"month": "2026-10"},
          expect=WRITER_POST),
    Entry("dues:member", member),
    Entry("dues:exception_new", member, expect=BRANCH_WRITE),
    Entry("dues:correction_new", lambda w: {"pk": w.extra["dues_payment"].pk},
          setup=_payment, expect=BRANCH_WRITE),
    Entry("dues:report", branch),
    Entry("dues:report", lambda w: {"pk": w.community.pk}, expect=COMMUNITY_READ),
    Entry("dues:report", lambda w: {"pk": w.street.pk}, expect=expect(secretary=404, staff=404)),
]
