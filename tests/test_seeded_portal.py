"""The portal over the seed data answers the visitors' questions as the source document does."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.utils.html import strip_tags

from outcomes.models import Outcome
from partnerships.exports import PartnershipExport
from partnerships.models import Country, Partnership, Sector
from tests.source_document import TARGET_REGIONS, overview_entries, overview_rows

pytestmark = pytest.mark.django_db
REGION_NAMES = {slug: name for name, slug in TARGET_REGIONS.items()}


def listed(response):
    return {
        item.display_name if hasattr(item, "display_name") else item.title
        for item in response.context["object_list"]
    }


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_escps_targeting_japan_are_exactly_those_whose_overview_row_lists_japan(client, seeded):
    expected = {
        row["name"]
        for row in overview_entries()
        if any(code == "JP" for code, _, _ in row["targets"])
    }
    assert len(expected) == 4
    assert (
        listed(client.get("/partnerships/", {"kind": "escp", "target_country": "JP"})) == expected
    )


def test_a_cross_border_member_is_found_by_either_country(client, seeded):
    assert "ICT4Future" in listed(
        client.get("/partnerships/", {"kind": "escp", "member_country": "SE"})
    )
    assert "ICT4Future" in listed(
        client.get("/partnerships/", {"kind": "escp", "member_country": "DK"})
    )


def test_uk_is_gb(client, seeded):
    uk = listed(client.get("/partnerships/", {"member_country": "UK"}))
    assert uk == listed(client.get("/partnerships/", {"member_country": "GB"}))
    assert len(uk) == 4


def test_the_mous_with_the_usa_are_four(client, seeded):
    response = client.get("/outcomes/", {"type": "mou", "country": "US"})
    assert len(response.context["object_list"]) == 4
    assert {row.partnership for row in response.context["object_list"]} == {
        "Wiintech",
        "BioXClusters",
    }


def test_tunisia_is_targeted_directly_or_through_a_region_and_the_page_says_which(client, seeded):
    response = client.get("/partnerships/", {"target_country": "TN"})
    assert listed(response) == {
        "Textile2020",
        "ESCP Energy in Water",
        "ESCP for Personalized Healthcare",
    }
    assert {p.name: strip_tags(p.why) for p in response.context["object_list"]} == {
        "Textile2020": "targets directly",
        "ESCP Energy in Water": "targets through Mediterranean Region",
        "ESCP for Personalized Healthcare": "targets through North Africa",
    }


def seeded_urls():
    yield from ["/", "/partnerships/", "/outcomes/", "/sectors/", "/countries/", "/clusters/"]
    yield from ["/reports/escp-overview/", "/about/exports/"]
    yield from (p.get_absolute_url() for p in Partnership.objects.all())
    yield from (s.get_absolute_url() for s in Sector.objects.all())
    yield from (o.get_absolute_url() for o in Outcome.objects.all())
    yield from (c.get_absolute_url() for c in Country.objects.published())


def test_every_page_renders_for_the_seed_data(client, seeded):
    urls = list(seeded_urls())
    assert len(urls) > 80
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<title>" in response.text and "<h1" in response.text, url


@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/nope/",
        "/sectors/nope/",
        "/countries/XX/",
        "/countries/123/",
        "/clusters/nope/",
        "/outcomes/999999/",
    ],
)
def test_unknown_records_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


def export_rows(client, fmt):
    response = client.get("/partnerships/", {"kind": "escp", "export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
        return [
            {
                k: v.split(";") if k in LISTS and v else ([] if k in LISTS else v)
                for k, v in row.items()
            }
            for row in rows
        ]
    if fmt == "json":
        return json.loads(body(response))
    # The XLSX is for people: headings in words, names beside the codes; read back as the columns.
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]
    header, *values = sheet.iter_rows(values_only=True)
    names = {column.heading: column.name for column in PartnershipExport.columns}
    rows = [dict(zip(header, row, strict=True)) for row in values]
    return [
        {
            names[k]: (v.split("; ") if v else [])
            if names[k] in LISTS
            else ("" if v is None else v)
            for k, v in row.items()
            if k in names
        }
        for row in rows
    ]


LISTS = {
    "sectors",
    "member_countries",
    "member_country_entries",
    "member_country_names",
    "target_countries",
    "tentative_target_countries",
    "target_regions",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_partnership_export_matches_the_overview_table_for_all_13_escps(client, seeded, fmt):
    rows = {
        (row["name"] + (" - " + row["acronym"] if row["acronym"] else "")): row
        for row in export_rows(client, fmt)
    }
    entries = overview_entries()
    assert len(entries) == len(rows) == 13
    for entry in entries:
        row = rows[entry["name"]]
        assert row["sectors"] == [entry["sector"]]
        assert int(row["partner_count"]) == entry["partners"]
        assert int(row["country_count"]) == entry["countries"]
        assert row["member_country_entries"] == [
            f"{c}-{x}" if x else c for c, x in entry["members"]
        ]
        assert row["target_countries"] == [
            c for c, _, tentative in entry["targets"] if c and not tentative
        ]
        assert row["tentative_target_countries"] == [
            c for c, _, tentative in entry["targets"] if c and tentative
        ]
        assert row["target_regions"] == [REGION_NAMES[r] for _, r, _ in entry["targets"] if r]


def test_the_three_formats_hold_the_same_values(client, seeded):
    csv_rows, xlsx_rows, json_rows = (export_rows(client, fmt) for fmt in ("csv", "xlsx", "json"))
    assert as_text(csv_rows) == as_text(xlsx_rows) == as_text(json_rows)


def as_text(rows):
    """Cells as a CSV shows them: an empty date is "" in CSV and XLSX, null in JSON; a date is a
    date cell in XLSX, which openpyxl reads back as a datetime at midnight."""
    return [{k: cell_text(v) for k, v in row.items()} for row in rows]


def cell_text(value):
    if isinstance(value, list):
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def test_the_overview_report_regenerates_the_source_table(client, seeded):
    response = client.get("/reports/escp-overview/", {"export": "csv"})
    report = {
        row["Name"]: row for row in csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))
    }
    assert len(report) == 13
    for name, sector, members, targets in overview_rows():
        row = report[name]
        assert row["Sector"] == sector
        # The report writes ISO codes where the source wrote the EU's aliases.
        assert row["Partners/Countries"] == re.sub(r"\bUK\b", "GB", members).replace("ROK", "KR")
        if targets == "-":
            assert row["Target Countries"] == "–"
        else:
            assert row["Target Countries"].count(",") == targets.count(",")
            assert ("+ possibly" in row["Target Countries"]) == ("+ possibly" in targets)
    html = client.get("/reports/escp-overview/").text
    assert "Mind the Gap – Health and Wellbeing for elderly" in html
    assert (
        "United States of America, Canada, Brazil, China, Mediterranean Region, Baltic Sea Region + possibly India"
        in html
    )
