"""Reports an analyst can hand in (issue 22): spreadsheets for people with a sheet saying what they
hold, PDF documents of any selection, and citations of any selection."""

import csv
import io
import re
import subprocess

import openpyxl
import pytest

from core import pdf

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=body(response), capture_output=True, check=True
    ).stdout.decode()


def test_the_xlsx_of_escps_targeting_north_africa_is_for_people(client, seeded):
    response = client.get(
        "/partnerships/", {"target_region": "north-africa", "kind": "escp", "export": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    table, about = book.worksheets
    header = [cell.value for cell in table[1]]
    assert header[:3] == ["Partnership", "Acronym", "Kind"]
    assert {"Members", "Member countries", "Target countries", "Target country codes"} <= set(
        header
    )
    assert not {"partner_count", "member_country_entries"} & set(header)
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=True))
        for row in table.iter_rows(min_row=2)
    ]
    assert rows, "the seed has ESCPs targeting North Africa"
    # Through North Africa itself, or its third countries (docs/data-model.md).
    assert any("North Africa" in (row["Target regions"] or "") for row in rows)
    assert any("United States" in (row["Target countries"] or "") for row in rows)
    assert any("Germany" in row["Member countries"] for row in rows)

    assert about.title == "About this table"
    lines = {row[0].value: row[1].value for row in about.iter_rows()}
    assert "North Africa" in lines["Filters"]
    assert "target_region=north-africa" in lines["Address"]
    assert lines["Rows"] == len(rows)
    assert lines["Information as of"].date().isoformat() == "2014-01-21"
    assert "EU Cluster Internationalisation with 3rd-countries" in lines["Source"]
    assert lines["Licence"]
    assert lines["Exported"].year >= 2026


def test_xlsx_text_is_stored_as_text_with_no_quote_showing(client, seeded):
    from partnerships.models import Partnership

    Partnership.objects.filter(acronym="ELCA").update(acronym="=1+1")
    response = client.get("/partnerships/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "=1+1" in {cell.value for cell in cells}
    # CSV keeps the quote: a CSV cell has no type.
    assert "'=1+1" in body(client.get("/partnerships/", {"export": "csv"})).decode()


def test_labelled_csv_has_human_headers_and_machine_csv_keeps_its_names(client, seeded):
    labelled = body(client.get("/partnerships/", {"export": "csv", "labels": "1"})).decode(
        "utf-8-sig"
    )
    header, *rows = list(csv.reader(io.StringIO(labelled)))
    assert header[:2] == ["Partnership", "Acronym"]
    assert "Target countries" in header and "Members" in header
    assert len(rows) == 19  # 13 ESCPs and 6 projects
    machine = body(client.get("/partnerships/", {"export": "csv"})).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(machine)))[:3] == ["name", "acronym", "kind"]
    assert client.get("/partnerships/", {"export": "csv", "labels": "2"}).status_code == 400


def test_the_pdf_of_the_escp_overview_has_its_13_rows_and_every_column(client, seeded):
    from tests.source_document import overview_entries

    text = pdf_text(client.get("/reports/escp-overview/", {"export": "pdf"}))
    for heading in ("Name", "Sector", "Partners/Countries", "Target Countries"):
        assert heading in text
    flat = " ".join(text.split())
    for entry in overview_entries():
        # Long names wrap inside their cell: the acronym or the first words are on one line.
        assert entry["name"].split(" - ")[0][:18] in flat, entry["name"]
    assert re.search(r"Rows[^0-9]*13\b", " ".join(text.split()))  # the headline figure
    rows = [line for line in text.splitlines() if re.search(r"\d+ from \d+ countr", line)]
    assert len(rows) == 13  # one "N from M countries" cell a row
    assert (
        "European Strategic Cluster Partnerships Overview" in flat
    )  # the caption cites the source
    assert "Source:" in flat and re.search(r"\b1 ?/ ?2\b", flat)  # the footer and page numbers


def test_the_escp_overview_filtered_by_sector_is_that_subset(client, seeded):
    response = client.get("/reports/escp-overview/", {"sector": "aerospace", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        "European Aerospace Cluster Partnership - EACP"
    ]


def test_the_pdf_of_china_holds_its_map(client, seeded):
    response = client.get("/countries/CN/", {"export": "pdf"})
    text = pdf_text(response)
    assert "China, and where the partnerships working with it come from" in " ".join(text.split())
    # The map is vector drawing: the country shapes make the page's content stream long.
    assert len(body(response)) > 30_000


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships/",
        "/outcomes/",
        "/clusters/",
        "/sectors/",
        "/countries/",
        "/sectors/aerospace/",
    ],
)
def test_every_list_and_page_gives_a_pdf(client, seeded, path):
    assert "EU Cluster Internationalisation Portal" in pdf_text(client.get(path, {"export": "pdf"}))


def test_a_partnership_pdf(client, seeded):
    from partnerships.models import Partnership

    partnership = Partnership.objects.get(acronym="ELCA")
    text = pdf_text(client.get(partnership.get_absolute_url(), {"export": "pdf"}))
    assert "European Lighting Cluster Alliance" in text


def test_a_pdf_of_too_many_rows_answers_400_pointing_to_the_files(client, seeded, monkeypatch):
    monkeypatch.setattr(pdf, "PDF_ROW_LIMIT", 5)
    response = client.get("/partnerships/", {"export": "pdf"})
    assert response.status_code == 400
    message = response.content.decode()
    assert "at most 5 rows" in message and "XLSX or CSV" in message
    assert client.get("/sectors/aerospace/", {"export": "docx"}).status_code == 400
