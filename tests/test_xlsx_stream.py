"""The streamed XLSX writer (core/xlsx_stream.py), read back by openpyxl: typed cells, several sheets,
and bytes that leave before the rows are all read."""

import datetime
import io

import openpyxl

from core.xlsx_stream import Sheet, xlsx_stream


def test_a_workbook_of_two_sheets_reads_back_with_its_types_and_styles():
    rows = [
        ["  spaced  ", 3, datetime.date(2013, 10, 15), None, True, "a\x01b <&>"],
        ["=1+1 as text", -2.5, None, "", False, "ünï"],
    ]
    workbook = b"".join(
        xlsx_stream(
            Sheet("Outcomes", ["text", "n", "date", "empty", "flag", "odd"], [30, 8], rows),
            Sheet("About this table", ["what"], [60], [["Read from the 2014 findings"]]),
        )
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    first, about = book.worksheets
    assert (first.title, about.title) == ("Outcomes", "About this table")
    assert [[cell.value for cell in row] for row in first.iter_rows(min_row=2)] == [
        ["  spaced  ", 3, datetime.datetime(2013, 10, 15), None, True, "ab <&>"],
        ["=1+1 as text", -2.5, None, None, False, "ünï"],
    ]
    assert first["A2"].data_type == "s"  # text, never a formula
    assert first["C2"].number_format == "yyyy-mm-dd"
    assert first["A1"].font.bold and first.freeze_panes == "A2"
    assert first.column_dimensions["A"].width == 30
    assert about["A2"].value == "Read from the 2014 findings"


def test_the_first_bytes_leave_before_any_row_is_read():
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield [n]

    stream = xlsx_stream(Sheet("Numbers", ["n"], [10], rows()))
    assert next(stream).startswith(b"PK") and read == []
    rest = b"".join(stream)
    assert read == [0, 1, 2] and rest
