"""The roster in Excel: the template, a checked import keyed on the ID number, and the export.

An import is read whole and checked before anything is written: every row's errors are
reported (row, column, message); only a file without errors is written, in one transaction.
The export has the template's columns; with full ID numbers it can be corrected in Excel and
imported again.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import ETHNIC_GROUPS, Member
from members.validators import birth_date_from_id, mask_id_number
from members.xlsx_rows import UnreadableWorkbook, iter_rows
from organizations.models import Grid, Node
from portal.xlsx import XlsxWriterBook

IMPORT_MAX_BYTES = 20 * 1024 * 1024
# (header, model field); the order is the template's column order.
COLUMNS = [
    ("姓名", "name"), ("性别", "gender"), ("民族", "ethnicity"), ("身份证号", "id_number"),
    ("出生日期", "birth_date"), ("联系电话", "phone"), ("学历", "education"),
    ("居住地址", "address"), ("入党时间", "joined_on"), ("转正时间", "full_member_on"),
    ("党员类型", "status"), ("党员类别", "category"), ("工作单位", "employer_name"),
    ("所在支部", "branch"), ("党小组", "group"), ("网格", "grid"),
]
HEADERS = [header for header, _field in COLUMNS]
HEADER_OF = {field_name: header for header, field_name in COLUMNS}
REQUIRED = {"name", "gender", "id_number", "joined_on", "status", "category", "branch"}
CHOICE_FIELDS = {"gender": Member.Gender, "education": Member.Education,
                 "status": Member.Status, "category": Member.Category}
DATE_FIELDS = {"birth_date", "joined_on", "full_member_on"}
UPDATABLE = [name for _header, name in COLUMNS if name != "id_number"] + [
    "employer_unit", "updated_at"]


class ImportFileError(Exception):
    """The file as a whole cannot be read as a roster."""


@dataclass
class RowResult:
    number: int
    values: list
    member: Member | None = None
    is_new: bool = False
    changed: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # [(header, message)]


@dataclass
class ImportPreview:
    rows: list

    @property
    def failed(self):
        return [row for row in self.rows if row.errors]

    @property
    def new(self):
        return [row for row in self.rows if not row.errors and row.is_new]

    @property
    def changed(self):
        return [row for row in self.rows if not row.errors and not row.is_new and row.changed]

    @property
    def unchanged(self):
        return [row for row in self.rows
                if not row.errors and not row.is_new and not row.changed]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.failed


def template_workbook():
    example = ["张三", "男", "汉族", "110105194912310021", "1949-12-31", "13900000000", "高中/中专",
               "光明路1号", "1975-07-01", "1976-07-01", "正式党员", "离退休党员", "",
               "（填写系统中的支部全称）", "", ""]
    return _workbook("党员名册", HEADERS, [example],
                     widths=[max(10, len(header) * 3) for header in HEADERS])


def sample_workbook(user):
    """A filled-in roster for the first branch the user keeps, with one deliberate mistake
    (a wrong check digit on row 4), to try the import as a new user would."""
    from members.factories import make_id_number

    branch = Node.objects.editable_by(user).active().filter(kind=Node.Kind.BRANCH).first()
    people = [("周建国", "男", date(1948, 5, 12)), ("吴秀兰", "女", date(1952, 9, 3)),
              ("郑卫东", "男", date(1960, 1, 27)), ("王丽华", "女", date(1975, 11, 8)),
              ("冯志强", "男", date(1988, 6, 30))]
    rows = []
    for index, (name, gender, born) in enumerate(people):
        id_number = make_id_number(800_000 + index, born)
        if index == 2:
            id_number = id_number[:17] + ("1" if id_number[17] == "0" else "0")
        rows.append([name, gender, "汉族", id_number, born, f"1380000{index:04d}", "高中/中专",
                     "光明路示例小区", date(born.year + 24, 7, 1), date(born.year + 25, 7, 1),
                     "正式党员", "离退休党员" if born.year < 1965 else "在职党员", "",
                     branch.name if branch else "", "", ""])
    return _workbook("党员名册", HEADERS, rows)


def read_rows(upload):
    """[(row number, values)] of an uploaded roster, after checks of the file itself."""
    if upload.size == 0:
        raise ImportFileError(_("文件是空的。"))
    if upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(_("文件不能超过 20 MB，请分批导入。"))
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise ImportFileError(_("这不是 Excel（.xlsx）文件。如是 CSV 或 .xls，请在 Excel 中"
                                "“另存为 .xlsx”后再上传。"))
    try:
        rows = iter_rows(upload)
        _number, header = next(rows, (1, []))
        header = [str(cell).strip() if cell is not None else "" for cell in header]
        while header and header[-1] == "":
            header.pop()
        if header != HEADERS:
            missing = [name for name in HEADERS if name not in header]
            raise ImportFileError(_("表头与模板不一致%(detail)s。请下载模板，按模板的列填写。") % {
                "detail": _("（缺少：%(cols)s）") % {"cols": "、".join(missing)} if missing
                else ""})
        data = []
        for number, values in rows:
            values = values[:len(HEADERS)] + [None] * (len(HEADERS) - len(values))
            if all(value in (None, "") for value in values):
                continue
            data.append((number, values))
    except UnreadableWorkbook:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认文件未损坏。"))
    if not data:
        raise ImportFileError(_("文件中没有党员数据。"))
    return data


class _Lookups:
    """Everything a row refers to, loaded once for the whole file."""

    def __init__(self, user, id_numbers):
        from pairing.models import Unit

        branches = list(Node.objects.editable_by(user).active().filter(kind=Node.Kind.BRANCH))
        self.branches = {branch.name: branch for branch in branches}
        self.groups = {(group.parent_id, group.name): group for group in Node.objects.filter(
            kind=Node.Kind.GROUP, parent__in=branches, archived_at__isnull=True)}
        community_ids = {int(branch.path.strip("/").split("/")[1]) for branch in branches}
        self.grids = {(grid.community_id, grid.name): grid for grid in Grid.objects.filter(
            community_id__in=community_ids, archived_at__isnull=True).select_related("community")}
        # An archived unit is no longer offered for new records; its name stays typed text.
        self.units = {unit.name: unit for unit in Unit.objects.visible_to(user).active()}
        self.existing = {member.id_number: member for member in Member.objects.filter(
            id_number__in=id_numbers).select_related("branch", "employer_unit")}
        self.editable_ids = set(Member.objects.editable_by(user).filter(
            id_number__in=id_numbers).values_list("id_number", flat=True))
        # Translated once per file rather than once per cell.
        self.choice_labels = {name: {str(label): key for key, label in choices.choices}
                              for name, choices in CHOICE_FIELDS.items()}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _check_row(number, values, lookups, seen):
    row = RowResult(number=number, values=values)
    fields = {}
    for (header, name), value in zip(COLUMNS, values):
        text = _text(value)
        if not text:
            if name in REQUIRED:
                row.errors.append((header, _("必填，不能为空。")))
            continue
        try:
            if name in DATE_FIELDS:
                fields[name] = _parse_date(value)
            elif name in CHOICE_FIELDS:
                labels = lookups.choice_labels[name]
                if text not in labels:
                    raise ValueError(_("应为以下之一：%(options)s。") % {
                        "options": "、".join(labels)})
                fields[name] = labels[text]
            elif name == "ethnicity" and text not in ETHNIC_GROUPS:
                raise ValueError(_("不是56个民族之一的名称（例如“汉族”）。"))
            else:
                fields[name] = text.upper() if name == "id_number" else text
        except ValueError as error:
            row.errors.append((header, str(error) if error.args else _("日期格式应为 2020-07-01。")))
    id_number = fields.get("id_number")
    if id_number:
        if id_number in seen:
            row.errors.append((HEADER_OF["id_number"], _("与第 %(row)d 行的身份证号重复。") % {
                "row": seen[id_number]}))
        seen.setdefault(id_number, number)
    branch_name = fields.pop("branch", None)
    branch = lookups.branches.get(branch_name) if branch_name else None
    if branch_name and branch is None:
        row.errors.append((HEADER_OF["branch"], _("“%(name)s”不是您可管理的支部。") % {
            "name": branch_name}))
    group_name, grid_name = fields.pop("group", None), fields.pop("grid", None)
    if branch is not None:
        fields["branch"] = branch
        if group_name:
            fields["group"] = lookups.groups.get((branch.pk, group_name))
            if fields["group"] is None:
                row.errors.append((HEADER_OF["group"], _("支部下没有名为“%(name)s”的党小组。") % {
                    "name": group_name}))
        if grid_name:
            community_id = int(branch.path.strip("/").split("/")[1])
            fields["grid"] = lookups.grids.get((community_id, grid_name))
            if fields["grid"] is None:
                row.errors.append((HEADER_OF["grid"], _("社区中没有名为“%(name)s”的网格。") % {
                    "name": grid_name}))
    existing = lookups.existing.get(id_number)
    employer = fields.get("employer_name", "")
    if existing is not None and existing.employer_unit and existing.employer_unit.name == employer:
        # The member's own unit, named as the export writes it: kept, with any name typed
        # beside it, even a unit of another community, so an unchanged export changes nothing.
        fields["employer_unit"], fields["employer_name"] = (existing.employer_unit,
                                                            existing.employer_name)
    else:
        fields["employer_unit"] = lookups.units.get(employer)
        if fields["employer_unit"] is not None:
            fields["employer_name"] = ""
    if id_number and not fields.get("birth_date"):
        fields["birth_date"] = birth_date_from_id(id_number)
    if existing is not None and existing.id_number not in lookups.editable_ids:
        row.errors.append((HEADER_OF["id_number"], _("该身份证号已登记在其他支部，"
                                                   "请联系该支部办理组织关系转接。")))
    if row.errors:
        return row
    _validate_member(row, fields, existing)
    return row


def _validate_member(row, fields, existing):
    born = birth_date_from_id(fields["id_number"])
    if fields.get("birth_date") and fields["birth_date"] != born:
        row.errors.append((HEADER_OF["birth_date"], _("出生日期与身份证号不一致。")))
        return
    if existing is not None and fields["branch"].pk != existing.branch_id:
        row.errors.append((HEADER_OF["branch"], _("与现有记录的支部（%(name)s）不同：转到其他支部"
                                                 "请办理组织关系转接。") % {"name": existing.branch.name}))
        return
    fields.setdefault("group", None)
    fields.setdefault("grid", None)
    member = Member() if existing is None else existing
    # Compare on column values (group_id, not group) so no row loads its related objects.
    attnames = {name: Member._meta.get_field(name).attname for name in fields}
    before = {name: getattr(member, attnames[name]) for name in fields} if existing else {}
    for name, value in fields.items():
        setattr(member, name, value)
    try:
        _clean(member)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            row.errors.extend((HEADER_OF.get(name, name), message) for message in messages)
        if existing is not None:  # the in-memory object is discarded: leave it as stored
            for name, value in before.items():
                setattr(existing, attnames[name], value)
        return
    row.member, row.is_new = member, existing is None
    row.changed = [HEADER_OF[name] for name, value in before.items()
                   if name in HEADER_OF and value != getattr(member, attnames[name])]


def _clean(member):
    """What full_clean checks for these columns, without its per-field overhead: related rows
    come from the lookups, uniqueness from the file-wide checks, so 10,000 rows stay fast."""
    errors = {}
    for name in ("id_number", "phone"):
        value = getattr(member, name)
        if value:
            try:
                for validator in Member._meta.get_field(name).validators:
                    validator(value)
            except ValidationError as error:
                errors[name] = error.messages
    for name in ("name", "address", "employer_name"):
        limit = Member._meta.get_field(name).max_length
        if len(getattr(member, name)) > limit:
            errors[name] = [_("不能超过 %(n)d 个字。") % {"n": limit}]
    try:
        member.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def preview(upload, user):
    """Read and check a whole file; raises ImportFileError when the file itself is unusable."""
    data = read_rows(upload)
    id_index = HEADERS.index("身份证号")
    lookups = _Lookups(user, {_text(values[id_index]).upper() for _number, values in data})
    seen = {}
    return ImportPreview(rows=[_check_row(number, values, lookups, seen)
                               for number, values in data])


@transaction.atomic
def import_rows(result):
    """Write a checked, error-free preview: new members created, existing ones updated."""
    if not result.is_valid:
        raise ValidationError(_("文件中仍有错误，未导入任何数据。"))
    Member.objects.bulk_create([row.member for row in result.new], batch_size=1000)
    changed = [row.member for row in result.changed]
    for member in changed:
        member.updated_at = datetime.now().astimezone()
    Member.objects.bulk_update(changed, UPDATABLE, batch_size=1000)
    return len(result.new), len(changed)


def failed_rows_workbook(result):
    rows = ([_text(value) if not isinstance(value, (date, datetime)) else value
             for value in row.values]
            + ["；".join(f"{header}：{text}" for header, text in row.errors), row.number]
            for row in result.failed)
    return _workbook("需修改的行", [*HEADERS, "错误说明", "原行号"], rows)


# What an exported row is read from: one query of plain values, no model objects (building
# 1,000 members with their branch, group, grid and unit was a third of the export's time).
EXPORT_VALUES = ["name", "gender", "ethnicity", "id_number", "birth_date", "phone", "education",
                 "address", "joined_on", "full_member_on", "status", "category",
                 "employer_unit__name", "employer_name", "branch__name", "group__name",
                 "grid__name"]


def export_workbook(members, *, full_id_numbers=False):
    """The roster in the template's columns, ID numbers masked as everywhere else.

    With `full_id_numbers` the file is exactly what the import reads back: correct it in
    Excel and import it again (services.member_export_id_numbers records each such export).
    """
    return _workbook("党员名册", HEADERS, _export_rows(members, full_id_numbers))


def _export_rows(members, full_id_numbers):
    # The choice labels translated once, not per row; an unknown value shows as itself,
    # like get_FOO_display.
    gender, education, status, category = (
        {value: str(label) for value, label in choices.choices}
        for choices in (Member.Gender, Member.Education, Member.Status, Member.Category))
    rows = members.values_list(*EXPORT_VALUES).iterator(chunk_size=2000)
    for (name, gender_value, ethnicity, id_number, birth_date, phone, education_value, address,
         joined_on, full_member_on, status_value, category_value, unit_name, employer_name,
         branch_name, group_name, grid_name) in rows:
        yield [name, gender.get(gender_value, gender_value), ethnicity,
               id_number if full_id_numbers else mask_id_number(id_number), birth_date, phone,
               education.get(education_value, education_value), address, joined_on,
               full_member_on, status.get(status_value, status_value),
               category.get(category_value, category_value), unit_name or employer_name,
               branch_name, group_name, grid_name]


def _workbook(sheet_name, header, rows, widths=()):
    """One sheet, a header row and then `rows`, as .xlsx bytes.

    XlsxWriter rather than openpyxl: it writes a 1,000-member roster in a third of the time.
    Text stays text (a name starting with "=" is no formula, an address no link: see
    portal/xlsx.py), and dates show as 2020-07-01, which the import reads back as dates.
    """
    book = XlsxWriterBook(default_date_format="yyyy-mm-dd")
    sheet = book.add_worksheet(sheet_name)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    book.write_row(sheet, 0, header)
    for number, row in enumerate(rows, start=1):
        book.write_row(sheet, number, row)
    return book.close()
