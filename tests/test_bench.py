"""The benchmark's own yardsticks stay true to what they measure against (bench/README.md)."""

import csv
import importlib.util
import io
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psql's \\copy is the PostgreSQL yardstick"
)


def _bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_copy_yardstick_reads_the_rows_and_columns_of_the_csv_export(seeded, client):
    """psql copies the CSV export's own query: as many rows and cells as the file, the same ids."""
    sql = _bench_run().yardstick_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        copied = cursor.fetchall()

    response = client.get("/outcomes/", {"export": "csv", "bom": "0"})
    exported = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert copied and len(copied) == len(exported)
    assert {len(row) for row in copied} == {len(exported[0])}
    assert sorted(str(row[0]) for row in copied) == sorted(row["id"] for row in exported)
