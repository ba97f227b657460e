"""Import of the existing paper or Excel ledger: each member's base and the month paid through,
read from an xlsx, previewed with the errors of each row, then written. The months up to the
paid-through month are recorded as one opening entry (期初, amount 0: the money was collected
before the portal), so arrears count from the month after."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import xlsx
from kernel.normalize import normalize_id_number, normalize_text
from kernel.request_params import parse_month
from members.dues import ledger, services
from members.dues.models import INCOME_CATEGORIES, DuesCategory, DuesPayment
from members.models import Member
from members.xlsx_rows import UnreadableWorkbook, iter_rows

IMPORT_MAX_BYTES = 20 * 1024 * 1024
HEADERS = ["身份证号", "姓名", "党费类别", "月计算基数", "起始月份", "已缴至月份"]
# The words ledgers use for the categories (the template's column takes these).
CATEGORY_BY_LABEL = {"在职": "employed", "离退休": "retired", "退休": "retired", "农民": "farmer",
                     "学生": "student", "下岗失业": "unemployed", "失业": "unemployed",
                     "低保": "relief", "救济": "relief", "抚恤": "relief"}


class ImportFileError(Exception):
    pass


@dataclass
class Row:
    number: int
    name: str = ""
    errors: list = field(default_factory=list)
    member_id: int | None = None
    category: str = ""
    income: str | None = None
    from_month: str = ""
    paid_through: str | None = None

    @property
    def category_label(self):
        return DuesCategory(self.category).label if self.category else ""


def template_workbook():
    book = xlsx.workbook()
    book.active.append(HEADERS)
    book.active.append(["110101198001010011", "张三", "在职", "4800.00", "2026-01", "2026-10"])
    return xlsx.workbook_bytes(book)


def _month(value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    text = normalize_text(str(value or "")).replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "")
    return parse_month(text)


def preview(upload, branch):
    if upload.size == 0 or upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(_("文件为空或超过 20 MB。"))
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise ImportFileError(_("这不是 Excel（.xlsx）文件。"))
    try:
        raw = list(iter_rows(upload))
    except UnreadableWorkbook:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认文件未损坏。"))
    if not raw or [normalize_text(str(v or "")) for v in raw[0][1][:6]] != HEADERS:
        raise ImportFileError(_("第一行须为模板的表头：%(headers)s。") % {
            "headers": "、".join(HEADERS)})
    members = {member.id_number: member for member in
               Member.objects.active().filter(branch=branch)}
    rows, seen = [], set()
    for number, values in raw[1:]:
        values = [*values, *[None] * 6][:6]
        if all(value in (None, "") for value in values):
            continue
        rows.append(_check(number, values, members, seen))
    if not rows:
        raise ImportFileError(_("文件中没有数据行。"))
    return rows


def _check(number, values, members, seen):
    id_number, name, category, income, from_month, paid_through = values
    row = Row(number, name=normalize_text(str(name or "")))
    member = members.get(normalize_id_number(str(id_number or "")))
    if member is None:
        row.errors.append(_("身份证号：本支部在册党员中没有此人。"))
    elif member.pk in seen:
        row.errors.append(_("身份证号：与前面的行重复。"))
    else:
        seen.add(member.pk)
        row.member_id, row.name = member.pk, member.name
    row.category = CATEGORY_BY_LABEL.get(normalize_text(str(category or "")), "")
    if not row.category:
        row.errors.append(_("党费类别：请填写在职、离退休、农民、学生、下岗失业或低保。"))
    if row.category in INCOME_CATEGORIES:
        try:
            amount = Decimal(normalize_text(str(income or "")).replace(",", ""))
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
            row.income = str(amount.quantize(Decimal("0.01")))
        except InvalidOperation:
            row.errors.append(_("月计算基数：请填写不为负的金额，最多两位小数。"))
    start = _month(from_month)
    if start is None:
        row.errors.append(_("起始月份：请按“2026-01”的格式填写。"))
    else:
        row.from_month = start.isoformat()
        if member is not None and start < ledger.month_of(member.joined_on):
            row.errors.append(_("起始月份：早于接收为预备党员的支部大会。"))
    if paid_through not in (None, ""):
        through = _month(paid_through)
        if through is None:
            row.errors.append(_("已缴至月份：请按“2026-10”的格式填写。"))
        elif start and (through < start or through > ledger.month_of(timezone.localdate())):
            row.errors.append(_("已缴至月份：须在起始月份与本月之间。"))
        else:
            row.paid_through = through.isoformat()
    return row


@transaction.atomic
def import_rows(rows, branch, user):
    """Write the rows without errors; answers how many were written."""
    members = Member.objects.in_bulk([row["member_id"] for row in rows])
    today = timezone.localdate()
    for row in rows:
        member = members[row["member_id"]]
        start = date.fromisoformat(row["from_month"])
        services.base_set(member=member, from_month=start, category=row["category"],
                          income=Decimal(row["income"]) if row["income"] else None,
                          note=_("导入"), by=user)
        if row["paid_through"]:
            DuesPayment.objects.create(
                member=member, branch=branch, kind=DuesPayment.Kind.OPENING, first_month=start,
                last_month=date.fromisoformat(row["paid_through"]), amount=Decimal("0.00"),
                paid_on=today, recorded_by=user)
    return len(rows)
