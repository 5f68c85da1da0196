"""Exports of any filtered list as CSV, XLSX or JSON: exactly the rows the filters select, in order.

An export is a list of ``Column``s over rows that an ``Export`` fetches in
chunks. CSV and JSON stream: each chunk is written and sent before the next is
read, so memory stays flat however many rows there are and the first bytes
leave before the query is done. XLSX streams too (a zip written as it goes,
core/xlsx_stream.py), within ``XLSX_ROW_LIMIT`` rows.

Text cells that a spreadsheet would run as a formula are neutralised: in CSV
with a leading single quote (OWASP's advice), those beginning with ``= + - @``,
tab, carriage return or NUL; in XLSX by storing every text cell as text, which
a spreadsheet never runs, so no quote shows. Numbers stay numbers, negative ones
included.

CSV and JSON carry the columns' machine names, a contract (docs/exports.md).
XLSX, and CSV with ``labels=1``, are for people: the export's ``people_columns``
(names beside codes) under their human labels, and the workbook has a second
sheet, "About this table", from the export's ``About``.

On PostgreSQL, a CSV export whose columns are all read from values() (see
``value_column``) is written by the database's COPY: the cell rules below
become one SQL expression per column, COPY quotes, and Python only passes
blocks on. Elsewhere, and for columns computed in Python, the rows are written
by ``csv.writer``; the tests hold both ways to the same parsed cells.
"""

import contextlib
import csv
import datetime
import json
import operator
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from core.provenance import Provenance
from core.xlsx_stream import Sheet, xlsx_stream

# The one list of export formats, each with the name people know it by: the list pages, the
# statistics tables, their download links, the exports help page and the messages all read it.
FORMATS = {"csv": "CSV", "xlsx": gettext_lazy("Excel (XLSX)"), "json": "JSON"}
XLSX_ROW_LIMIT = 100_000
CHUNK_SIZE = 2000
# Streamed files leave in blocks of about this many bytes rather than a write per row.
SEND_SIZE = 64 * 1024
LIST_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def one_of(words: Sequence[str]) -> str:
    """``a, b or c``: the choices named in a sentence."""
    return get_text_list(list(words), gettext("or"))


def unknown_format(fmt: str) -> str:
    """The answer to ``export=`` naming no format: which ones there are."""
    return gettext("Unknown export format “%(fmt)s”. Use %(formats)s.") % {
        "fmt": fmt,
        "formats": one_of([f"export={key}" for key in FORMATS]),
    }


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why and what to do."""


def refuse_beyond(limit: int, count: int, message: str) -> None:
    """Refuse a file of ``count`` rows when its format holds at most ``limit``: ``message`` says
    so with ``%(limit)s`` and ``%(count)s``, and what to download instead (XLSX_TOO_LONG,
    core.pdf.PDF_TOO_LONG)."""
    if count > limit:
        raise ExportRefused(str(message) % {"limit": f"{limit:,}", "count": f"{count:,}"})


XLSX_TOO_LONG = gettext_lazy(
    "XLSX exports hold at most %(limit)s rows and this selection has %(count)s. "
    "Export it as CSV or JSON, which have no limit, or narrow the filters."
)


@dataclass(frozen=True)
class Column:
    name: str
    get: Callable[[Any], Any]
    kind: str = "text"  # text, number, date or list
    width: int = 20  # XLSX column width, in characters
    description: str = ""
    # The values() key the cell is read from, where it is one: then PostgreSQL can write the cell.
    source: str = ""
    # Its heading in the files for people (XLSX, CSV with labels=1): "Members", not partner_count.
    label: str | Promise = ""

    @property
    def heading(self) -> str:
        return str(self.label or self.name)

    @property
    def kind_label(self) -> str:
        """What the column holds, in the reader's language (the exports' help page)."""
        return str(KIND_LABELS.get(self.kind, self.kind))


# Each column kind in words, for people.
KIND_LABELS = {
    "text": pgettext_lazy("what an export column holds", "text"),
    "number": pgettext_lazy("what an export column holds", "number"),
    "date": pgettext_lazy("what an export column holds", "date"),
    "list": pgettext_lazy("what an export column holds", "list"),
}


@dataclass(frozen=True)
class About:
    """What a file for people says about its table: the "About this table" sheet, a PDF's header
    and footer. The view that knows the request fills it in."""

    title: str
    filters: list[str]  # each filter in words: "Target region: North Africa"
    address: str  # the page's address, with its filters
    made_at: datetime.datetime
    provenance: Provenance

    def filters_in_words(self) -> str:
        return "; ".join(self.filters) if self.filters else gettext("none: every row")


def value_column(name: str, source: str, kind: str = "text", **options) -> Column:
    """A column read from one key of the export's values() rows (a field lookup or an annotation)."""
    return Column(name, operator.itemgetter(source), kind, source=source, **options)


