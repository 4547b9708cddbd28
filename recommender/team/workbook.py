"""Read an uploaded Excel workbook (.xlsx) roster: its first sheet's values, as CSV text."""

# openpyxl in read-only mode with values only: formulas are never run, only their cached
# values read, and a sheet is streamed rather than held whole. Dates become ISO dates, whole
# numbers lose Excel's ".0", so that the CSV reader sees what a person typed.

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

from ..errors import RosterError, RosterTooManyRows

ZIP_SIGNATURE = b"PK\x03\x04"
SAVE_AS_CSV = "Save the sheet as 'CSV UTF-8' and upload that instead."


def is_workbook(data: bytes | bytearray) -> bool:
    """Whether an upload is a zip file (an .xlsx workbook, or another zipped document)."""
    return bytes(data[:4]) == ZIP_SIGNATURE


def workbook_as_csv(data: bytes, max_rows: int) -> str:
    """The first sheet of an .xlsx workbook as CSV text (RosterError if it cannot be read)."""
    from openpyxl import load_workbook  # imported here: only an .xlsx upload needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RosterError(
            f"The file looks like a zipped document but not an Excel workbook. {SAVE_AS_CSV}",
            kind="bad_xlsx",
        ) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise RosterError(f"The workbook has no sheet. {SAVE_AS_CSV}", kind="bad_xlsx")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for count, values in enumerate(sheet.iter_rows(values_only=True)):
            if count > max_rows:  # the header and max_rows people
                raise RosterTooManyRows(max_rows)
            writer.writerow([_text(value) for value in values])
        return out.getvalue()
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
