"""The plan PostgreSQL makes for the outcome list's page query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_plan(client, params: dict, priced_out=("seqscan", "bitmapscan", "sort")) -> str:
    """The plan of the query that reads the page of ``/outcomes/`` for ``params``. Reading the
    whole table and sorting are priced out, since on a test's few rows either is cheaper than any
    index: the plan shows which indexes can give the page its rows in order."""
    with CaptureQueriesContext(connection) as context:
        assert client.get("/outcomes/", params).status_code == 200
    [page_query] = [
        query["sql"]
        for query in context
        if query["sql"].startswith('SELECT "outcomes_outcome"."id" AS "pk"')
    ]
    with connection.cursor() as cursor:
        for setting in priced_out:
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute(f"EXPLAIN {page_query}")
        return "\n".join(row[0] for row in cursor.fetchall())
