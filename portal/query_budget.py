"""A public page or API request stops querying before its worker is killed: "too broad", not silence.

A sync gunicorn worker that took longer than its timeout (30 s) was killed and the visitor got an
empty reply; a threaded one (gunicorn.conf.py) is not killed, and a runaway search holds its thread
and the visitor for as long as it runs. So every search (a GET of a page or the API with ``q``) runs under a
budget:

- on PostgreSQL each statement gets ``statement_timeout`` (``STATEMENT_TIMEOUT_SECONDS``), set on
  the connection before the request's first query and reset after its last, so a kept page that
  asks nothing costs nothing (two session commands sent on the driver's own cursor, which the
  page's query counts do not include);
- on any database, no statement starts after ``QUERY_DEADLINE_SECONDS`` from the request's start.

A request that runs over answers 503 with "this search is too broad, add a filter" (a page, or
the API's JSON ``detail``). 503 rather than a 4xx: the request is valid, the server declines to
spend more on it; a 4xx would tell link checkers and clients that the URL is wrong. It is sent
with ``Cache-Control: no-store`` and without ``Retry-After``, since the same request would run
over again. Exports (which stream for minutes by design), the admin and writes are not limited,
nor are the lists without a search: their states are few (the filters' options), each computed
once per generation of the data, and the first visitor after a change of the data waits for the
whole list's exact counts (about 15 s for the million outcomes on a busy machine) rather than
being refused.
"""

import time

from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

STATUS = 503


class TooBroad(Exception):
    """The request ran out of its query budget."""

    def __init__(self) -> None:
        super().__init__(message())


def message() -> str:
    return gettext(
        "This search is too broad to answer in time. Add a filter (a country, a sector, a type or "
        "a year) or more precise words, and try again."
    )


class _Budget:
    """The connection's execute wrapper for one request."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + settings.QUERY_DEADLINE_SECONDS
        self.armed = False

    def __call__(self, execute, sql, params, many, context):
        if time.monotonic() > self.deadline:
            raise TooBroad
        if not self.armed and connection.vendor == "postgresql":
            self.armed = True
            milliseconds = int(settings.STATEMENT_TIMEOUT_SECONDS * 1000)
            # On a cursor of its own: the query's may be a server-side one, which runs one statement.
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = %s", [milliseconds])
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if _cancelled(error):
                raise TooBroad from error
            raise

    def lift(self) -> None:
        """No deadline for what is left of the request: the page that says it was too broad."""
        self.deadline = float("inf")

    def disarm(self) -> None:
        # As it was set: a session command on the connection itself, beside the page's queries.
        if self.armed and connection.connection is not None:
            with connection.connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")


def _cancelled(error: OperationalError) -> bool:
    # psycopg2's QueryCanceled: SQLSTATE 57014, "canceling statement due to statement timeout".
    return getattr(error.__cause__, "pgcode", None) == "57014"


def _limited(request: HttpRequest) -> bool:
    # A search, in the pages and the API alike.
    return (
        request.method in ("GET", "HEAD")
        and bool(request.GET.get("q"))
        and "export" not in request.GET
        and not request.path.startswith((f"/{settings.ADMIN_URL}", f"/{settings.STATIC_URL}"))
    )


class QueryBudgetMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _limited(request):
            return self.get_response(request)
        budget = request.query_budget = _Budget()
        try:
            with connection.execute_wrapper(budget):
                return self.get_response(request)
        finally:
            budget.disarm()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # Raised by a view (the API's too) or while its template renders. Raised by a middleware
        # further in, it reaches the site's 500 handler, which answers the same (portal/views.py).
        return too_broad(request) if isinstance(exception, TooBroad) else None


def too_broad(request: HttpRequest) -> HttpResponse:
    """The page that says the request was too broad, with the form to narrow it."""
    budget = getattr(request, "query_budget", None)
    if budget is not None:
        budget.lift()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message(), "errors": {}}, status=STATUS)
    else:
        response = render(request, "too_broad.html", {"message": message()}, status=STATUS)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    return response
