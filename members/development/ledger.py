"""The pipeline in Excel: the 发展党员工作台账 export, and the import of a community's existing
ledger with a preview and per-row errors, as the roster import (members/excel.py) does.

The import reads the person, the branch and the dates of the first steps (application, talk,
activist); what a row holds beyond the activist's day is recorded step by step in the portal.
Nothing is written unless the staff confirm the preview, and then in one transaction.
"""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.normalize import normalize_name, normalize_text
from kernel.xlsx import XlsxWriterBook
from members.development.models import Candidate, StepRecord
from members.excel import ImportFileError, _id_number, _parse_date, _text
from members.models import Member
from members.xlsx_rows import UnreadableWorkbook, iter_rows, sheets

EXPORT_HEADERS = [
    "序号", "姓名", "性别", "出生日期", "身份证号", "学历", "工作单位", "所在支部", "当前阶段",
    "递交申请书日期", "谈话日期", "确定积极分子日期", "培养联系人", "确定发展对象日期",
    "入党介绍人", "政治审查日期", "集中培训", "公示日期", "填写志愿书日期", "支部大会日期",
    "表决情况", "上级党委审批日期", "转正日期",
]
# (header, field) of the import; the first rows of the export's columns.
IMPORT_COLUMNS = [("姓名", "name"), ("性别", "gender"), ("出生日期", "birth_date"),
                  ("身份证号", "id_number"), ("所在支部", "branch"),
                  ("递交申请书日期", "applied_on"), ("谈话日期", "talked_on"),
                  ("确定积极分子日期", "activist_on")]
REQUIRED = {"name", "gender", "birth_date", "id_number", "branch", "applied_on"}
HEADER_SCAN_ROWS = 10
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _period(start, end):
    return f"{start}—{end}" if start and end else ""


def export_workbook(candidates):
    book = XlsxWriterBook(default_date_format="yyyy-mm-dd")
    sheet = book.add_worksheet("发展党员工作台账")
    book.write_row(sheet, 0, EXPORT_HEADERS)
    for number, candidate in enumerate(candidates, start=1):
        member = candidate.member
        vote = (_("应到%(right)s人，实到%(present)s人，赞成%(for)s票，反对%(against)s票") % {
            "right": candidate.voters_with_right, "present": candidate.voters_present,
            "for": candidate.votes_for, "against": candidate.votes_against}
            if candidate.meeting_on else "")
        training = _period(candidate.training_start, candidate.training_end)
        if training and candidate.training_hours:
            training += _("（%(hours)d学时）") % {"hours": candidate.training_hours}
        book.write_row(sheet, number, [
            number, candidate.name, candidate.get_gender_display(), candidate.birth_date,
            candidate.masked_id_number, candidate.get_education_display(),
            candidate.employer_name, candidate.branch.name, str(candidate.stage_label),
            candidate.applied_on, candidate.talked_on, candidate.activist_on,
            "、".join(person.name for person in candidate.contacts.all()), candidate.object_on,
            "、".join(person.name for person in candidate.introducers.all()),
            candidate.political_review_on, training,
            _period(candidate.publicity_start, candidate.publicity_end),
            candidate.volunteer_form_on, candidate.meeting_on, vote, candidate.approved_on,
            member.full_member_on if member else None])
    return book.close()


@dataclass
class Row:
    number: int
    name: str = ""
    errors: list = field(default_factory=list)  # (column, message)
    candidate: Candidate = None


@dataclass
class Preview:
    rows: list

    @property
    def failed(self):
        return [row for row in self.rows if row.errors]

    @property
    def valid(self):
        return [row for row in self.rows if not row.errors]


def _read(upload):
    if upload.size == 0:
        raise ImportFileError(_("文件是空的。"))
    if upload.size > IMPORT_MAX_BYTES:
        raise ImportFileError(_("文件不能超过 5 MB。"))
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise ImportFileError(_("这不是 Excel（.xlsx）文件。"))
    upload.seek(0)
    wanted = {header for header, _field in IMPORT_COLUMNS}
    try:
        for sheet in sheets(upload):
            if not sheet.visible:
                continue
            columns, data = None, []
            for number, values in iter_rows(upload, sheet):
                if columns is None:
                    found = {normalize_text(value): index for index, value in enumerate(values)
                             if value is not None}
                    if wanted <= found.keys():
                        columns = {header: found[header] for header in wanted}
                    elif number > HEADER_SCAN_ROWS:
                        break
                    continue
                row = {name: values[columns[header]] if columns[header] < len(values) else None
                       for header, name in IMPORT_COLUMNS}
                if any(_text(value) for value in row.values()):
                    data.append((number, row))
            if columns is not None:
                return data
    except UnreadableWorkbook:
        raise ImportFileError(_("无法读取该 Excel 文件，请确认文件未损坏。"))
    raise ImportFileError(_("没有找到台账的表头（应有%(cols)s等列）。") % {
        "cols": "、".join(header for header, _field in IMPORT_COLUMNS)})


