"""What a rendered page costs: each page through Django's test client, with every count cached.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_render .venv/bin/python bench/render.py
    ... bench/render.py --runs 50 --only partnerships --profile   # cProfile of one page's renders

In one process, as a page is rendered for the first visitor after a change (once its counts are
cached), for every logged-in curator, and everywhere with PAGE_CACHE=false: DEBUG off, the
templates configured as in production (the cached loader, Django's default when no loaders are
given), the whole-page cache off, local-memory cache. Each page is requested once to warm the
caches, then --runs times; prints ms per page (median and p95), the median CPU time of this process
(steadier than the clock on a shared machine; the database's time is not in it), queries per page
and the size of the HTML. See bench/README.md.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="Renders per page (default 30).")
    parser.add_argument("--only", help="Only the pages whose name contains this text.")
    parser.add_argument(
        "--profile", action="store_true", help="Print a cProfile of the measured renders."
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
    if not pages:
        names = ", ".join(name for name, _ in _pages())
        sys.exit(f"No page's name contains “{args.only}”. The pages: {names}.")
    client = Client()
    profiler = cProfile.Profile() if args.profile else None
    print(f"{args.runs} renders a page after one warm-up; DEBUG off, PAGE_CACHE=false, locmem.\n")
    print("| page | status | median ms | p95 ms | CPU ms | queries | kB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    medians = []
    for name, url in pages:
        client.get(url)  # Warm-up: counts, facets and options computed and cached.
        queries = []
        times = []
        cpu_times = []
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
        times.sort()
        median = statistics.median(times)
        medians.append(median)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"| {name} (`{url}`) | {response.status_code} | {median:.1f} | {p95:.1f} "
            f"| {statistics.median(cpu_times):.1f} | {max(queries)} "
            f"| {len(response.content) / 1000:.0f} |"
        )
    print(f"\nSum of medians: {sum(medians):.0f} ms over {len(pages)} pages.")
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


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
    ]


if __name__ == "__main__":
    main()
