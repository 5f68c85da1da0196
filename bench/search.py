"""Cold searches on the 1M-outcome data set: each search asked for the first time, its latency
against the /healthz floor measured next to it, and three identical cold requests at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf .venv/bin/python bench/search.py \
        [--redis redis://127.0.0.1:6379/5] [--words cluster,mission,...]

Runs the portal in this process through Django's test client (no gunicorn: a cold search is
database work, which the client measures the same), with a new cache generation at the start.
The values every page shares (filter options, years, "data last updated") are warmed first by
the unfiltered lists, as they are on a running site; then every word is searched once on
/outcomes/, /partnerships/ and /api/outcomes/, each search new to the cache. Prints p50/p95/max
per list, the /healthz floor (median of one request before each search) and the machine's load,
and exits 1 when a p95 is over 1 s (``--target``). See bench/README.md.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "cluster,mission,roadmap,office,exchange,synthetic,partners,sfax,recife,lighting,aerospace,"
    "china,brazil,ict brazil,north africa,energy water,textile,health,food,zanzibar"
)
LISTS = ("/outcomes/", "/partnerships/", "/api/outcomes/")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--redis", default="", help="REDIS_URL for the cache; local memory if empty"
    )
    parser.add_argument("--words", default=WORDS, help="comma-separated searches")
    parser.add_argument("--target", type=float, default=1000.0, help="p95 in ms to meet")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from core import counts, data_cache

    if connection.vendor != "postgresql":
        print("Point DATABASE_URL at the 1M-outcome data set on PostgreSQL.", file=sys.stderr)
        return 2
    client = Client()
    load_before = os.getloadavg()
    data_cache.forget()
    for url in LISTS:  # The values every page shares, as on a running site.
        client.get(url)

    def timed(url):
        start = time.perf_counter()
        response = client.get(url)
        return (time.perf_counter() - start) * 1000, response.status_code

    floors, results = [], {url: [] for url in LISTS}
    words = [word.strip() for word in args.words.split(",") if word.strip()]
    for word in words:
        for url in LISTS:
            floors.append(timed("/healthz")[0])
            ms, status = timed(f"{url}?{urlencode({'q': word})}")
            results[url].append((ms, status, word))

    # Three identical cold requests at once: one computation of each missing value.
    computed = {"count_together": 0}
    original = counts.count_together

    def counting(*args, **kwargs):
        computed["count_together"] += 1
        return original(*args, **kwargs)

    counts.count_together = counting
    import core.filters

    core.filters.count_together = counting
    together_url = f"/outcomes/?{urlencode({'q': 'cluster brazil'})}"
    together = []

    def ask():
        together.append(timed(together_url)[0])
        connection.close()

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load_after = os.getloadavg()

    floor = statistics.median(floors)
    print(f"# Cold searches ({time.strftime('%Y-%m-%dT%H:%M')})\n")
    print(
        f"Machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after. Cache: {'Redis' if args.redis else 'local memory'}. "
        f"{len(words)} searches per list, each new to the cache. LIST_MAX_ROWS "
        f"{settings.LIST_MAX_ROWS:,}; statement timeout {settings.STATEMENT_TIMEOUT_SECONDS} s.\n"
    )
    print(f"Floor: /healthz median {floor:.1f} ms.\n")
    print("| list | p50 ms | p95 ms | max ms (search) | p95 in floors | statuses |")
    print("| --- | ---: | ---: | --- | ---: | --- |")
    failed = False
    for url, rows in results.items():
        times = sorted(ms for ms, _, _ in rows)
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        slowest = max(rows)
        statuses = ", ".join(sorted({str(status) for _, status, _ in rows}))
        print(
            f"| `{url}?q=…` | {statistics.median(times):.0f} | {p95:.0f} | "
            f"{slowest[0]:.0f} (`{slowest[2]}`) | {p95 / floor:.0f} | {statuses} |"
        )
        failed |= p95 > args.target
    print(
        f"\nThree identical cold requests at once (`{together_url}`): "
        + ", ".join(f"{ms:.0f} ms" for ms in sorted(together))
        + f"; counts computed {computed['count_together']} time(s) (facets, and the estimated "
        "total of a broad search: 2 at most for one computation of each)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
