"""Bulk import: preview row by row, nothing written until confirmed, all or nothing, round trips."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from core import imports
from outcomes.models import Organisation, Outcome
from partnerships.models import MemberCountry, Partnership, Region, TargetMarket
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db

OUTCOMES_IMPORT = reverse("admin:outcomes_outcome_import")
OUTCOMES_CONFIRM = reverse("admin:outcomes_outcome_process_import")
PARTNERSHIPS_IMPORT = reverse("admin:partnerships_partnership_import")
PARTNERSHIPS_CONFIRM = reverse("admin:partnerships_partnership_process_import")
CSV, XLSX = "0", "1"


def upload(client, url, name, content, fmt=CSV):
    return client.post(
        url, {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)}
    )


def confirm(client, url, preview):
    assert "confirm_form" in preview.context, "the preview offers no confirmation"
    return client.post(url, preview.context["confirm_form"].initial)


def body(response):
    return b"".join(response.streaming_content)


def snapshot(model):
    return list(model.objects.order_by("pk").values())


@pytest.fixture
def logged_in_editor(client, editor):
    client.force_login(editor)
    return client


MIXED = """partnership_slug,type,title,country,date,counterpart
elca,mou,Good MoU with the USA,US,2013-01-01,US Lighting Cluster
nope,mou,MoU of an unknown partnership,US,2013-01-01,
elca,mou,MoU with nowhere,XX,2013-01-01,
elca,mou,MoU on a day that never was,US,2013-02-30,
elca,mou,The same MoU again,US,2013-01-01,US Lighting Cluster
elca,gift,A gift,US,,
"""


def test_a_file_with_bad_rows_is_previewed_with_reasons_and_cannot_be_confirmed(
    logged_in_editor, partnership
):
    before = snapshot(Outcome)
    response = upload(logged_in_editor, OUTCOMES_IMPORT, "mixed.csv", MIXED.encode())
    assert response.status_code == 200
    text = response.text
    assert "No partnership “nope” on this portal." in text
    assert "Unknown country “XX”: use an ISO code such as BR, CN or US." in text
    assert "“2013-02-30” is not a date: write it as YYYY-MM-DD, e.g. 2013-10-15." in text
    assert "This MoU duplicates “Good MoU with the USA”" in text
    assert "“gift” is not an outcome type" in text
    assert "confirm_form" not in response.context
    assert snapshot(Outcome) == before
    assert not Organisation.objects.exists()  # The preview's own writes were rolled back.


def test_a_good_file_is_previewed_then_written_as_drafts_on_confirm(logged_in_editor, partnership):
    good = "\ufeffpartnership_slug,type,kind,title,country,city,date\nelca,mou,,MoU with Chile,CL,Santiago,2013-03-01\nelca,mission,business_trip,Business trip to Tunis,TN,Tunis,\n"
    preview = upload(logged_in_editor, OUTCOMES_IMPORT, "good.csv", good.encode())
    assert preview.status_code == 200
    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new"]
    assert not Outcome.objects.exists()
    response = confirm(logged_in_editor, OUTCOMES_CONFIRM, preview)
    assert response.status_code == 302
    rows = list(
        Outcome.objects.order_by("title").values_list(
            "title", "type", "country", "city", "date", "is_published"
        )
    )
    assert rows == [
        ("Business trip to Tunis", "mission", "TN", "Tunis", None, False),
        ("MoU with Chile", "mou", "CL", "Santiago", datetime.date(2013, 3, 1), False),
    ]
    for outcome in Outcome.objects.all():
        assert Version.objects.get_for_object(outcome).count() == 1


def test_export_then_import_changes_nothing(logged_in_editor, client):
    food = SectorFactory(name="Food, Health & Wellbeing", slug="food")
    region = Region.objects.create(name="South America", slug="south-america")
    partnership = PartnershipFactory(
        name="Mind the Gap – Health and Wellbeing for elderly",
        slug="mind-the-gap",
        sectors=[food],
        partner_count=7,
        country_count=5,
    )
    for position, (country, cross) in enumerate([("SE", "DK"), ("GB", None), ("FI", None)]):
        MemberCountry.objects.create(
            partnership=partnership,
            position=position,
            country_id=country,
            cross_border_country_id=cross,
        )
    # Interleaved targets: a region between countries, and a tentative one.
    TargetMarket.objects.create(partnership=partnership, position=0, country_id="CN")
    TargetMarket.objects.create(partnership=partnership, position=1, region=region)
    TargetMarket.objects.create(
        partnership=partnership, position=2, country_id="IN", tentative=True
    )
    OutcomeFactory(
        partnership=partnership,
        title='=HYPERLINK("x")',
        country_id="CN",
        date=datetime.date(2013, 5, 1),
    )
    OutcomeFactory(
        partnership=partnership,
        title="Office in China",
        type="office",
        subtype="joint_office",
        country_id="CN",
    )
    tables = [Partnership, MemberCountry, TargetMarket, Outcome, Organisation]
    before = {model: snapshot(model) for model in tables}

    for list_url, import_url, confirm_url in [
        ("/partnerships/", PARTNERSHIPS_IMPORT, PARTNERSHIPS_CONFIRM),
        ("/outcomes/", OUTCOMES_IMPORT, OUTCOMES_CONFIRM),
    ]:
        for fmt, extension in [(CSV, "csv"), (XLSX, "xlsx")]:
            exported = body(client.get(list_url, {"export": extension}))
            preview = upload(logged_in_editor, import_url, f"export.{extension}", exported, fmt)
            assert preview.status_code == 200
            assert {row.import_type for row in preview.context["result"].rows} == {"skip"}, list_url
            confirm(logged_in_editor, confirm_url, preview)
    assert {model: snapshot(model) for model in tables} == before


def test_a_changed_cell_updates_that_record_only(logged_in_editor, client, partnership):
    outcome = OutcomeFactory(partnership=partnership, title="MoU with Chile", country_id="CL")
    OutcomeFactory(partnership=partnership, title="MoU with Brazil", country_id="BR")
    exported = body(client.get("/outcomes/", {"export": "csv"})).decode("utf-8-sig")
    edited = exported.replace("MoU with Chile", "MoU with a Chilean cluster")
    preview = upload(logged_in_editor, OUTCOMES_IMPORT, "edited.csv", edited.encode())
    assert sorted(row.import_type for row in preview.context["result"].rows) == ["skip", "update"]
    confirm(logged_in_editor, OUTCOMES_CONFIRM, preview)
    outcome.refresh_from_db()
    assert outcome.title == "MoU with a Chilean cluster"
    assert Outcome.objects.filter(title="MoU with Brazil").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "binary.csv",
            b"PK\x03\x04\x00\x00" * 200,
            "This file is not a CSV text file (it holds binary data).",
        ),
        (
            "latin.csv",
            "partnership_slug,type,title\nelca,mou,Caf\xe9\n".encode("latin-1"),
            "This CSV file is not UTF-8.",
        ),
        (
            "columns.csv",
            b"foo,bar\n1,2\n",
            "The columns “foo”, “bar” are not ones this import knows.",
        ),
        (
            "missing.csv",
            b"title\nA title\n",
            "The file lacks these columns: “partnership_slug”, “type”.",
        ),
        ("empty.csv", b"", "The submitted file is empty."),
        ("fake.xlsx", b"not a spreadsheet at all", "This file is not an XLSX workbook."),
    ],
)
def test_files_that_are_not_what_they_claim_get_a_clear_message(
    logged_in_editor, partnership, name, content, message
):
    response = upload(
        logged_in_editor, OUTCOMES_IMPORT, name, content, XLSX if name.endswith("xlsx") else CSV
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Outcome.objects.exists()


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(
    logged_in_editor, partnership, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 100)
    response = upload(
        logged_in_editor,
        OUTCOMES_IMPORT,
        "big.csv",
        b"partnership_slug,type,title\n" + b"elca,mou,x\n" * 20,
    )
    assert "imports take at most 0 MB. Split it into smaller files." in response.text
    assert not Outcome.objects.exists()


def test_an_xlsx_with_formula_text_is_read_as_text(logged_in_editor, partnership):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["partnership_slug", "type", "title", "country"])
    sheet.append(["elca", "mou", "'=1+1", "US"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(logged_in_editor, OUTCOMES_IMPORT, "formula.xlsx", buffer.getvalue(), XLSX)
    confirm(logged_in_editor, OUTCOMES_CONFIRM, preview)
    assert Outcome.objects.get().title == "=1+1"


@pytest.mark.parametrize("who", ["coordinator", "staff_without_permission"])
def test_only_editors_may_import(client, request, partnership, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(OUTCOMES_IMPORT).status_code == 403
    assert (
        upload(
            client, OUTCOMES_IMPORT, "good.csv", b"partnership_slug,type,title\nelca,mou,x\n"
        ).status_code
        == 403
    )
    assert not Outcome.objects.exists()


def test_an_unknown_column_is_named_with_the_expected_ones_and_no_traceback(
    logged_in_editor, partnership
):
    response = upload(
        logged_in_editor,
        OUTCOMES_IMPORT,
        "typo.csv",
        b"partnership_slug,type,title,contry\nelca,mou,MoU with Chile,CL\n",
    )
    assert response.status_code == 200
    text = response.text
    assert "The column “contry” is not one this import knows." in text
    expected = ", ".join(
        f"“{name}”"
        for name in [
            *("id", "partnership_slug", "type", "kind", "level", "title", "country", "city"),
            *("date", "year", "counterpart", "venue", "direction", "evidence_url"),
            *("partnership", "country_name", "source", "as_of", "url"),
        ]
    )
    assert f"The columns it knows are {expected}" in text
    for leak in ("Traceback", "File &quot;", 'File "', "site-packages", "/work/", ".py"):
        assert leak not in text
    assert "confirm_form" not in response.context
    assert not Outcome.objects.exists()
