"""What a rendered page costs: each page through Django's test client, with every count cached.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_render .venv/bin/python bench/render.py
    ... bench/render.py --runs 50 --only partnerships --profile   # cProfile of one page's renders
    ... bench/render.py --admin   # also the largest partnership's admin change form
    ... bench/render.py --lang fr   # the same pages in French (/fr/...), to compare with English

In one process, as a page is rendered for the first visitor after a change (once its counts are
cached), for every logged-in curator, and everywhere with PAGE_CACHE=false: DEBUG off, the
templates configured as in production (the cached loader, Django's default when no loaders are
given), the whole-page cache off, local-memory cache. Each page is requested once to warm the
caches, then --runs times; prints ms per page (median and p95), the median CPU time of this process
(steadier than the clock on a shared machine; the database's time is not in it), queries per page
and the size of the HTML. Each render is followed by a request to /healthz through the same
client, so that "of floor" (the page's requests per second over /healthz's, medians) compares two
numbers measured under the same load. Pages over MAX_HTML bytes are flagged (the largest
partnership's and country's pages are among them), and exit status 1 says some page was. See
bench/README.md.
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_HTML = 200_000  # bytes: no public page may be larger (issue 17)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="Renders per page (default 30).")
    parser.add_argument("--only", help="Only the pages whose name contains this text.")
    parser.add_argument(
        "--profile", action="store_true", help="Print a cProfile of the measured renders."
    )
    parser.add_argument(
        "--admin",
        action="store_true",
        help="Also the admin change form of the partnership with the most outcomes (a superuser "
        "is made for it inside a transaction that is rolled back).",
    )
    parser.add_argument(
        "--lang",
        help="Render the pages in this language of settings.LANGUAGES (/fr/... for fr).",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "false"
    os.environ["PAGE_CACHE"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    for name in ("REDIS_URL", "CACHE_URL"):
        os.environ.pop(name, None)  # local memory: the cache's own cost is not measured
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    assert not settings.DEBUG and not settings.PAGE_CACHE
    pages = [(name, url) for name, url in _pages() if not args.only or args.only in name]
    if args.lang and args.lang != settings.LANGUAGE_CODE:
        pages = [(f"{name} [{args.lang}]", f"/{args.lang}{url}") for name, url in pages]
    if not pages:
        names = ", ".join(name for name, _ in _pages())
        sys.exit(f"No page's name contains “{args.only}”. The pages: {names}.")
    client = Client()
    profiler = cProfile.Profile() if args.profile else None
    print(f"{args.runs} renders a page after one warm-up; DEBUG off, PAGE_CACHE=false, locmem.\n")
    print("| page | status | median ms | p95 ms | CPU ms | of floor | queries | kB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    medians, too_big = [], []

    def measure(name, url):
        client.get(url)  # Warm-up: counts, facets and options computed and cached.
        client.get("/healthz")
        queries, times, cpu_times, floor = [], [], [], []
        for _ in range(args.runs):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                if profiler:
                    profiler.enable()
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu_times.append((time.process_time() - cpu_start) * 1000)
                if profiler:
                    profiler.disable()
            queries.append(counter.count)
            start = time.perf_counter()
            client.get("/healthz")  # The floor, measured next to each render.
            floor.append((time.perf_counter() - start) * 1000)
        times.sort()
        median = statistics.median(times)
        medians.append(median)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        size = len(response.content)
        flag = ""
        if size > MAX_HTML and not name.startswith("admin"):
            too_big.append(name)
            flag = " **over 200 kB**"
        print(
            f"| {name} (`{url}`) | {response.status_code} | {median:.1f} | {p95:.1f} "
            f"| {statistics.median(cpu_times):.1f} | {statistics.median(floor) / median:.3f} "
            f"| {max(queries)} | {size / 1000:.0f}{flag} |"
        )

    for name, url in pages:
        measure(name, url)
    if args.admin:  # Last: its client is logged in.
        with contextlib.ExitStack() as stack:
            measure(*_admin_page(client, stack))
            pages.append(None)
    print(f"\nSum of medians: {sum(medians):.0f} ms over {len(pages)} pages.")
    print(f"Load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}.")
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    if too_big:
        sys.exit(f"Over {MAX_HTML:,} bytes of HTML: {', '.join(too_big)}.")


def _admin_page(client, stack):
    """The admin change form of the partnership with the most outcomes, for a superuser made in a
    transaction that ``stack`` rolls back."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models import Count
    from django.urls import reverse

    from partnerships.models import Partnership

    stack.enter_context(transaction.atomic())
    stack.callback(transaction.set_rollback, True)
    user = User.objects.create_superuser("bench-render", "bench@example.eu", "not-used-to-log-in")
    client.force_login(user)
    largest = Partnership.objects.annotate(n=Count("outcomes")).order_by("-n", "pk").first()
    url = reverse("admin:partnerships_partnership_change", args=[largest.pk])
    return (f"admin: change form of the largest partnership ({largest.n:,} outcomes)", url)


class QueryCounter:
    """Counts the queries run, without the debug cursor's cost of keeping each one."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _pages():
    """The pages that are slow to render, with real values from the data set."""
    from partnerships.models import Partnership, Sector

    example = Partnership.objects.published().order_by("pk").first()
    sector = Sector.objects.with_published_partnership_counts().order_by("-partnership_count")[0]
    from django.db.models import Count

    from partnerships.models import Country

    largest = (
        Partnership.objects.published().annotate(n=Count("outcomes")).order_by("-n", "pk").first()
    )
    busiest = Country.objects.annotate(n=Count("outcomes")).order_by("-n", "code").first()
    return [
        ("home", "/"),
        ("partnerships", "/partnerships/"),
        ("partnerships: sector + target", f"/partnerships/?sector={sector.slug}&target_country=US"),
        ("partnerships: text search", "/partnerships/?q=lighting"),
        ("partnerships: page 20", "/partnerships/?page=20"),
        ("partnership detail", example.get_absolute_url()),
        ("outcomes: type + country + year", "/outcomes/?type=mou&country=CN&year=2020"),
        ("country page", "/countries/US/"),
        ("statistics", "/statistics/"),
        ("clusters", "/clusters/"),
        ("sector page", sector.get_absolute_url()),
        ("outcomes", "/outcomes/"),
        (f"largest partnership ({largest.n:,} outcomes)", largest.get_absolute_url()),
        (f"busiest country ({busiest.n:,} outcomes)", busiest.get_absolute_url()),
    ]


if __name__ == "__main__":
    main()