class Export:
    """What one list exports: a file name stem, its columns, and how rows are fetched."""

    stem: str = "export"
    columns: list[Column] = []
    # The columns of the files for people, where they differ: names beside the codes.
    people_columns: list[Column] | None = None
    # The headings of the people's columns a PDF's table shows (A4 holds a few); empty for all.
    print_columns: tuple[str, ...] = ()

    def __init__(self, queryset, base_url: str, about: About | None = None) -> None:
        self.queryset = queryset
        # "https://host" without a trailing slash; url columns add the record's path.
        self.base_url = base_url
        self.about = about

    def columns_for(self, *, people: bool) -> list[Column]:
        return (self.people_columns or self.columns) if people else self.columns

    def printed_columns(self) -> list[Column]:
        columns = self.columns_for(people=True)
        if not self.print_columns:
            return columns
        return [column for column in columns if column.name in self.print_columns]

    def fetch(self) -> Iterable:
        return self.queryset.iterator(chunk_size=CHUNK_SIZE)

    def annotations(self) -> dict:
        """Expressions that value columns read by name, such as a page's absolute URL."""
        return {}

    def values(self) -> QuerySet:
        """The queryset's rows as dicts keyed by the columns' sources, in the queryset's order."""
        return self.queryset.annotate(**self.annotations()).values(
            *(column.source for column in self.columns)
        )

    def row_count(self) -> int:
        return self.queryset.count()

    def rows(self, columns: list[Column] | None = None) -> Iterator[list]:
        columns = self.columns if columns is None else columns
        for item in self.fetch():
            yield [column.get(item) for column in columns]

    def filename(self, extension: str) -> str:
        return f"{self.stem}-{timezone.localdate().isoformat()}.{extension}"


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _text_cell(value):
    return neutralise(value if type(value) is str else str(value))


def _kept(value):
    return value


