"""Demo dues for the demo secretary's branch: bases for every member (each tier met), payments
month by month and in one go, a 补缴, a voluntary extra, a voided entry with its correction, an
approved waiver, two members in arrears (one six months or more), a closed month. Idempotent:
a branch that has bases is left alone."""
from decimal import Decimal

from kernel.dates import first_of_month_after
from members.dues import ledger, services
from members.dues.models import DuesBase, DuesCategory, DuesPayment
from members.models import Member

INCOMES = [Decimal("2800.00"), Decimal("3000.00"), Decimal("4200.00"), Decimal("6500.00"),
           Decimal("12000.00")]
PENSIONS = [Decimal("3600.00"), Decimal("5000.00"), Decimal("5600.00")]


def seed(context):
    secretary = context.users.get("shuji")
    grant = secretary.grants.first() if secretary else None
    if grant is None or DuesBase.objects.filter(member__branch=grant.node).exists():
        return
    branch, today = grant.node, context.today
    this_month = ledger.month_of(today)
    start = first_of_month_after(today, -10)
    members = list(Member.objects.active().filter(branch=branch).select_related("branch")
                   .order_by("pk"))
    for index, member in enumerate(members):
        category = {"retired": DuesCategory.RETIRED, "student": DuesCategory.STUDENT}.get(
            member.category, DuesCategory.EMPLOYED)
        income = (PENSIONS[index % len(PENSIONS)] if category == DuesCategory.RETIRED
                  else INCOMES[index % len(INCOMES)] if category == DuesCategory.EMPLOYED
                  else None)
        services.base_set(member=member, from_month=max(start, ledger.month_of(member.joined_on)),
                          category=category, income=income, note="年度核定", by=secretary)
    # The longest-serving members owe: they owed every month since the start, so seven
    # unpaid months are the six-month list's case whatever the random joining dates.
    by_seniority = sorted(members, key=lambda member: member.joined_on)
    owing = {by_seniority[0].pk: 7, by_seniority[1].pk: 2} if len(members) > 5 else {}
    others = [member for member in members if member.pk not in owing]
    if len(others) > 1:
        services.exception_record(
            member=others[0], from_month=start, until_month=None, amount=Decimal("0.00"),
            reason="重病住院，家庭困难", decided_on=start, approved_by="兰新社区党委",
            approved_on=start, by=secretary)
    for index, member in enumerate(members):
        dues = ledger.load_one(member)
        owed = dues.owed_months(first_of_month_after(today, -1))
        owed = owed[:len(owed) - owing.get(member.pk, 0)]
        if not owed:
            continue
        if index % 3 == 0:  # in one go, at the start
            chunks = [owed]
        else:
            chunks = [[month] for month in owed]
        for chunk in chunks:
            paid_on = chunk[-1].replace(day=min(15, today.day)) if index % 5 else today
            services.payment_record(
                member=member, first_month=chunk[0], last_month=chunk[-1],
                amount=sum(dues.due(month) for month in chunk), way=DuesPayment.Way.CASH
                if index % 2 else DuesPayment.Way.TRANSFER, paid_on=min(paid_on, today),
                receipt_number=f"DF{chunk[0]:%Y%m}{index:03d}", by=secretary)
    if len(others) > 1:
        services.payment_record(member=others[1], first_month=today, last_month=None,
                                amount=Decimal("100.00"), way=DuesPayment.Way.TRANSFER,
                                paid_on=today, voluntary=True, by=secretary)
        wrong = DuesPayment.objects.filter(member=others[1],
                                           kind=DuesPayment.Kind.MONTHLY).first()
        if wrong:
            services.correction_record(payment=wrong, reason="收据号登记错误，作废后重新登记",
                                       voids=True, by=secretary)
            services.payment_record(
                member=others[1], first_month=wrong.first_month, last_month=wrong.last_month,
                amount=wrong.amount, way=wrong.way, paid_on=today,
                receipt_number=f"{wrong.receipt_number}R", by=secretary)
    services.month_close(branch=branch, month=first_of_month_after(this_month, -2),
                         by=secretary)
    context.log("党费：已核定基数并登记交纳记录")
