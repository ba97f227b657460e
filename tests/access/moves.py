"""Moving members (members/moves.py): lists for every grant, scoped inside; writes for the
keepers of the member's branch."""
from datetime import timedelta

from django.utils import timezone

from tests.access import BRANCH_WRITE, Entry, expect

ANY_GRANT = expect(staff_other=200, official_other=200)
ANY_WRITER = expect(staff_other=200, official=404)
BRANCH_WRITE_POST = expect(secretary=302, staff=302, official=404)

member = lambda world: {"pk": world.member.pk}  # noqa: E731


def _days_ago(days):
    # Relative to the suite's clock: the forms refuse dates in the future at any moment.
    return timezone.localdate() - timedelta(days=days)


def _letter_out(world):
    """A B1 member's letter out awaiting its receipt, reset before each role."""
    from members.factories import MemberFactory
    from members.models import TransferOut

    if "letter_out" not in world.extra:
        moved = MemberFactory(branch=world.branch)
        world.extra["letter_out"] = TransferOut.objects.create(
            member=moved, from_branch=world.branch, letter_number="001", destination="外地",
            sent_on=_days_ago(48))
    TransferOut.objects.filter(pk=world.extra["letter_out"].pk).update(receipt_on=None)


def _stay(world):
    """A B1 member away (流动党员), back on the current stay before each role."""
    from members.factories import MemberFactory
    from members.models import Member, MobileStay

    if "stay" not in world.extra:
        world.extra["stay"] = MobileStay.objects.create(
            member=MemberFactory(branch=world.branch, category=Member.Category.MOBILE),
            destination="苏州", contact="139", certificate_number="LD-1",
            host_organization="苏州某支部", started_on=_days_ago(170),
            previous_category=Member.Category.RETIRED)
    MobileStay.objects.filter(pk=world.extra["stay"].pk).update(ended_on=None)


letter = lambda world: {"pk": world.extra["letter_out"].pk}  # noqa: E731
stay = lambda world: {"pk": world.extra["stay"].pk}  # noqa: E731

ENTRIES = [
    Entry("members:transfer_out_list", expect=ANY_GRANT),
    Entry("members:transfer_out_create", member, expect=BRANCH_WRITE),
    Entry("members:transfer_out_receipt", letter, setup=_letter_out, expect=BRANCH_WRITE),
    Entry("members:transfer_out_receipt", letter, setup=_letter_out, method="post",
          data=lambda w: {"receipt_on": _days_ago(17).isoformat()}, expect=BRANCH_WRITE_POST),
    Entry("members:transfer_in_list", expect=ANY_GRANT),
    Entry("members:transfer_in_create", expect=ANY_WRITER),
    Entry("members:mobile_list", expect=ANY_GRANT),
    Entry("members:mobile_start", member, expect=BRANCH_WRITE),
    Entry("members:mobile_end", stay, setup=_stay, expect=BRANCH_WRITE),
    Entry("members:lost_list", expect=ANY_GRANT),
    Entry("members:contact_create", member, expect=BRANCH_WRITE),
    Entry("members:contact_create", member, method="post",
          data=lambda w: {"contacted_on": _days_ago(17).isoformat(), "way": "电话"},
          expect=BRANCH_WRITE_POST),
]
