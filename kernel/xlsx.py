"""Every xlsx the portal writes is made here, so that text people typed is never a formula.

A meeting topic, a place or a name starting with `=`, `+`, `-` or `@` (or a tab or carriage
return, which some programs skip before reading a formula) would become a live formula in
openpyxl (`=HYPERLINK(...)`, `=cmd|...`), and a formula once someone edits the cell in Excel.
Such a cell is written as text with Excel's own quote prefix (what Excel stores when a user types
`'=...`): it shows and reads back exactly as typed (a re-imported roster keeps its values), is
never calculated, and stays text when edited. The portal writes no formulas of its own.

openpyxl: build with `workbook()`, turn into bytes with `workbook_bytes()`. XlsxWriter (the
roster, for speed): `XlsxWriterBook`. A view answers with `download(content, filename)`.
"""
import io

import openpyxl
import xlsxwriter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def download(content, filename):
    """An xlsx attachment that no shared cache keeps (the files hold names and figures); the
    file name may be Chinese (RFC 5987's UTF-8 form, which every current browser reads)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def workbook():
    """A new openpyxl workbook; save it with `workbook_bytes`."""
    return openpyxl.Workbook()


def workbook_bytes(book):
    """The workbook as xlsx bytes, every cell that would be a formula kept as its text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class XlsxWriterBook:
    """An in-memory XlsxWriter workbook that writes rows with formula-like text kept as text."""

    def __init__(self, **options):
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True, **options,
            "strings_to_formulas": False, "strings_to_urls": False})
        self.text = self.book.add_format({"quote_prefix": True})

    def add_worksheet(self, name):
        return self.book.add_worksheet(name)

    def add_format(self, properties):
        return self.book.add_format(properties)

    def write_row(self, sheet, number, values):
        if not any(map(formula_like, values)):  # the usual row: XlsxWriter's own loop
            sheet.write_row(number, 0, values)
            return
        for column, value in enumerate(values):
            if formula_like(value):
                sheet.write_string(number, column, value, self.text)
            else:
                sheet.write(number, column, value)

    def close(self):
        """The workbook as xlsx bytes."""
        self.book.close()
        return self.buffer.getvalue()
