"""The yearly ledger as a 组织部 asks for it: one row per member, one column per month with the
amount paid for it, the base and the monthly amount, totals at the foot."""
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import xlsx
from members.dues import ledger
from members.dues.models import DuesPayment
from members.models import Member


def ledger_workbook(branch, year):
    members = Member.objects.active().filter(branch=branch).select_related("branch")
    dues = ledger.load(members)
    months = ledger.months_between(date(year, 1, 1), date(year, 12, 1))
    book = xlsx.workbook()
    sheet = book.active
    sheet.title = _("党费台账")
    sheet.append([_("%(branch)s %(year)s 年党费收缴台账") % {"branch": branch.name, "year": year}])
    sheet.append([_("姓名"), _("党费类别"), _("月计算基数（元）"), _("月交纳额（元）"),
                  *[_("%(month)d月") % {"month": month.month} for month in months],
                  _("全年应交"), _("全年已交"), _("欠交"), _("自愿多交")])
    today = timezone.localdate()
    grand = ledger.Totals()
    for member_dues in dues.values():
        base = member_dues.base_for(months[-1]) or member_dues.base_for(ledger.month_of(today))
        found = member_dues.amount_for(min(months[-1], ledger.month_of(today)))
        paid = member_dues.paid_months()
        cells = [member_dues.due(month) if month in paid else "" for month in months]
        totals = ledger.totals({0: member_dues}, months, today)
        grand.add(totals)
        sheet.append([
            member_dues.member.name, base.get_category_display() if base else "",
            base.income if base and base.income is not None else "",
            found[0].value if found else "", *cells,
            totals.expected, totals.settled, totals.arrears, totals.voluntary])
    sheet.append([_("合计"), "", "", "", *[""] * len(months), grand.expected, grand.settled,
                  grand.arrears, grand.voluntary])
    entries = book.create_sheet(_("交纳记录"))
    entries.append([_("交纳日期"), _("姓名"), _("类型"), _("所交月份"), _("金额（元）"),
                    _("交纳方式"), _("收据号"), _("更正原因"), _("登记人")])
    for payment in (DuesPayment.objects.filter(branch=branch, paid_on__year=year)
                    .select_related("member", "recorded_by").order_by("paid_on", "pk")):
        entries.append([payment.paid_on, payment.member.name, payment.get_kind_display(),
                        f"{payment.first_month:%Y-%m}–{payment.last_month:%Y-%m}",
                        payment.amount, payment.get_way_display(), payment.receipt_number,
                        payment.reason,
                        payment.recorded_by.get_username() if payment.recorded_by else ""])
    return xlsx.workbook_bytes(book)
