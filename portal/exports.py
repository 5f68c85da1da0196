"""Exports of any filtered list as CSV, XLSX or JSON: exactly the rows the filters select, in order.

An export is a list of ``Column``s over rows that an ``Export`` fetches in
chunks. CSV and JSON stream: each chunk is written and sent before the next is
read, so memory stays flat however many rows there are and the first bytes
leave before the query is done. XLSX cannot be streamed (the file is a zip
whose directory comes last), so it is built in a temporary file on disk,
within ``XLSX_ROW_LIMIT`` rows.

Text cells that a spreadsheet would run as a formula are neutralised with a
leading single quote (OWASP's advice): those beginning with ``= + - @``, tab,
carriage return or NUL. Numbers stay numbers, negative ones included.
"""

import csv
import datetime
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx", "json")
XLSX_ROW_LIMIT = 100_000
CHUNK_SIZE = 2000
LIST_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    name: str
    get: Callable[[Any], Any]
    kind: str = "text"  # text, number, date or list
    width: int = 20  # XLSX column width, in characters
    description: str = ""


class Export:
    """What one list exports: a file name stem, its columns, and how rows are fetched."""

    stem: str = "export"
    columns: list[Column] = []

    def __init__(self, queryset, base_url: str):
        self.queryset = queryset
        # "https://host" without a trailing slash; url columns add the record's path.
        self.base_url = base_url

    def fetch(self) -> Iterable:
        return self.queryset.iterator(chunk_size=CHUNK_SIZE)

    def row_count(self) -> int:
        return self.queryset.count()

    def rows(self) -> Iterator[list]:
        for item in self.fetch():
            yield [column.get(item) for column in self.columns]

    def filename(self, extension: str) -> str:
        return f"{self.stem}-{timezone.localdate().isoformat()}.{extension}"


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _spreadsheet_cell(value, kind):
    """A cell for CSV or XLSX: lists joined, text neutralised, numbers and dates kept."""
    if value is None:
        return ""
    if kind == "list":
        return neutralise(LIST_SEPARATOR.join(str(item) for item in value))
    if kind in ("number", "date"):
        return value
    return neutralise(str(value))


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_response(export: Export, *, bom: bool = True) -> StreamingHttpResponse:
    _check_database()

    def lines():
        writer = csv.writer(_Echo())
        yield ("\ufeff" if bom else "") + writer.writerow(
            [column.name for column in export.columns]
        )
        cell_makers = [_CSV_CELL[column.kind] for column in export.columns]
        for row in export.rows():
            # The per-cell work is the export's cost over a million rows: one call per cell, no more.
            yield writer.writerow(
                [
                    make(value) if value is not None else ""
                    for make, value in zip(cell_makers, row, strict=True)
                ]
            )

    response = StreamingHttpResponse(_streamed(lines()), content_type="text/csv; charset=utf-8")
    return _attachment(response, export.filename("csv"))


def _csv_text(value):
    text = value if type(value) is str else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_date(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# What a CSV cell holds for each column kind; the same rules as _spreadsheet_cell.
_CSV_CELL = {
    "text": _csv_text,
    "list": lambda value: neutralise(LIST_SEPARATOR.join(str(item) for item in value)),
    "number": lambda value: value,
    "date": _csv_date,
}


def json_response(export: Export) -> StreamingHttpResponse:
    _check_database()
    names = [column.name for column in export.columns]

    def chunks():
        yield "["
        separator = "\n"
        for row in export.rows():
            yield separator + json.dumps(
                dict(zip(names, row, strict=True)), ensure_ascii=False, default=_json_value
            )
            separator = ",\n"
        yield "\n]\n"

    response = StreamingHttpResponse(_streamed(chunks()), content_type="application/json")
    return _attachment(response, export.filename("json"))


SEND_SIZE = 64 * 1024


def _streamed(pieces: Iterator[str]) -> Iterator[bytes]:
    """The pieces as bytes, in blocks of about 64 kB, read inside one transaction.

    A block per row would cost the server a write per row. The transaction lets
    PostgreSQL read from a server-side cursor as rows are sent: outside one,
    Django declares the cursor WITH HOLD, which makes PostgreSQL run the whole
    query and store its result before the first row leaves.
    """
    with transaction.atomic():
        block, size = [], 0
        for piece in pieces:
            block.append(piece)
            size += len(piece)
            if size >= SEND_SIZE:
                yield "".join(block).encode()
                block, size = [], 0
        if block:
            yield "".join(block).encode()


def _check_database() -> None:
    """Fail now if the database cannot be reached, so the visitor gets the 503 page.

    Once a streamed file has started as 200 it can only be cut off. The stream's
    own query runs later, in its transaction (see _streamed): starting it here
    would hold that transaction open past the view, for as long as the response
    object lives.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def xlsx_response(export: Export) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    count = export.row_count()
    if count > XLSX_ROW_LIMIT:
        raise ExportRefused(
            f"XLSX exports hold at most {XLSX_ROW_LIMIT:,} rows and this selection has {count:,}. "
            "Export it as CSV or JSON, which have no limit, or narrow the filters."
        )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(export.stem)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(export.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    kinds = [column.kind for column in export.columns]
    for row in export.rows():
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            value = _spreadsheet_cell(value, kind)
            if isinstance(value, str):
                # XML cannot hold most control characters; a spreadsheet has no use for them.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if kind == "date" and value:
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    # Written to disk, not memory: a 100,000-row workbook is tens of megabytes.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent.
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export.filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(export: Export, fmt: str, *, bom: bool = True) -> HttpResponse:
    if fmt == "csv":
        return csv_response(export, bom=bom)
    if fmt == "json":
        return json_response(export)
    return xlsx_response(export)


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
