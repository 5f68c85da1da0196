"""An XLSX workbook, written as its rows are read: the first bytes leave at once.

An XLSX file is a zip of XML parts. openpyxl writes the sheet to a temporary file and zips it only
when the last row is in (50,000 clusters: nothing sent for 6-8 s, and a worker held meanwhile).
Python's zipfile writes to a stream it cannot seek (each entry's sizes follow its data), so here
the fixed parts are written first and the sheet's XML is deflated row by row into the response.
Cells are typed as openpyxl would type them: text as inline strings, numbers, booleans, and dates
as day numbers with a ``yyyy-mm-dd`` format; the header is bold and frozen.
"""

import datetime
import decimal
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# XML 1.0 cannot hold these control characters (openpyxl's ILLEGAL_CHARACTERS_RE, the same set).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Spreadsheets count days from 1899-12-30 (the 1900 system, with its leap-year quirk absorbed).
EPOCH = datetime.date(1899, 12, 30)
# Rows deflated between two hand-overs to the response.
ROWS_PER_BLOCK = 500

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _workbook_rels(sheets: int) -> str:
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        _XML + f'<Relationships xmlns="{_PKG_REL}">{relations}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


# Cell styles: 0 plain, 1 bold (the header), 2 a date.
STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _Pipe:
    """Where zipfile writes: it keeps what was written until the response takes it. Having no
    tell() or seek(), it makes zipfile write each entry's sizes after its data."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _text(value: str, style: str = "") -> str:
    value = ILLEGAL_CHARACTERS.sub("", value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c t="inlineStr"{style}><is><t{space}>{escape(value)}</t></is></c>'


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime.datetime):
        delta = value.replace(tzinfo=None) - datetime.datetime.combine(EPOCH, datetime.time())
        return f'<c s="2"><v>{delta.total_seconds() / 86400}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c s="2"><v>{(value - EPOCH).days}</v></c>'
    return _text(str(value))


@dataclass
class Sheet:
    """One sheet: its name, its header row (bold, frozen), its columns' widths in characters, and
    its rows (cells already made safe), read only when the sheet is written."""

    name: str
    header: Sequence[str]
    widths: Sequence[int]
    rows: Iterable[Sequence]


def xlsx_stream(*sheets: Sheet) -> Iterator[bytes]:
    """The workbook's bytes, in blocks, as each sheet's rows are read, the sheets in order."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        names = "".join(
            f'<sheet name={quoteattr(sheet.name[:31])} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            _XML
            + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", STYLES)
        yield pipe.take()
        for n, sheet in enumerate(sheets, start=1):
            yield from _write_sheet(archive, pipe, f"xl/worksheets/sheet{n}.xml", sheet)
    yield pipe.take()


def _write_sheet(archive: zipfile.ZipFile, pipe: _Pipe, path: str, sheet: Sheet) -> Iterator[bytes]:
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(sheet.widths, start=1)
    )
    with archive.open(path, "w", force_zip64=True) as part:
        part.write(
            (
                _XML + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                f"</sheetView></sheetViews><cols>{columns}</cols><sheetData>"
                "<row>" + "".join(_text(name, ' s="1"') for name in sheet.header) + "</row>"
            ).encode()
        )
        block: list[str] = []
        for row in sheet.rows:
            block.append("<row>" + "".join(map(_cell, row)) + "</row>")
            if len(block) >= ROWS_PER_BLOCK:
                part.write("".join(block).encode())
                block.clear()
                yield pipe.take()
        part.write(("".join(block) + "</sheetData></worksheet>").encode())
    yield pipe.take()
