"""The quarterly 会议记录本 of a branch as an xlsx workbook: a contents sheet, one sheet a meeting."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, Side
from PIL import Image, ImageOps

from activities.models import Attendance, Meeting
from kernel.xlsx import workbook, workbook_bytes

PHOTO_MAX_WIDTH = 480
# openpyxl's default row is 15 points, i.e. 20 pixels: how many rows a photo covers.
ROW_PIXELS = 20
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def quarter_meetings(meetings, branch, span):
    """The held meetings of `branch` in `span`, from a queryset already scoped to the user."""
    return list(
        meetings.held().filter(
            branch=branch, starts_at__gte=span.starts_at(), starts_at__lt=span.ends_before())
        .select_related("branch", "group")
        .prefetch_related("kinds", "photos", "attendances__member").order_by("starts_at"))


def record_book_workbook(branch, span, meetings) -> bytes:
    """The workbook for `meetings` (as `quarter_meetings` returns them), as xlsx bytes."""
    book = workbook()
    contents = book.active
    contents.title = _("目录")
    contents.append([f"{branch.name} {span.label} {_('会议记录本')}"])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([_("序号"), _("日期"), _("会议类型"), _("议题"), _("应到人数"),
                     _("实到人数")])
    for number, meeting in enumerate(meetings, start=1):
        contents.append([number, f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}",
                         _kinds(meeting), meeting.topic, len(meeting.attendances.all()),
                         len(meeting.present_attendances())])
        _meeting_sheet(book.create_sheet(_sheet_title(number, meeting)), meeting)
    if not meetings:
        contents.append([_("本季度没有已召开的会议。")])
    for column, width in zip("ABCDEF", (6, 12, 24, 40, 10, 10)):
        contents.column_dimensions[column].width = width
    return workbook_bytes(book)


def _kinds(meeting):
    return "、".join(kind.label for kind in meeting.kinds.all())


def _sheet_title(number, meeting):
    # Sheet titles are at most 31 characters and must be unique: the number makes them so.
    return f"{number:02d} {timezone.localtime(meeting.starts_at):%m-%d}"


def _absentee(row):
    if row.status == Attendance.Status.EXCUSED:
        return f"{row.member.name}（{_('请假')}：{row.reason}）"
    reason = f"：{row.reason}" if row.reason else ""
    return f"{row.member.name}（{_('缺席')}{reason}）"


def _meeting_sheet(sheet, meeting: Meeting):
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    unit = meeting.branch.name + (meeting.group.name if meeting.group else "")
    absent = [row for row in meeting.attendances.all() if row.status != Attendance.Status.PRESENT]
    rows = [
        (_("会议名称"), f"{_kinds(meeting)}（{unit}）"),
        (_("时间"), f"{starts:%Y-%m-%d %H:%M}—{ends:%H:%M}"),
        (_("地点"), meeting.place),
        (_("主持人"), meeting.host),
        (_("记录人"), meeting.recorder),
        (_("应到人数"), len(meeting.attendances.all())),
        (_("实到人数"), len(meeting.present_attendances())),
        (_("出席人员"), "、".join(row.member.name for row in meeting.present_attendances())),
        (_("缺席人员及原因"), "；".join(_absentee(row) for row in absent)),
        (_("议题"), meeting.topic),
        (_("会议内容"), meeting.minutes),
    ]
    sheet.append([_("会议记录")])
    sheet.merge_cells("A1:B1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for label, value in rows:
        sheet.append([label, value])
        for cell in sheet[sheet.max_row]:
            cell.border, cell.alignment = BOX, WRAP
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80
    minutes_row = sheet.max_row
    sheet.row_dimensions[minutes_row].height = max(60, 15 * (meeting.minutes.count("\n") + 1 +
                                                             len(meeting.minutes) // 45))
    _photos(sheet, meeting, minutes_row + 2)


def _photos(sheet, meeting, row):
    photos = list(meeting.photos.all())
    if not photos:
        return
    sheet.cell(row=row, column=1, value=_("会议照片")).alignment = WRAP
    for photo in photos:
        image = _sheet_image(photo)
        if image is None:
            sheet.cell(row=row, column=2, value=_("照片文件无法读取：%(name)s") % {
                "name": photo.image.name})
            row += 2
            continue
        sheet.add_image(image, f"B{row}")
        row += image.height // ROW_PIXELS + 2


def _sheet_image(photo):
    """The photo shrunk to at most PHOTO_MAX_WIDTH pixels wide, or None when it cannot be read."""
    try:
        with photo.image.open("rb") as stored:
            picture = ImageOps.exif_transpose(Image.open(stored))
            picture.thumbnail((PHOTO_MAX_WIDTH, PHOTO_MAX_WIDTH * 4))
            buffer = io.BytesIO()
            picture.convert("RGB").save(buffer, "PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    buffer.seek(0)
    return SheetImage(buffer)