def preview(upload, branches):
    """Every row checked, nothing written. `branches`: the branches the user keeps."""
    by_name = {normalize_text(branch.name): branch for branch in branches}
    genders = {str(label): value for value, label in Member.Gender.choices}
    data = _read(upload)
    id_numbers = set()
    rows = []
    today = timezone.localdate()
    for number, values in data:
        row = Row(number, name=normalize_name(_text(values["name"])))
        parsed = {}
        for header, name in IMPORT_COLUMNS:
            value, text = values[name], _text(values[name])
            if not text:
                if name in REQUIRED:
                    row.errors.append((header, _("必填。")))
                continue
            try:
                if name in ("birth_date", "applied_on", "talked_on", "activist_on"):
                    parsed[name] = _parse_date(value)
                elif name == "id_number":
                    parsed[name] = _id_number(value)
                elif name == "branch":
                    parsed[name] = by_name[text]
                elif name == "gender":
                    parsed[name] = genders[text]
                else:
                    parsed[name] = normalize_name(text)
            except KeyError:
                row.errors.append((header, _("“%(value)s”不是可选的值（或不是您负责的支部）。") % {
                    "value": text}))
            except ValueError as error:
                row.errors.append((header, str(error) if str(error) else _("无法识别的日期。")))
        days = [(header, parsed.get(name)) for header, name in IMPORT_COLUMNS
                if name in ("birth_date", "applied_on", "talked_on", "activist_on")]
        present = [(header, day) for header, day in days if day]
        for (before, earlier), (after, later) in zip(present, present[1:]):
            if later < earlier:
                row.errors.append((after, _("不能早于%(column)s。") % {"column": before}))
        if any(day > today for _header, day in present):
            row.errors.append(("", _("日期不能晚于今天。")))
        if parsed.get("activist_on") and not parsed.get("talked_on"):
            row.errors.append(("谈话日期", _("已确定为积极分子的，应填写谈话日期。")))
        id_number = parsed.get("id_number")
        if id_number:
            if id_number in id_numbers:
                row.errors.append(("身份证号", _("与前面的行重复。")))
            id_numbers.add(id_number)
        if not row.errors:
            row.candidate = Candidate(
                name=row.name, gender=parsed["gender"], birth_date=parsed["birth_date"],
                id_number=id_number, branch=parsed["branch"], applied_on=parsed["applied_on"],
                talked_on=parsed.get("talked_on"), activist_on=parsed.get("activist_on"),
                stage=Candidate.Stage.ACTIVIST if parsed.get("activist_on")
                else Candidate.Stage.APPLICANT)
            try:
                row.candidate.full_clean()
            except ValidationError as error:
                row.errors.extend(("", message) for message in error.messages)
        rows.append(row)
    known = set(Candidate.objects.filter(id_number__in=id_numbers).values_list(
        "id_number", flat=True)) | set(Member.objects.filter(
            id_number__in=id_numbers).values_list("id_number", flat=True))
    for row in rows:
        if row.candidate and row.candidate.id_number in known:
            row.errors.append(("身份证号", _("已在发展党员台账或党员名册中。")))
    return Preview(rows)


@transaction.atomic
def import_rows(result, user):
    """The rows without error, each with its records of the steps it reached."""
    created = []
    for row in result.valid:
        candidate = row.candidate
        candidate.save()
        for code, day in [("application", candidate.applied_on), ("talk", candidate.talked_on),
                          ("activist", candidate.activist_on)]:
            if day:
                StepRecord.objects.create(candidate=candidate, code=code, done_on=day,
                                          note=_("从台账导入"), recorded_by=user)
        created.append(candidate)
    return created
