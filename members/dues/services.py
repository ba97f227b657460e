"""The writes of the dues ledger, each checking its rule and raising ValidationError (with the
field it concerns) before anything is saved."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from members import contact, contact_cache
from members.dues import ledger
from members.dues.models import (INCOME_CATEGORIES, DuesBase, DuesException, DuesMonthClose,
                                 DuesPayment)
from members.models import Member
from organizations.models import Node


def _check_month_open(branch, day, field="paid_on"):
    if DuesMonthClose.objects.filter(branch=branch, month=ledger.month_of(day)).exists():
        raise ValidationError({field: _("%(month)s 的党费账目已结账，不能再登记；"
                                        "请按当前月份登记。") % {"month": f"{day:%Y-%m}"}})


def base_set(*, member, from_month, category, income=None, note="", by=None):
    """核定 (or change) the member's base from `from_month` on; the same month set again replaces
    that month's base (a typing mistake before any payment was computed from it)."""
    from_month = ledger.month_of(from_month)
    if from_month < ledger.month_of(member.joined_on):
        raise ValidationError({"from_month": _("起始月份不能早于接收为预备党员的支部大会（%(day)s）。")
                               % {"day": member.joined_on}})
    if category in INCOME_CATEGORIES:
        if income is None:
            raise ValidationError({"income": _("在职和离退休党员须填写月计算基数。")})
        if income < 0:
            raise ValidationError({"income": _("基数不能为负数。")})
    else:
        income = None
    base, _created = DuesBase.objects.update_or_create(
        member=member, from_month=from_month,
        defaults={"category": category, "income": income, "note": note, "set_by": by})
    return base


def exception_record(*, member, from_month, until_month, amount, reason, decided_on,
                     approved_by, approved_on, by=None):
    from_month = ledger.month_of(from_month)
    until_month = ledger.month_of(until_month) if until_month else None
    if until_month and until_month < from_month:
        raise ValidationError({"until_month": _("截止月份不能早于起始月份。")})
    if amount < 0:
        raise ValidationError({"amount": _("金额不能为负数。")})
    if approved_on < decided_on:
        raise ValidationError({"approved_on": _("上级批准不能早于支部决定。")})
    return DuesException.objects.create(
        member=member, from_month=from_month, until_month=until_month, amount=amount,
        reason=reason, decided_on=decided_on, approved_by=approved_by, approved_on=approved_on,
        recorded_by=by)


@transaction.atomic
def payment_record(*, member, first_month, last_month, amount, way, paid_on,
                   receipt_number="", voluntary=False, by=None):
    """One entry of the ledger: months owed paid in one go (按月 or 补缴, told apart by the
    payment date), or a voluntary extra (自愿多交) kept apart from the months owed."""
    member = _hold(member.pk)
    today = timezone.localdate()
    if paid_on > today:
        raise ValidationError({"paid_on": _("交纳日期不能晚于今天。")})
    _check_month_open(member.branch, paid_on)
    if amount <= 0:
        raise ValidationError({"amount": _("金额须大于 0。")})
    if voluntary:
        return DuesPayment.objects.create(
            member=member, branch=member.branch, kind=DuesPayment.Kind.VOLUNTARY,
            first_month=ledger.month_of(paid_on), last_month=ledger.month_of(paid_on),
            amount=amount, way=way, receipt_number=receipt_number, paid_on=paid_on,
            recorded_by=by)
    if first_month is None:
        raise ValidationError({"first_month": _("请填写所交月份。")})
    first_month = ledger.month_of(first_month)
    last_month = ledger.month_of(last_month or first_month)
    if last_month < first_month:
        raise ValidationError({"last_month": _("截止月份不能早于起始月份。")})
    dues = ledger.load_one(member)
    months = ledger.months_between(first_month, last_month)
    if len(months) > 36:
        raise ValidationError({"last_month": _("一次最多登记 36 个月。")})
    paid = dues.paid_months()
    already = [f"{month:%Y-%m}" for month in months if month in paid]
    if already:
        raise ValidationError({"first_month": _("以下月份已交：%(months)s。") % {
            "months": "、".join(already)}})
    not_owed = [f"{month:%Y-%m}" for month in months if dues.amount_for(month) is None]
    if not_owed:
        raise ValidationError({"first_month": _("以下月份尚无核定基数或不在党籍期间："
                                                "%(months)s。") % {"months": "、".join(not_owed)}})
    expected = sum((dues.due(month) for month in months), Decimal("0.00"))
    if amount != expected:
        raise ValidationError({"amount": _("应交 %(expected)s 元（按核定基数计算）；多交部分请另登记为"
                                           "自愿多交。") % {"expected": expected}})
    kind = (DuesPayment.Kind.BACK if last_month < ledger.month_of(paid_on)
            else DuesPayment.Kind.MONTHLY)
    return DuesPayment.objects.create(
        member=member, branch=member.branch, kind=kind, first_month=first_month,
        last_month=last_month, amount=amount, way=way, receipt_number=receipt_number,
        paid_on=paid_on, recorded_by=by)


