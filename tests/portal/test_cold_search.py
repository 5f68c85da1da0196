"""Cold searches (issue 17): read the matching rows once, estimate what is too broad to count,
compute each missing value once, key it by the canonical search, stop before the worker dies."""

import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import data_cache
from outcomes.filters import OutcomeFilter
from portal import query_budget
from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def outcomes():
    solar = PartnershipFactory(name="Solar Bridge", acronym="SOLBR")
    for n in range(6):
        OutcomeFactory(partnership=solar, title=f"Roadmap {n}", type="roadmap")
    for n in range(4):
        OutcomeFactory(partnership=solar, title=f"Business mission {n}", type="mission")
    OutcomeFactory(partnership=solar, title="Unrelated", description="nothing to see")
    return solar


def searching(queries, text) -> list[str]:
    return [q["sql"] for q in queries if f"%{text}%" in q["sql"]]


def test_a_search_reads_its_rows_once_for_the_page_and_every_facet(client, outcomes):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/outcomes/", {"q": "roadmap"})
    assert response.context["result_count"] == 6
    assert "Roadmap (6)" in response.text  # The type facet, exact.
    # The names the search matches (counterparts, partnerships) and its rows' keys, once each;
    # the page's rows, the six facets and the total select by the keys. Each used to search again.
    assert len(searching(queries.captured_queries, "roadmap")) == 3


def test_a_search_differing_only_in_case_and_spaces_is_not_counted_again(client, outcomes):
    client.get("/outcomes/", {"q": "Mission"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/outcomes/", {"q": "  MISSION "})
    assert response.context["result_count"] == 4
    # Its total and facet counts come from the cache; only its rows are read, by their keys, also
    # kept: the text is not searched again.
    assert not [q for q in queries.captured_queries if "tally" in q["sql"] or "COUNT(" in q["sql"]]
    assert not searching(queries.captured_queries, "mission")
    assert [row.title for row in response.context["object_list"]] == [
        row.title for row in client.get("/outcomes/", {"q": "mission"}).context["object_list"]
    ]


def test_a_search_kept_is_searched_again_once_the_data_changes(client, outcomes):
    assert client.get("/outcomes/", {"q": "mission"}).context["result_count"] == 4
    assert client.get("/api/outcomes/", {"q": "mission"}).json()["count"] == 4
    OutcomeFactory(partnership=outcomes, title="Business mission to Recife", type="mission")
    response = client.get("/outcomes/", {"q": "mission"})
    assert response.context["result_count"] == 5
    assert "Business mission to Recife" in response.text
    assert client.get("/api/outcomes/", {"q": "mission"}).json()["count"] == 5


def test_a_search_matching_more_rows_than_pages_reach_is_estimated_and_says_so(
    client, outcomes, settings, monkeypatch
):
    settings.LIST_MAX_ROWS = 5
    # A sample of every page of the table: the estimate is then exact, and the test can say so.
    monkeypatch.setattr(OutcomeFilter, "sample_percent", 100.0)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/outcomes/", {"q": "o"})
    text = response.text
    if connection.vendor == "postgresql":
        assert any("TABLESAMPLE SYSTEM" in q["sql"] for q in queries.captured_queries)
        assert "About 11 outcomes (estimated)" in text
        assert "Roadmap (about 6)" in text
        assert "the counts are estimated from a sample" in text
        api = client.get("/api/outcomes/", {"q": "o"}).json()
        assert (api["count"], api["count_is_estimate"]) == (11, True)
    else:  # SQLite counts them all.
        assert "11 outcomes" in text and "estimated" not in text
        assert "Roadmap (6)" in text


def test_a_missing_value_is_computed_once_however_many_want_it():
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return "counted"

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(data_cache.cached("n", ("x",), compute)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["counted"] * 3
    assert len(calls) == 1


def test_a_failed_computation_leaves_the_value_to_the_next_request():
    def fail():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        data_cache.cached("n", ("y",), fail)
    # The lock went with the failure: the next request computes at once, without waiting.
    start = time.monotonic()
    assert data_cache.cached("n", ("y",), lambda: 7) == 7
    assert time.monotonic() - start < 1


def test_values_in_a_shared_cache_live_until_the_data_changes(settings):
    assert data_cache.timeout() == data_cache.TIMEOUT  # A process's own memory.
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
        }
    }
    redis_cache = caches["default"]
    if redis_cache.problem():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    assert data_cache.timeout() is None
    data_cache.cached("ttl", (), lambda: 1)
    client = redis_cache._cache.get_client(write=False)
    assert client.ttl(redis_cache.make_and_validate_key(data_cache.key("ttl", ()))) == -1
    data_cache.forget()


def test_a_search_out_of_time_answers_too_broad_not_an_empty_reply(client, outcomes, settings):
    settings.QUERY_DEADLINE_SECONDS = -1
    response = client.get("/outcomes/", {"q": "roadmap"})
    assert response.status_code == 503
    assert "This search is too broad" in response.text
    assert response["Cache-Control"] == "no-store"
    api = client.get("/api/outcomes/", {"q": "roadmap"})
    assert api.status_code == 503
    assert "too broad" in api.json()["detail"]
    # Lists without a search, and exports, are not limited; nor was the refusal kept.
    assert client.get("/outcomes/").status_code == 200
    assert client.get("/outcomes/", {"q": "roadmap", "export": "csv"}).status_code == 200
    settings.QUERY_DEADLINE_SECONDS = 15
    assert client.get("/outcomes/", {"q": "roadmap"}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_statement_past_its_timeout_is_too_broad_and_the_timeout_is_reset(settings):
    settings.STATEMENT_TIMEOUT_SECONDS = 0.05
    budget = query_budget._Budget()
    with (
        connection.execute_wrapper(budget),
        connection.cursor() as cursor,
        pytest.raises(query_budget.TooBroad),
        transaction.atomic(),
    ):
        cursor.execute("SELECT pg_sleep(2)")
    budget.disarm()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
