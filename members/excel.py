"""The roster in Excel: the template, a checked import keyed on the ID number, and the export.

An import is read whole and checked before anything is written: every row's errors are
reported at once (row, column, message). Staff then import the whole file when it has no
error, or only its rows without error (in one transaction) and download the others to correct
and upload again; that errors file has the template's columns plus the reasons, which the
import ignores. Files are read as staff make them: the first visible sheet holding the
template's header, found in the first rows (a title row above it is fine), columns matched by
name, every value normalized as the forms do (kernel.normalize), ID numbers read exactly.
The export has the template's columns; with full ID numbers it can be corrected in Excel and
imported again.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from kernel.normalize import normalize_id_number, normalize_name, normalize_text
from kernel.paths import community_id_of
from kernel.xlsx import XlsxWriterBook
from members.models import ETHNIC_GROUPS, Member
from members.validators import birth_date_from_id, mask_id_number, validate_id_number
from members.xlsx_rows import UnreadableWorkbook, iter_rows, sheets
from organizations.models import Grid, Node, Unit

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
# Headers as people also write them; compared after normalize_text, spaces and "*" removed.
HEADER_ALIASES = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "手机号码": "联系电话",
                  "手机号": "联系电话", "党小组名称": "党小组"}
HEADER_SCAN_ROWS = 10
HEADER_OF = {field_name: header for header, field_name in COLUMNS}
COLUMN_ORDER = {header: index for index, header in enumerate(HEADERS)}
REQUIRED = {"name", "gender", "id_number", "joined_on", "status", "category", "branch"}
CHOICE_FIELDS = {"gender": Member.Gender, "education": Member.Education,
                 "status": Member.Status, "category": Member.Category}
DATE_FIELDS = {"birth_date", "joined_on", "full_member_on"}
UPDATABLE = [name for _header, name in COLUMNS if name != "id_number"] + [
    "employer_unit", "updated_at"]


class ImportFileError(Exception):
    """The file as a whole cannot be read as a roster."""


class AlreadyImported(Exception):
    """The rows were written meanwhile, by the same file confirmed twice."""


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
    def valid(self):
        return [row for row in self.rows if not row.errors]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.failed


def template_workbook():
    example = ["张三", "男", "汉族", "11010519491231002X", "1949-12-31", "13900000000", "高中/中专",
               "光明路1号", "1975-07-01", "1976-07-01", "正式党员", "离退休党员", "",
               "（填写系统中的支部全称）", "", ""]
    return _workbook("党员名册", HEADERS, [example],
                     widths=[max(10, len(header) * 3) for header in HEADERS],
                     text_columns=[HEADERS.index("身份证号")])


def sample_workbook(user):
    """A filled-in roster for the first branch the user keeps, with one deliberate mistake
    (a wrong check digit on row 4), to try the import as a new user would."""
    from members.factories import make_id_number

    branch = Node.objects.shaped_by(user).active().filter(kind=Node.Kind.BRANCH).first()
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
    return _workbook("党员名册", HEADERS, rows, text_columns=[HEADERS.index("身份证号")])


def read_rows(upload):
    """[(row number, values in the template's column order)] of an uploaded roster, after
    checks of the file itself."""
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
        sheet, header_number, columns = _find_header(upload)
        data = []
        for number, values in iter_rows(upload, sheet):
            if number <= header_number:
                continue
            values = [values[index] if index < len(values) else None
                      for index in (columns[header] for header in HEADERS)]
            if all(value is None or value == "" or _text(value) == "" for value in values):
                continue
            data.append((number, values))
    except UnreadableWorkbook:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认文件未损坏。"))
    if not data:
        raise ImportFileError(_("文件中没有党员数据。"))
    return data


def _header_key(value):
    key = re.sub(r"[\s*]", "", normalize_text(value) if value is not None else "")
    key = re.sub(r"\(必填\)$", "", key)
    return HEADER_ALIASES.get(key, key)


def _find_header(upload):
    """(sheet, row number, {header: column index}) of the template's header: the row, among
    the first rows of the visible sheets, that names most of the template's columns. Hidden
    sheets (lists behind drop-downs, old versions) and title rows above the header are passed
    over; the columns may be in any order, and columns the template does not have (the
    reasons of an errors file) are ignored."""
    wanted = set(HEADERS)
    best = None
    for sheet in sheets(upload):
        if not sheet.visible:
            continue
        for number, values in iter_rows(upload, sheet):
            if number > HEADER_SCAN_ROWS:
                break
            columns = {}
            for index, value in enumerate(values):
                key = _header_key(value)
                if key in wanted and key not in columns:
                    columns[key] = index
            if best is None or len(columns) > len(best[2]):
                best = (sheet, number, columns)
    if best is not None and len(best[2]) == len(HEADERS):
        return best
    found = best[2] if best is not None else {}
    if len(found) < 2:
        raise ImportFileError(_("在前 %(rows)d 行中没有找到模板的表头（应有“姓名”“身份证号”等列）。"
                                "请下载模板，按模板的列填写。") % {"rows": HEADER_SCAN_ROWS})
    sheet, number, _columns = best
    raise ImportFileError(_("表头缺少以下列：%(cols)s（表头在工作表“%(sheet)s”第 %(row)d 行）。"
                            "请按模板补上这些列，列的顺序不限。") % {
        "cols": "、".join(header for header in HEADERS if header not in found),
        "sheet": sheet.name, "row": number})


class _Lookups:
    """Everything a row refers to, loaded once for the whole file."""

    def __init__(self, user, id_numbers):
        # Names are looked up as normalized on both sides: "第一党支部 " or a full-width
        # bracket typed in Excel still finds the branch.
        branches = list(Node.objects.shaped_by(user).active().filter(kind=Node.Kind.BRANCH))
        self.branches = {normalize_text(branch.name): branch for branch in branches}
        self.groups = {(group.parent_id, normalize_text(group.name)): group
                       for group in Node.objects.filter(
                           kind=Node.Kind.GROUP, parent__in=branches, archived_at__isnull=True)}
        community_ids = {community_id_of(branch.path) for branch in branches}
        self.grids = {(grid.community_id, normalize_text(grid.name)): grid
                      for grid in Grid.objects.filter(
                          community_id__in=community_ids,
                          archived_at__isnull=True).select_related("community")}
        # An archived unit is no longer offered for new records; its name stays typed text.
        self.units = {normalize_text(unit.name): unit
                      for unit in Unit.objects.visible_to(user).active()}
        self.existing = {member.id_number: member for member in Member.objects.filter(
            id_number__in=id_numbers).select_related("branch", "employer_unit")}
        self.editable_ids = set(Member.objects.editable_by(user).filter(
            id_number__in=id_numbers).values_list("id_number", flat=True))
        # Translated once per file rather than once per cell.
        self.choice_labels = {name: {normalize_text(label): key for key, label in choices.choices}
                              for name, choices in CHOICE_FIELDS.items()}


def _text(value):
    """A cell as normalized text: dates in ISO form, numbers exactly as the file holds them."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return normalize_text(value)


# How a number Excel rounded looks once it is text again: 6.20102195603182E+17.
E_NOTATION = re.compile(r"\d+(\.\d+)?E\+?\d+", re.IGNORECASE)


def _rounded_by_excel():
    return ValueError(_("Excel 把这个身份证号当作数字保存，只保留了15位有效数字，号码已被改变。"
                        "请选中该列，设置单元格格式为“文本”，再重新输入完整的身份证号。"))


def _id_number(value):
    """The normalized ID number of a cell; ValueError when Excel has already changed it.

    A General cell holds a number: Excel keeps 15 significant digits, so an 18-digit number
    comes back with trailing zeros, or in E-notation. A number that still has more than 15
    significant digits cannot have been rounded and is read exactly (xlsx_rows never goes
    through float())."""
    if isinstance(value, (Decimal, float)):
        raise _rounded_by_excel()
    if isinstance(value, int):
        digits = str(abs(value))
        if len(digits) > 15 and len(digits.rstrip("0")) <= 15:
            raise _rounded_by_excel()
        return digits
    text = normalize_id_number(value)
    if E_NOTATION.fullmatch(text):
        raise _rounded_by_excel()
    return text


DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                       r"(\s+\d{1,2}:\d{2}(:\d{2})?)?")
DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
# Serial day numbers Excel can show as dates: 1900-01-01 to 9999-12-31.
SERIAL_DAYS = range(1, 2958466)


def _parse_date(value):
    """A date cell, a serial day number left in a General cell, or text as people type it:
    2019-07-01, 2019/7/1, 2019.7.1, 2019年7月1日, 20190701."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Compared as they are: int() of a hostile 1E+999999999 would take forever.
    if isinstance(value, (int, Decimal)) and SERIAL_DAYS.start <= value < SERIAL_DAYS.stop:
        return from_excel(float(value)).date()
    text = _text(value)
    match = DATE_TEXT.fullmatch(text) or DATE_DIGITS.fullmatch(text)
    if match is None:
        raise ValueError
    year, month, day = (int(part) for part in match.groups()[:3])
    return date(year, month, day)  # ValueError for 2019-02-30


def _parse_cell(name, value, text, lookups):
    """The field value of one non-empty cell (`text` is _text(value)); ValueError with a
    message (or none: a date)."""
    if name == "id_number":
        return _id_number(value)
    if name in DATE_FIELDS:
        return _parse_date(value)
    if name in CHOICE_FIELDS:
        labels = lookups.choice_labels[name]
        if text not in labels:
            raise ValueError(_("应为以下之一：%(options)s。") % {"options": "、".join(labels)})
        return labels[text]
    if name == "ethnicity" and text not in ETHNIC_GROUPS:
        raise ValueError(_("不是56个民族之一的名称（例如“汉族”）。"))
    return normalize_name(text) if name == "name" else text


def _check_row(number, values, lookups, seen):
    """Every error of a row, not only the first: staff correct a row once."""
    row = RowResult(number=number, values=values)
    fields = {}
    for (header, name), value in zip(COLUMNS, values):
        text = _text(value)
        if not text:
            if name in REQUIRED:
                row.errors.append((header, _("必填，不能为空。")))
            continue
        try:
            fields[name] = _parse_cell(name, value, text, lookups)
        except ValueError as error:
            row.errors.append((header, str(error) if error.args else _(
                "日期应写作 2020-07-01、2020/7/1、2020.7.1 或 2020年7月1日。")))
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
            community_id = community_id_of(branch.path)
            fields["grid"] = lookups.grids.get((community_id, grid_name))
            if fields["grid"] is None:
                row.errors.append((HEADER_OF["grid"], _("社区中没有名为“%(name)s”的网格。") % {
                    "name": grid_name}))
    existing = lookups.existing.get(id_number)
    employer = fields.get("employer_name", "")
    if (existing is not None and existing.employer_unit
            and normalize_text(existing.employer_unit.name) == employer):
        # The member's own unit, named as the export writes it: kept, with any name typed
        # beside it, even a unit of another community, so an unchanged export changes nothing.
        fields["employer_unit"], fields["employer_name"] = (existing.employer_unit,
                                                            existing.employer_name)
    else:
        fields["employer_unit"] = lookups.units.get(employer)
        if fields["employer_unit"] is not None:
            fields["employer_name"] = ""
    if existing is not None and existing.id_number not in lookups.editable_ids:
        row.errors.append((HEADER_OF["id_number"], _("该身份证号已登记在其他支部，"
                                                   "请联系该支部办理组织关系转接。")))
    else:
        _validate_member(row, fields, existing)
    row.errors.sort(key=lambda error: COLUMN_ORDER.get(error[0], len(COLUMN_ORDER)))
    return row


def _id_is_valid(id_number):
    try:
        validate_id_number(id_number)
    except ValidationError:
        return False
    return True


def _validate_member(row, fields, existing):
    id_number = fields.get("id_number")
    born = birth_date_from_id(id_number) if id_number and _id_is_valid(id_number) else None
    if born and not fields.get("birth_date"):
        fields["birth_date"] = born
    elif born and fields["birth_date"] != born:
        row.errors.append((HEADER_OF["birth_date"], _("出生日期与身份证号不一致。")))
    if (existing is not None and "branch" in fields
            and fields["branch"].pk != existing.branch_id):
        row.errors.append((HEADER_OF["branch"], _("与现有记录的支部（%(name)s）不同：转到其他支部"
                                                 "请办理组织关系转接。") % {"name": existing.branch.name}))
    fields.setdefault("group", None)
    fields.setdefault("grid", None)
    member = Member() if existing is None else existing
    # Compare on column values (group_id, not group) so no row loads its related objects.
    attnames = {name: Member._meta.get_field(name).attname for name in fields}
    before = {name: getattr(member, attnames[name]) for name in fields} if existing else {}
    for name, value in fields.items():
        setattr(member, name, value)
    reported = {header for header, _message in row.errors}
    for name, messages in _clean(member).items():
        header = HEADER_OF.get(name, name)
        if header not in reported:  # "必填" or a bad value already says what is wrong
            row.errors.extend((header, message) for message in messages)
    if row.errors:
        if existing is not None:  # the in-memory object is discarded: leave it as stored
            for name, value in before.items():
                setattr(existing, attnames[name], value)
        return
    row.member, row.is_new = member, existing is None
    row.changed = [HEADER_OF[name] for name, value in before.items()
                   if name in HEADER_OF and value != getattr(member, attnames[name])]


def _clean(member):
    """{field: [messages]} of what full_clean checks for these columns, without its per-field
    overhead: related rows come from the lookups, uniqueness from the file-wide checks, so
    10,000 rows stay fast."""
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
    return errors


def preview(upload, user):
    """Read and check a whole file; raises ImportFileError when the file itself is unusable."""
    data = read_rows(upload)
    id_index = HEADERS.index("身份证号")
    id_numbers = set()
    for _number, values in data:
        try:
            id_numbers.add(_id_number(values[id_index]))
        except ValueError:
            pass
    lookups = _Lookups(user, id_numbers)
    seen = {}
    return ImportPreview(rows=[_check_row(number, values, lookups, seen)
                               for number, values in data])


def import_rows(result, *, valid_only=False):
    """Write a checked preview in one transaction: new members created, existing ones
    updated. The whole file only when it has no error; with `valid_only` its rows without
    error, the others left for the errors file.

    The same preview confirmed twice (a double click: both requests read the file before the
    first wrote it) raises AlreadyImported for the second and writes nothing."""
    if not result.valid or (result.failed and not valid_only):
        raise ValidationError(_("文件中仍有错误，未导入任何数据。") if result.failed
                              else _("文件中没有可以导入的行。"))
    try:
        with transaction.atomic():
            Member.objects.bulk_create([row.member for row in result.new], batch_size=1000)
            changed = [row.member for row in result.changed]
            for member in changed:
                member.updated_at = datetime.now().astimezone()
            Member.objects.bulk_update(changed, UPDATABLE, batch_size=1000)
    except IntegrityError as error:
        raise AlreadyImported from error
    return len(result.new), len(changed)


def failed_rows_workbook(result):
    rows = ([_text(value) if not isinstance(value, (date, datetime)) else value
             for value in row.values]
            + ["；".join(f"{header}：{text}" for header, text in row.errors), row.number]
            for row in result.failed)
    # Uploaded again as it is: the import finds the header and ignores the last two columns.
    return _workbook("需修改的行", [*HEADERS, "错误说明", "原行号"], rows,
                     text_columns=[HEADERS.index("身份证号")])


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
    return _workbook("党员名册", HEADERS, _export_rows(members, full_id_numbers),
                     text_columns=[HEADERS.index("身份证号")])


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


def _workbook(sheet_name, header, rows, widths=(), text_columns=()):
    """One sheet, a header row and then `rows`, as .xlsx bytes.

    XlsxWriter rather than openpyxl: it writes a 1,000-member roster in a third of the time.
    Text stays text (a name starting with "=" is no formula, an address no link: see
    kernel/xlsx.py), and dates show as 2020-07-01, which the import reads back as dates.
    `text_columns` are formatted as text, so an ID number typed there in Excel is not turned
    into a rounded number.
    """
    book = XlsxWriterBook(default_date_format="yyyy-mm-dd")
    sheet = book.add_worksheet(sheet_name)
    text = book.add_format({"num_format": "@"})
    for index in range(len(header)):
        width = widths[index] if index < len(widths) else None
        if index in text_columns or width:
            sheet.set_column(index, index, width, text if index in text_columns else None)
    book.write_row(sheet, 0, header)
    for number, row in enumerate(rows, start=1):
        book.write_row(sheet, number, row)
    return book.close()