def _hold(member_id):
    """The member, read again and held until the entry commits. A second save of the same
    entry (a double click, two staff) waits for it, then finds its months paid or its entry
    voided. A change of the rates that price the member's months (`local_rules` locks the node
    it changes FOR UPDATE) waits for it, then finds the months paid in advance; an entry made
    while a change is being made waits for the change and is priced by it. The member's nodes
    are held FOR KEY SHARE, which Django does not ask: entries share them, and a node renamed or
    moved meanwhile is not waited for. SQLite, the embedded default, has no row locks: its
    second writer fails instead."""
    member = (Member.objects.select_for_update(no_key=True, of=("self",))
              .select_related("branch").get(pk=member_id))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT 1 FROM "{Node._meta.db_table}" WHERE "id" = ANY(%s) FOR KEY SHARE',
                [member.branch.ancestor_ids()])
    return member


@transaction.atomic
def correction_record(*, payment, reason, amount=Decimal("0.00"), voids=False, by=None):
    """A correction of an entry: a new entry dated today in an open month, with its reason.
    `voids` returns the corrected entry's months to unpaid (its amount is reversed)."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写更正原因。")})
    _hold(payment.member_id)
    if payment.kind == DuesPayment.Kind.CORRECTION:
        raise ValidationError(_("更正记录不能再更正；请更正原记录。"))
    if payment.corrections.filter(voids=True).exists():
        raise ValidationError(_("该记录已作废。"))
    if voids:
        amount = -payment.amount
    elif amount == 0:
        raise ValidationError({"amount": _("请填写更正金额（多记为负数，少记为正数），或选择作废。")})
    today = timezone.localdate()
    _check_month_open(payment.branch, today, field="reason")
    return DuesPayment.objects.create(
        member=payment.member, branch=payment.branch, kind=DuesPayment.Kind.CORRECTION,
        first_month=payment.first_month, last_month=payment.last_month, amount=amount,
        paid_on=today, corrects=payment, voids=voids, reason=reason.strip(), recorded_by=by)


def month_close(*, branch, month, by=None):
    month = ledger.month_of(month)
    if month > ledger.month_of(timezone.localdate()):
        raise ValidationError(_("不能结账未来的月份。"))
    closing, created = DuesMonthClose.objects.get_or_create(
        branch=branch, month=month, defaults={"closed_by": by})
    if not created:
        raise ValidationError(_("该月已结账。"))
    return closing


def last_dues_payment(member):
    """The day of the member's last payment (not a correction, not voided), or None: a sign of
    contact for the pages that look for members out of touch."""
    return last_dues_payments([member.pk]).get(member.pk)


def last_dues_payments(member_ids):
    """{member id: day of the last payment} for many members in one query (corrections and
    voided entries aside)."""
    return _last_payments(_payments().filter(member_id__in=member_ids))


def _payments():
    """The entries that are payments: neither corrections nor voided by one."""
    voided = DuesPayment.objects.filter(voids=True).values("corrects_id")
    return DuesPayment.objects.exclude(kind=DuesPayment.Kind.CORRECTION).exclude(pk__in=voided)


def _last_payments(payments):
    return dict(payments.values("member_id").annotate(last=Max("paid_on"))
                .values_list("member_id", "last"))


@contact.source(contact.DUES)
def payments_as_contact(members, until, since=None):
    """A payment is contact with the branch: the 失联 list counts it (members/contact.py)."""
    payments = _payments().filter(member__in=members.values("pk"), paid_on__lte=until)
    if since is not None:
        payments = payments.filter(paid_on__gte=since)
    return _last_payments(payments)


contact_cache.listen(DuesPayment, ["member", "paid_on", "kind", "voids", "corrects"])
