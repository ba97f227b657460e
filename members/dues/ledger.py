"""Each member's dues month by month, computed from the records: the base in effect, the
approved exception, the entries that settle a month. Loaded for many members at once in a
fixed number of queries (members, bases, exceptions, transfers, payments, the rate book)."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.dates import first_of_month_after
from members.dues import rates
from members.dues.models import DuesBase, DuesException, DuesPayment
from members.models import Transfer

ZERO = Decimal("0.00")
# 党章 art. 9: a member who, without good reason, has not paid for six months in a row is
# deemed to have left; the portal lists them for the branch, which decides.
LONG_ARREARS_MONTHS = 6


def month_of(day):
    return day.replace(day=1)


def months_between(first, last):
    """First days of the months from `first` to `last`, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = first_of_month_after(month, 1)
    return months


@dataclass
class MemberDues:
    member: object
    book: rates.RateBook
    bases: list = field(default_factory=list)        # ascending by from_month
    exceptions: list = field(default_factory=list)
    payments: list = field(default_factory=list)     # every entry, corrections included
    voided: set = field(default_factory=set)
    # (month of the transfer, path of the branch left), ascending: the branches before this one.
    moves: list = field(default_factory=list)

    def base_for(self, month):
        found = None
        for base in self.bases:
            if base.from_month <= month:
                found = base
        return found

    def exception_for(self, month):
        return next((exc for exc in self.exceptions if exc.covers(month)), None)

    @property
    def start_month(self):
        """Dues are owed from the first base, never before the 支部大会 that admitted the member."""
        if not self.bases:
            return None
        return max(self.bases[0].from_month, month_of(self.member.joined_on))

    @property
    def end_month(self):
        return month_of(self.member.left_on) if self.member.left_on else None

    def path_for(self, month):
        """The path of the branch whose rules price `month`: the branch the member was in then,
        a branch left counting up to the month of the transfer (dues are paid up to the month
        the member leaves, 交至转出当月)."""
        for moved_in, path in self.moves:
            if month <= moved_in:
                return path
        return self.member.branch.path

    def amount_for(self, month):
        """(Amount, exception or None) owed for `month`, or None when nothing is owed."""
        start = self.start_month
        if start is None or month < start or (self.end_month and month > self.end_month):
            return None
        base = self.base_for(month)
        # The rates in force in that month: a change of standard reaches only later months.
        tiers, unit = self.book.for_path(self.path_for(month), month)
        computed = rates.monthly_amount(base.category, base.income, tiers, unit)
        exception = self.exception_for(month)
        if exception is not None:
            how = _("经批准减免：每月 %(amount)s 元（%(reason)s；标准 %(standard)s 元）") % {
                "amount": exception.amount, "reason": exception.reason,
                "standard": computed.value}
            return rates.Amount(exception.amount, how), exception
        return computed, None

    def next_change(self, month, horizon=12):
        """(month, Amount) of the first of the `horizon` months after `month` whose amount
        differs from `month`'s (a new standard, base or exception already recorded), or None:
        a member sees it coming."""
        current = self.amount_for(month)
        if current is None:
            return None
        for later in months_between(first_of_month_after(month, 1),
                                    first_of_month_after(month, horizon)):
            found = self.amount_for(later)
            if found is not None and found[0].value != current[0].value:
                return later, found[0]
        return None

    def due(self, month):
        found = self.amount_for(month)
        return found[0].value if found else ZERO

    def paid_months(self):
        months = set()
        for payment in self.payments:
            if payment.settles_months and payment.pk not in self.voided:
                months.update(months_between(payment.first_month, payment.last_month))
        return months

    def owed_months(self, until):
        """Months up to `until` (included) with something owed."""
        start = self.start_month
        if start is None:
            return []
        last = min(until, self.end_month) if self.end_month else until
        return [month for month in months_between(start, last) if self.due(month) > ZERO]

    def arrears(self, today=None):
        """Unpaid months that are over (the current month is still open to pay)."""
        today = today or timezone.localdate()
        last_over = first_of_month_after(today, -1)
        paid = self.paid_months()
        return [month for month in self.owed_months(last_over) if month not in paid]

    def paid_through(self):
        """The last month of the unbroken run of settled months from the start, or None."""
        start = self.start_month
        if start is None:
            return None
        paid, month, last = self.paid_months(), start, None
        while month in paid or (self.amount_for(month) and self.due(month) == ZERO
                                and month <= timezone.localdate()):
            last, month = month, first_of_month_after(month, 1)
        return last


def load(members):
    """{member id: MemberDues} for these members (Member objects with `branch` loaded)."""
    members = list(members)
    ids = [member.pk for member in members]
    book = rates.RateBook()
    found = {}
    for member in members:
        found[member.pk] = MemberDues(member, book)
    for base in DuesBase.objects.filter(member_id__in=ids).order_by("from_month"):
        found[base.member_id].bases.append(base)
    for exception in DuesException.objects.filter(member_id__in=ids).order_by("from_month"):
        found[exception.member_id].exceptions.append(exception)
    for member_id, on, path in (Transfer.objects.filter(member_id__in=ids)
                                .order_by("transferred_on", "pk")
                                .values_list("member_id", "transferred_on", "from_branch__path")):
        found[member_id].moves.append((month_of(on), path))
    for payment in DuesPayment.objects.filter(member_id__in=ids).order_by("paid_on", "pk"):
        dues = found[payment.member_id]
        dues.payments.append(payment)
        if payment.voids and payment.corrects_id:
            dues.voided.add(payment.corrects_id)
    return found


def load_one(member):
    return load([member])[member.pk]


@dataclass
class Totals:
    expected: Decimal = ZERO
    settled: Decimal = ZERO
    collected: Decimal = ZERO
    voluntary: Decimal = ZERO
    members_owing: int = 0

    @property
    def arrears(self):
        return self.expected - self.settled

    def add(self, other):
        self.expected += other.expected
        self.settled += other.settled
        self.collected += other.collected
        self.voluntary += other.voluntary
        self.members_owing += other.members_owing


def totals(dues_by_member, months, today=None):
    """Totals over `months` for these members: expected (owed for those months), settled (owed
    and paid), collected (entries dated in those months, 补缴 and corrections included),
    voluntary (自愿多交, apart), members owing (an over month unpaid)."""
    today = today or timezone.localdate()
    wanted = set(months)
    result = Totals()
    for dues in dues_by_member.values():
        paid = dues.paid_months()
        owing = False
        for month in months:
            due = dues.due(month)
            result.expected += due
            if month in paid:
                result.settled += due
            elif due > ZERO and month < month_of(today):
                owing = True
        result.members_owing += owing
        for payment in dues.payments:
            if month_of(payment.paid_on) in wanted:
                if payment.kind == DuesPayment.Kind.VOLUNTARY:
                    result.voluntary += payment.amount
                else:
                    result.collected += payment.amount
    return result