def _csv_date(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# What a CSV cell holds for each column kind: lists joined, text neutralised, numbers kept,
# dates in ISO 8601.
_CSV_CELL = {
    "text": _text_cell,
    "list": lambda value: neutralise(LIST_SEPARATOR.join(str(item) for item in value)),
    "number": _kept,
    "date": _csv_date,
}

# People's lists (XLSX, PDF) read "China; India".
PEOPLE_LIST_SEPARATOR = "; "

# An XLSX cell: text as it is (stored as text, so never run), lists joined, numbers and dates kept.
_SPREADSHEET_CELL = {
    "text": lambda value: value if type(value) is str else str(value),
    "list": lambda value: PEOPLE_LIST_SEPARATOR.join(str(item) for item in value),
    "number": _kept,
    "date": _kept,
}


def people_cell(value, kind: str) -> Any:
    """A cell as people read it, in a spreadsheet or a PDF: lists joined, text as it is."""
    return "" if value is None else _SPREADSHEET_CELL[kind](value)


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_response(
    export: Export, *, bom: bool = True, labels: bool = False
) -> StreamingHttpResponse:
    alias = _alias(export)
    _check_database(alias)
    columns = export.columns_for(people=labels)

    def lines():
        names = [column.heading if labels else column.name for column in columns]
        query = None if labels else _csv_copy_query(export)
        if query is not None:
            # COPY ends lines with "\n" alone: the header does too, so the file has one line end.
            header = csv.writer(_Echo(), lineterminator="\n").writerow(names)
            yield (("\ufeff" if bom else "") + header).encode()
            yield from _copied_blocks(export.queryset.db, *query)
            return
        writer = csv.writer(_Echo())
        yield ("\ufeff" if bom else "") + writer.writerow(names)
        cell_makers = [_CSV_CELL[column.kind] for column in columns]
        for row in export.rows(columns):
            # The per-cell work is the export's cost over a million rows: one call per cell, no more.
            yield writer.writerow(
                [
                    make(value) if value is not None else ""
                    for make, value in zip(cell_makers, row, strict=True)
                ]
            )

    response = StreamingHttpResponse(
        _streamed(lines(), alias), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, export.filename("csv"))


# PostgreSQL's COPY writes the CSV (quoted where needed, as csv.writer); SQL applies the cell rules first.
COPY_QUEUE_BLOCKS = 16  # at most about 1 MB waits in memory between the database and the client


# The triggers as code points, compared with ascii(text): an integer test, where comparing
# left(text, 1) with each trigger made a new string per cell and took most of a million-row COPY's
# time. PostgreSQL text cannot hold NUL, so that trigger is left out there.
_SQL_TRIGGERS = ", ".join(str(ord(c)) for c in FORMULA_TRIGGERS if c != "\0")


def _sql_csv_cell(kind: str, ref: str) -> str:
    """SQL for the cell of ``ref`` that _CSV_CELL makes for ``kind``; NULL is written as nothing."""
    if kind == "number":
        return ref
    if kind == "date":
        return f"to_char({ref}, 'YYYY-MM-DD')"
    text = f"{ref}::text"
    # An empty text becomes NULL as well, which COPY writes as nothing rather than "".
    return (
        f"CASE WHEN ascii({text}) IN ({_SQL_TRIGGERS}) THEN '''' || {text} "
        f"ELSE NULLIF({text}, '') END"
    )


def _csv_copy_query(export: Export) -> tuple[str, tuple] | None:
    """A COPY of the export's rows as CSV, with its parameters; None where Python must write them.

    The export's own values() query, each column under a plain alias, is
    wrapped in a SELECT of the cells: a projection over the subquery, which
    PostgreSQL reads in the subquery's order.
    """
    queryset = export.queryset  # some exports, such as the statistics' tables, are plain lists
    if (
        not isinstance(queryset, QuerySet)
        or connections[queryset.db].vendor != "postgresql"
        or not all(column.source and column.kind != "list" for column in export.columns)
    ):
        return None
    aliased = queryset.annotate(**export.annotations()).values(
        **{f"c{index}": F(column.source) for index, column in enumerate(export.columns)}
    )
    sql, params = aliased.query.get_compiler(using=queryset.db).as_sql()
    cells = ", ".join(
        _sql_csv_cell(column.kind, f"row.c{index}") for index, column in enumerate(export.columns)
    )
    return f"COPY (SELECT {cells} FROM ({sql}) AS row) TO STDOUT WITH (FORMAT csv)", params


# A COPY is planned for its total time, which sorts a million rows before the first one leaves
# (1.5 s). Where an index gives the order, reading along it starts at once, as a cursor does.
# JIT compiling only delays the start of a query that is a scan in any case.
_FAST_START = "SET LOCAL enable_sort = off; SET LOCAL jit = off"
_FAST_START_UNDONE = "RESET enable_sort; RESET jit"


class _BlockSink:
    """The file copy_expert() writes to, one call per row: rows gathered into blocks for ``put``."""

    def __init__(self, put) -> None:
        self.put = put
        self.pending: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.size += len(data)
        if self.size >= SEND_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.put(b"".join(self.pending))
            self.pending, self.size = [], 0


def _copied_blocks(alias: str, sql: str, params) -> Iterator[bytes]:
    """COPY's output in blocks of about SEND_SIZE, read in a thread as the client takes them.

    psycopg2's copy_expert() returns only when the COPY is done, so a thread runs
    it on this request's connection, inside _streamed's transaction, and hands
    blocks over a bounded queue: memory stays flat and the first block leaves
    as soon as PostgreSQL sends it.
    """
    connection = connections[alias]
    # The cursor is opened here, in the request's thread; the thread below only borrows it.
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sql = raw.mogrify(sql, params).decode()
        blocks: queue.Queue = queue.Queue(maxsize=COPY_QUEUE_BLOCKS)
        stopped, finished = threading.Event(), threading.Event()

        def put(item) -> None:
            # Once the client has gone, what is left is dropped until the cancelled COPY ends.
            while not stopped.is_set():
                try:
                    blocks.put(item, timeout=0.5)
                    return
                except queue.Full:
                    continue

        def copy() -> None:
            sink = _BlockSink(put)
            try:
                raw.execute(_FAST_START)
                raw.copy_expert(sql, sink)
                finished.set()
                raw.execute(_FAST_START_UNDONE)
                sink.flush()
                put(None)
            except Exception as error:  # handed to the response, which raises it
                put(error)

        worker = threading.Thread(target=copy, daemon=True)
        worker.start()
        try:
            while (item := blocks.get()) is not None:
                if isinstance(item, Exception):
                    with connection.wrap_database_errors:
                        raise item
                yield item
        finally:
            stopped.set()
            if not finished.is_set():
                # The client left mid-file: PostgreSQL stops the COPY, and the thread ends with it.
                connection.connection.cancel()
            worker.join()


def json_response(export: Export) -> StreamingHttpResponse:
    alias = _alias(export)
    _check_database(alias)
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

    response = StreamingHttpResponse(_streamed(chunks(), alias), content_type="application/json")
    return _attachment(response, export.filename("json"))


def _joined(block: list) -> bytes:
    return b"".join(block) if isinstance(block[0], bytes) else "".join(block).encode()


def _alias(export: Export) -> str:
    """The database the export's rows are read from: a replica for a visitor (core/db_router.py)."""
    queryset = export.queryset
    return queryset.db if isinstance(queryset, QuerySet) else DEFAULT_DB_ALIAS


def _streamed(pieces: Generator, alias: str, *, send_first: bool = False) -> Iterator[bytes]:
    """The pieces (all text or all bytes) as bytes, in blocks of about 64 kB, read inside one transaction.

    A block per row would cost the server a write per row. The transaction lets
    PostgreSQL read from a server-side cursor as rows are sent: outside one,
    Django declares the cursor WITH HOLD, which makes PostgreSQL run the whole
    query and store its result before the first row leaves.
    """
    # The pieces are closed before the transaction ends: a client that leaves stops their query first.
    with transaction.atomic(using=alias), contextlib.closing(pieces):
        if send_first:
            # The zip's fixed parts leave at once: the download starts before a block of
            # deflated rows is gathered.
            first = next(pieces, None)
            if first:
                yield _joined([first])
        block, size = [], 0
        for piece in pieces:
            block.append(piece)
            size += len(piece)
            if size >= SEND_SIZE:
                yield _joined(block)
                block, size = [], 0
        if block:
            yield _joined(block)


def _check_database(alias: str) -> None:
    """Fail now if the database cannot be reached, so the visitor gets the 503 page.

    Once a streamed file has started as 200 it can only be cut off. The stream's
    own query runs later, in its transaction (see _streamed): starting it here
    would hold that transaction open past the view, for as long as the response
    object lives.
    """
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def xlsx_response(export: Export) -> StreamingHttpResponse:
    count = export.row_count()
    refuse_beyond(XLSX_ROW_LIMIT, count, XLSX_TOO_LONG)
    columns = export.columns_for(people=True)
    kinds = [column.kind for column in columns]

    def cells():
        # Text is written as an inline string, which a spreadsheet never runs: no quote needed.
        for row in export.rows(columns):
            yield [people_cell(value, kind) for value, kind in zip(row, kinds, strict=True)]

    sheets = [
        Sheet(
            export.stem,
            [column.heading for column in columns],
            [column.width for column in columns],
            cells(),
        )
    ]
    if export.about is not None:
        sheets.append(_about_sheet(export.about, count))
    # Streamed as its rows are read (core/xlsx_stream.py): the first bytes leave at once.
    workbook = xlsx_stream(*sheets)
    response = StreamingHttpResponse(
        _streamed(workbook, _alias(export), send_first=True),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, export.filename("xlsx"))


def _about_sheet(about: About, count: int) -> Sheet:
    """The sheet "About this table": what the table holds, from where, as of when, and under
    which licence, one labelled line each."""
    provenance = about.provenance
    lines = [
        (gettext("Title"), about.title),
        (gettext("Filters"), about.filters_in_words()),
        (gettext("Address"), about.address),
        (gettext("Exported"), timezone.localtime(about.made_at).replace(microsecond=0)),
        (gettext("Information as of"), provenance.as_of),
        (gettext("Source"), provenance.source),
        (gettext("Licence"), str(provenance.licence)),
        (gettext("Rows"), count),
    ]
    return Sheet(gettext("About this table"), [gettext("About this table"), ""], [24, 100], lines)


def export_response(
    export: Export, fmt: str, *, bom: bool = True, labels: bool = False
) -> HttpResponse:
    if fmt == "csv":
        return csv_response(export, bom=bom, labels=labels)
    if fmt == "json":
        return json_response(export)
    return xlsx_response(export)


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
