"""A streaming reader of the sheets of an .xlsx file: plain values, row by row.

openpyxl builds a cell object (and rich text for every inline string) per cell, which costs
several seconds on a 10,000-row roster; this reads the same XML with iterparse and keeps only
values. Dates are numbers with a date format in the workbook's styles, as in openpyxl.

Numbers are read exactly from the XML text, never through float(): an integer is an int with
every digit written in the file (an 18-digit ID number typed into a General cell stays the
number the file holds), anything else a Decimal that keeps how it was written (an ID number
Excel already rounded to 15 digits comes as 6.20102195603182E+17 and is recognised as such).
"""
import posixpath
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError, fromstring, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
COLUMN = re.compile(r"([A-Z]+)")
INTEGER = re.compile(r"-?\d+(\.0*)?")


class UnreadableWorkbook(Exception):
    pass


def _column_index(reference):
    letters = COLUMN.match(reference).group(1)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _text(element):
    return "".join(node.text or "" for node in element.iter(f"{MAIN}t"))


@dataclass
class Sheet:
    name: str
    visible: bool
    path: str


def sheets(upload):
    """The workbook's sheets in their tab order, hidden ones marked."""
    try:
        archive = zipfile.ZipFile(upload)
        workbook = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, ParseError, ValueError) as error:
        raise UnreadableWorkbook from error
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels.iter(
        f"{PACKAGE_REL}Relationship")}
    found = []
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{REL}id"))
        if target is None:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        found.append(Sheet(name=sheet.get("name", ""),
                           visible=sheet.get("state", "visible") == "visible", path=path))
    if not found:
        raise UnreadableWorkbook
    return found


def _date_styles(archive):
    """Indexes of cell formats (the `s` attribute) that show numbers as dates."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = fromstring(archive.read("xl/styles.xml"))
    custom = {int(fmt.get("numFmtId")): fmt.get("formatCode")
              for fmt in styles.iter(f"{MAIN}numFmt")}
    xfs = styles.find(f"{MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate(xfs if xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", 0))
        code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
        if code and is_date_format(code):
            dates.add(index)
    return dates


def iter_rows(upload, sheet=None):
    """Yield (row number, values) for each row of `sheet` (the first one by default); values
    are str, int, Decimal, bool or datetime, None for an empty cell."""
    try:
        upload.seek(0)
        archive = zipfile.ZipFile(upload)
        shared = []
        if "xl/sharedStrings.xml" in archive.namelist():
            shared = [_text(item) for item in
                      fromstring(archive.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")]
        date_styles = _date_styles(archive)
        stream = archive.open((sheet or sheets(upload)[0]).path)
    except (zipfile.BadZipFile, KeyError, ParseError, AttributeError, ValueError) as error:
        raise UnreadableWorkbook from error
    try:
        number = 0
        for _event, row in iterparse(stream):
            if row.tag != f"{MAIN}row":
                continue
            number = int(row.get("r", number + 1))
            values = []
            for cell in row.iter(f"{MAIN}c"):
                reference = cell.get("r")
                index = _column_index(reference) if reference else len(values)
                values.extend([None] * (index - len(values)))
                values.append(_cell_value(cell, shared, date_styles))
            row.clear()
            yield number, values
    except (ParseError, ValueError, IndexError, InvalidOperation) as error:
        raise UnreadableWorkbook from error


def _cell_value(cell, shared, date_styles):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{MAIN}is")
        return _text(inline) if inline is not None else None
    raw = cell.findtext(f"{MAIN}v")
    if raw is None:
        return None
    if kind == "s":
        return shared[int(raw)]
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw == "1"
    raw = raw.strip()
    if int(cell.get("s", 0)) in date_styles:
        return from_excel(float(raw))
    if INTEGER.fullmatch(raw):
        return int(raw.split(".")[0])
    number = Decimal(raw)
    return number if number.is_finite() else raw
