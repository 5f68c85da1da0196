"""The portal's benchmark: pages, queries and exports against PostgreSQL holding the demo data set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf .venv/bin/python bench/run.py [--quick]

Starts gunicorn as in production (DJANGO_ENV=production, DEBUG off, whitenoise over
a fresh collectstatic), measures, prints a Markdown report and writes it to
bench/results/<date>.md. See bench/README.md for what each figure means.
"""

import argparse
import contextlib
import datetime
import http.client
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
FLOOR = "/healthz"
WRK = shutil.which("wrk")
WRK_SCRIPT = str(ROOT / "bench" / "wrk_client.lua")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="Short runs (2 s a page, no 70%% run)."
    )
    parser.add_argument("--concurrency", type=int, default=4, help="Clients at once (default 4).")
    parser.add_argument("--seconds", type=float, default=8.0, help="Seconds per page (default 8).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--only",
        choices=["exports", "admin", "rendered"],
        help="Measure only this part (written to <date>-<part>.md; the README is left alone).",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/5",
        help="The Redis cache, as in production (default: database 5 on localhost); '' for local memory.",
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds = 2.0
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database holding the demo data set.")
    if not WRK:
        sys.exit("The load client is wrk: install it first (Debian: apt-get install wrk).")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # Queries are counted for pages that are rendered; a kept page costs none.
    os.environ["PAGE_CACHE"] = "false"
    import django

    django.setup()
    from outcomes.models import Outcome
    from partnerships.models import Cluster, Partnership

    sizes = {
        "partnerships": Partnership.objects.count(),
        "clusters": Cluster.objects.count(),
        "outcomes": Outcome.objects.count(),
    }
    if sizes["outcomes"] < 1000:
        sys.exit("The database holds almost no outcomes: run generate_demo_data first.")
    pages = _pages()
    report = Report(args, sizes)
    if not args.only:
        report.queries = _queries_per_page(pages)
    if args.only in (None, "admin"):
        report.admin = _admin_pages()
        report.note_load("admin")
    if args.only == "admin":
        _finish(report, args)
        return

    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    server = Server(args, database_url, static_root)
    try:
        server.collect_static()
        if args.only != "rendered":
            _kept_pages_and_exports(server, pages, report, args)
        if args.only in (None, "rendered"):
            # The same pages rendered for every request (as for a logged-in curator, or the first
            # visitor after a change), the counts and filter options still cached.
            server.stop()
            server.start(page_cache=False)
            report.rendered = _load(pages, args, server.base)
            report.note_load("rendered pages")
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    _finish(report, args)


def _kept_pages_and_exports(server, pages, report, args):
    """The pages served from the whole-page cache (and, in a full run, the cold searches before
    them and the paced run after), then the exports."""
    server.start(page_cache=True)
    if args.redis:
        _new_generation(args.redis)
        if not args.only:
            report.cold = _cold_searches(server.base, args.redis, args.quick)
            report.note_load("cold searches")
    report.load = _load(pages[:3] if args.only else pages, args, server.base)
    report.note_load("pages")
    if not args.quick and not args.only:
        report.paced = _paced(pages, args, server.base, report.load)
        report.note_load("paced")
    report.exports = _exports(server, args)
    report.note_load("exports")


def _finish(report, args):
    text = report.markdown()
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    suffix = f"-{args.only}" if args.only else "-quick" if args.quick else ""
    path = results / f"{datetime.date.today().isoformat()}{suffix}.md"
    path.write_text(text)
    if not args.quick and not args.only:
        _update_readme(text)
    print(f"Written to {path.relative_to(ROOT)}")


def _pages():
    """The pages the issue lists, with real values from the data set."""
    from partnerships.models import Partnership, Sector

    example = Partnership.objects.published().order_by("pk").first()
    sector = Sector.objects.with_published_partnership_counts().order_by("-partnership_count")[0]
    return [
        ("health endpoint (floor)", FLOOR),
        ("home", "/"),
        ("partnerships", "/partnerships/"),
        ("partnerships: sector + target", f"/partnerships/?sector={sector.slug}&target_country=US"),
        ("partnerships: text search", "/partnerships/?q=lighting"),
        ("partnerships: page 200", "/partnerships/?page=200"),
        ("partnership detail", example.get_absolute_url()),
        ("outcomes: type + country + year", "/outcomes/?type=mou&country=CN&year=2020"),
        ("country page", "/countries/US/"),
        ("statistics", "/statistics/"),
    ]


def _queries_per_page(pages):
    """Queries per page through Django's test client: cold (no cache), then warm."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    client = Client()
    counts = {}
    for name, url in pages:
        found = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as context:
                client.get(url)
            found.append(len(context))
        counts[name] = tuple(found)
    return counts


def _new_generation(redis_url):
    """Start from a new generation of the data: nothing computed earlier is used."""
    import redis

    redis.Redis.from_url(redis_url).delete(":1:portal:data-generation", ":1:portal:data-updated-at")


# Searches whose first answer nothing cached hides: the pages' and the API's text search.
COLD_SEARCHES = [
    "/outcomes/?q=cluster",
    "/outcomes/?q=mission",
    "/partnerships/?q=lighting",
    "/api/outcomes/?q=cluster",
]


# The pages' searches with their facets took 24 s at idle: a quick run measures the API's and the
# partnerships' only. The client gives up after COLD_TIMEOUT seconds, and says so.
QUICK_COLD_SEARCHES = ["/partnerships/?q=lighting", "/api/outcomes/?q=cluster"]
COLD_TIMEOUT = 120


def _cold_searches(base, redis_url, quick):
    results = {}
    for url in QUICK_COLD_SEARCHES if quick else COLD_SEARCHES:
        _new_generation(redis_url)
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=COLD_TIMEOUT)
        started = time.monotonic()
        try:
            status, _, _ = _get(base + url, conn)
        except TimeoutError:
            status = f"no answer within {COLD_TIMEOUT} s"
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__  # an empty reply: the worker was killed
        finally:
            conn.close()
        results[url] = {"status": status, "seconds": time.monotonic() - started}
    return results


def _admin_pages():
    """The admin's changelists, searches and autocompletes on the data set, timed in this process:
    a superuser's request through the admin view (the middleware left out, nothing written)."""
    import statistics

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    user = User(username="bench", is_staff=True, is_superuser=True, is_active=True)
    user.is_verified = lambda: True  # the admin's second factor, where production asks for it
    autocomplete = "/admin/autocomplete/?app_label=outcomes&model_name=mou&field_name={}&term={}"
    urls = [
        ("outcomes list", "/admin/outcomes/outcome/"),
        ("outcomes: type + year", "/admin/outcomes/outcome/?type__exact=mission&year=2020"),
        ("MoU list", "/admin/outcomes/mou/"),
        ("outcomes search, common word", "/admin/outcomes/outcome/?q=cluster"),
        ("outcomes search, rarer word", "/admin/outcomes/outcome/?q=lighting"),
        ("outcomes search, two words", "/admin/outcomes/outcome/?q=mission+china"),
        ("partnership autocomplete", autocomplete.format("partnership", "demo+part")),
        ("partnership autocomplete, one letter", autocomplete.format("partnership", "d")),
        ("organisation autocomplete", autocomplete.format("counterpart", "a")),
        ("country autocomplete", autocomplete.format("country", "ch")),
    ]
    factory = RequestFactory()
    results = {}
    for name, url in urls:
        times = []
        for _ in range(4):
            request = factory.get(url)
            request.user = user
            request.session = {}
            match = request.resolver_match = resolve(request.path)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = match.func(request, *match.args, **match.kwargs)
                if hasattr(response, "render"):
                    response.render()
                times.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "ms": statistics.median(times[1:]),
            "queries": len(queries),
        }
    return results


class Server:
    def __init__(self, args, database_url, static_root):
        self.args = args
        self.base = f"http://{HOST}:{args.port}"
        self.env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": static_root,
            "REDIS_URL": args.redis,
            # --redis "" measures the per-process cache, which production refuses unless told.
            "ALLOW_LOCAL_MEMORY_CACHE": "true",
            "LOG_LEVEL": "WARNING",
        }
        self.process = None

    def collect_static(self):
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )

    def start(self, page_cache):
        self.env["PAGE_CACHE"] = "true" if page_cache else "false"
        self.process = subprocess.Popen(
            # gunicorn.conf.py as in production (its worker class, threads and timeout).
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **self.env,
                "WEB_CONCURRENCY": str(self.args.workers),
                "BIND": f"{HOST}:{self.args.port}",
            },
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 30 s.")

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self):
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def _rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _get(url, connection=None):
    parts = urlsplit(url)
    conn = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    body = response.read()
    return response.status, body, conn


def _hammer(url, clients, seconds, interval=None):
    """Load ``url`` with wrk (bench/wrk_client.lua): ``clients`` connections for ``seconds``, each
    starting a request every ``interval`` seconds if given (a paced run), else as soon as the last
    was answered. Returns latencies (s, from when each request was due), statuses and the elapsed time."""
    with tempfile.NamedTemporaryFile(prefix="portal-bench-wrk-", suffix=".txt") as out:
        env = {
            **os.environ,
            "WRK_OUT": out.name,
            "WRK_CLIENTS": str(clients),
            "WRK_INTERVAL": str(interval or 0),
        }
        subprocess.run(
            [
                WRK,
                f"-t{clients}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "--timeout=60s",
                "-s",
                WRK_SCRIPT,
                url,
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        latencies, statuses, elapsed = [], {}, 0.0
        for line in Path(out.name).read_text().splitlines():
            key, _, rest = line.partition(" ")
            if key == "seconds":
                elapsed = float(rest)
            elif key == "errors":
                if int(rest):
                    statuses["connection errors"] = int(rest)
            elif key == "status":
                status, count = map(int, rest.split())
                statuses[status] = statuses.get(status, 0) + count
            else:
                latencies.append(float(line))
    return latencies, statuses, elapsed


def _percentiles(latencies):
    ordered = sorted(latencies)
    if not ordered:
        return (0, 0, 0)

    def at(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return at(0.50), at(0.95), at(0.99)


def _closed(url, clients, seconds):
    """Plain wrk (no Lua script, which slows wrk itself) in a closed loop: each of ``clients``
    connections sends its next request as soon as the last is answered. Returns the rate, the
    latency p50/p90/p99 (wrk's own distribution has no p95) in ms, and the non-2xx/3xx count."""
    shown = subprocess.run(
        [
            WRK,
            f"-t{clients}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout=60s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", shown).group(1))
    latency = tuple(
        _wrk_ms(re.search(rf"^\s+{q}%\s+(\S+)", shown, re.MULTILINE).group(1)) for q in (50, 90, 99)
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", shown)
    errors = re.search(r"Socket errors: (.*)", shown)
    statuses = {"non-2xx": int(bad.group(1))} if bad else {}
    if errors:
        statuses["socket errors"] = errors.group(1)
    return rate, latency, statuses


def _wrk_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def _load(pages, args, base):
    """Each page in a closed loop, with the floor (/healthz) measured just before it for as long:
    a page's ratio is to the floor of the same minute, whatever else the machine was doing."""
    results = {}
    for name, url in pages:
        if url == FLOOR:
            continue
        for _ in range(3 * args.workers):  # Warm: the first request after a start fills the cache.
            _get(base + url)
        floor, _, _ = _closed(base + FLOOR, args.concurrency, args.seconds)
        rate, latency, statuses = _closed(base + url, args.concurrency, args.seconds)
        results[name] = {
            "url": url,
            "rate": rate,
            "floor": floor,
            "latency": latency,
            "statuses": statuses,
            "load": os.getloadavg()[0],
        }
    return results


def _paced(pages, args, base, load):
    """Latency at 70% of the rate each page reaches with the paced run's own client.

    The rate is measured again with bench/wrk_client.lua and as many clients as the paced run has,
    in a closed loop: that client costs more CPU than plain wrk, on the same two cores as the
    server, so 70% of plain wrk's rate could be more than the machine serves with it (the run then
    falls behind and its latency grows with its length, which said nothing of the page). The report
    gives the rate asked and the rate kept; a run that kept less than 95% of it is flagged."""
    results = {}
    for name, url in pages:
        if name not in load:
            continue
        # More clients than in the closed run, each on its own schedule, so that one slow answer holds
        # back only its own client's next requests (and those count from when they were due).
        clients = 4 * args.concurrency
        answered, _, elapsed = _hammer(base + url, clients, max(1, args.seconds / 2))
        asked = 0.7 * len(answered) / elapsed
        latencies, _, elapsed = _hammer(base + url, clients, args.seconds, clients / asked)
        results[name] = {
            "asked": asked,
            "rate": len(latencies) / elapsed,
            "latency": _percentiles(latencies),
        }
    return results


def _exports(server, args):

    from partnerships.models import Cluster

    results = {}
    base = server.base
    # psql \copy of the same rows as the CSV export, the database's own speed as the yardstick.
    sql = yardstick_sql()
    started = time.monotonic()
    copied = subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-c", f"\\copy ({sql}) TO STDOUT WITH CSV"],
        capture_output=True,
        check=True,
    ).stdout.count(b"\n")
    psql_seconds = time.monotonic() - started
    results["psql"] = {"rows": copied, "seconds": psql_seconds, "rate": copied / psql_seconds}

    results["csv_1m"] = _download(server, "/outcomes/?export=csv")
    hundred_k = "/outcomes/?export=csv&country=CN"
    results["csv_100k"] = _download(server, hundred_k)
    results["xlsx_50k"] = _download(server, "/clusters/?export=xlsx")
    # A zip has no lines to count: the rows are the clusters exported.
    xlsx = results["xlsx_50k"]
    xlsx["rows"] = Cluster.objects.published().count()
    xlsx["rate"] = xlsx["rows"] / xlsx["seconds"]

    # A list page's latency while a million-row export runs.
    exporter = threading.Thread(target=_download, args=(server, "/outcomes/?export=csv"))
    exporter.start()
    time.sleep(1)
    latencies, _, _ = _hammer(base + "/partnerships/", 2, min(args.seconds, 6))
    exporter.join()
    results["during_export"] = _percentiles(latencies)
    quiet, _, _ = _hammer(base + "/partnerships/", 2, min(args.seconds, 6))
    results["quiet"] = _percentiles(quiet)
    return results


def yardstick_sql() -> str:
    """The CSV export's own query, parameters in place, for psql's \\copy: the rows and columns of
    ``/outcomes/?export=csv``, the computed ones (page address, citation, names in the reader's
    language) included."""
    from django.db import connection

    from outcomes.exports import OutcomeExport
    from outcomes.filters import OutcomeFilter
    from outcomes.models import Outcome

    rows = OutcomeFilter(None, queryset=Outcome.objects.published().with_related()).qs
    sql, params = OutcomeExport(rows, base_url="").values().query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def _download(server, path):
    """Stream a download, counting lines, with the time to first byte and the workers' peak RSS."""
    workers = server.workers()
    baseline = {pid: _rss_kb(pid) for pid in workers}
    peak = dict(baseline)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in workers:
                with contextlib.suppress(FileNotFoundError):
                    peak[pid] = max(peak[pid], _rss_kb(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    conn = http.client.HTTPConnection(HOST, server.args.port, timeout=900)
    started = time.monotonic()
    conn.request("GET", path)
    response = conn.getresponse()
    first = response.read1(65536)
    ttfb = time.monotonic() - started
    lines, size = first.count(b"\n"), len(first)
    while chunk := response.read1(1 << 20):
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    growth = max(peak[pid] - baseline[pid] for pid in workers) / 1024
    return {
        "status": response.status,
        "rows": max(lines - 1, 0),
        "bytes": size,
        "seconds": seconds,
        "ttfb": ttfb,
        "rate": max(lines - 1, 0) / seconds,
        "rss_growth_mb": growth,
        "rss_peak_mb": max(peak.values()) / 1024,
    }


class Report:
    def __init__(self, args, sizes):
        self.args = args
        self.sizes = sizes
        self.queries = {}
        self.load = {}
        self.paced = {}
        self.rendered = {}
        self.exports = {}
        self.cold = {}
        self.admin = {}
        # The machine's load average (1, 5, 15 min) when the run started and at each section's end:
        # the two cores are shared, and a busy neighbour lowers every figure of a run.
        self.machine = [("start", os.getloadavg())]

    def note_load(self, section):
        self.machine.append((section, os.getloadavg()))

    def markdown(self):
        a = self.args
        lines = [
            f"# Benchmark {datetime.datetime.now().isoformat(timespec='minutes')}",
            "",
            f"Data: {self.sizes['partnerships']:,} partnerships, {self.sizes['clusters']:,} clusters, "
            f"{self.sizes['outcomes']:,} outcomes on PostgreSQL. gunicorn (gunicorn.conf.py's worker "
            f"class), {a.workers} workers, DJANGO_ENV=production, cache: "
            f"{'Redis' if a.redis else 'local memory'}. Load: plain wrk ({_wrk_version()}), "
            f"{a.concurrency} connections in a closed loop, {a.seconds:g} s a page, each page right "
            f"after {a.seconds:g} s of the floor (`{FLOOR}`) whose rate its ratio is to; the paced run "
            f"(p95/p99 at 70% of the rate the page reaches with that run's client, "
            f"bench/wrk_client.lua, latency from when each request was due; ⚠ where it kept under "
            f"95% of the rate asked). Same machine ({os.cpu_count()} cores: {platform.node()}).",
            "",
            "Machine load average (1/5/15 min): "
            + "; ".join(
                f"{when} {one:.2f}/{five:.2f}/{fifteen:.2f}"
                for when, (one, five, fifteen) in self.machine
            )
            + ".",
        ]
        if self.load:
            lines += [
                "",
                "Pages kept in the whole-page cache (as every visitor but the first after a change "
                "gets them). Queries: when the counts are computed / once they are cached and the "
                "page is rendered.",
                "",
                "| page | req/s | floor req/s next to it | ratio to floor | p50 ms | p90 ms | p99 ms | paced: p95 / p99 ms at the rate kept, of the rate asked | queries cold / warm | load |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
            ]
        for name, result in self.load.items():
            paced = self.paced.get(name)
            paced_text = (
                f"{paced['latency'][1]:.0f} / {paced['latency'][2]:.0f} at {paced['rate']:.0f}/s"
                f"{' ⚠ of ' if paced['rate'] < 0.95 * paced['asked'] else ' of '}"
                f"{paced['asked']:.0f}/s asked"
                if paced
                else "–"
            )
            cold, warm = self.queries.get(name, ("?", "?"))
            lines.append(
                f"| {name} (`{result['url']}`){_load_cells(result)} {paced_text} | "
                f"{cold} / {warm} | {result['load']:.1f} |"
            )
        if self.rendered:
            lines += [
                "",
                "The same pages rendered for every request (`PAGE_CACHE=false`: as for a logged-in "
                "curator, or the first visitor after a change), the counts and filter options cached, "
                "each next to its own floor:",
                "",
                "| page rendered | req/s | floor req/s next to it | ratio to floor | p50 ms | p90 ms | p99 ms | load |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for name, result in self.rendered.items():
                lines.append(f"| {name}{_load_cells(result)} {result['load']:.1f} |")
            page1 = self.rendered.get("partnerships")
            page200 = self.rendered.get("partnerships: page 200")
            if page1 and page200:
                lines += [
                    "",
                    f"Page 200 / page 1, both rendered: {page200['rate'] / page1['rate']:.2f} of the "
                    f"rate, p90 {page200['latency'][1] / max(page1['latency'][1], 0.001):.2f} times.",
                ]
        if self.cold:
            lines += [
                "",
                "Cold searches: each the first request for its text after a new data generation (nothing "
                "cached), one at a time, the whole-page cache on:",
                "",
                "| search | HTTP | seconds |",
                "| --- | ---: | ---: |",
            ]
            for url, result in self.cold.items():
                lines.append(f"| `{url}` | {result['status']} | {result['seconds']:.2f} |")
        if self.admin:
            lines += [
                "",
                "Admin, in the benchmark's own process (a superuser's request through the admin's "
                "view, middleware left out), median of 3 after one warm-up:",
                "",
                "| admin page | HTTP | ms | queries |",
                "| --- | ---: | ---: | ---: |",
            ]
            for name, result in self.admin.items():
                lines.append(
                    f"| {name} (`{result['url']}`) | {result['status']} | {result['ms']:.0f} | "
                    f"{result['queries']} |"
                )
        e = self.exports
        if e:
            psql, csv1m, csv100k, xlsx = e["psql"], e["csv_1m"], e["csv_100k"], e["xlsx_50k"]
            lines += [
                "",
                "| export | rows | seconds | rows/s | TTFB s | worker RSS growth MB | worker RSS peak MB |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
                f"| psql `\\copy` of the same rows | {psql['rows']:,} | {psql['seconds']:.1f} | {psql['rate']:,.0f} | – | – | – |",
            ]
            for label, result in [
                ("CSV, all outcomes", csv1m),
                ("CSV, outcomes with China", csv100k),
                ("XLSX, all clusters", xlsx),
            ]:
                lines.append(
                    f"| {label} (HTTP {result['status']}) | {result['rows']:,} | {result['seconds']:.1f} | "
                    f"{result['rate']:,.0f} | {result['ttfb']:.2f} | {result['rss_growth_mb']:.1f} | "
                    f"{result['rss_peak_mb']:.0f} |"
                )
            lines += [
                "",
                f"CSV export speed / psql `\\copy`: {csv1m['rate'] / psql['rate']:.2f}.",
                f"`/partnerships/` with 2 clients while a 1M-row CSV export runs: p50/p95/p99 "
                f"{e['during_export'][0]:.0f}/{e['during_export'][1]:.0f}/{e['during_export'][2]:.0f} ms; "
                f"without: {e['quiet'][0]:.0f}/{e['quiet'][1]:.0f}/{e['quiet'][2]:.0f} ms "
                f"(p95 ratio {e['during_export'][1] / max(e['quiet'][1], 0.001):.2f}).",
            ]
        lines.append("")
        return "\n".join(lines)


def _load_cells(result):
    """A closed-loop run's cells, from the warning of other answers to p99, ending with "|"."""
    p50, p90, p99 = result["latency"]
    bad = result["statuses"]
    bad = {k: v for k, v in bad.items() if v and v != "connect 0, read 0, write 0, timeout 0"}
    return (
        f"{' ⚠ ' + str(bad) if bad else ''} | {result['rate']:.0f} | {result['floor']:.0f} | "
        f"{result['rate'] / result['floor']:.2f} | {p50:.0f} | {p90:.0f} | {p99:.0f} |"
    )


def _wrk_version():
    shown = subprocess.run([WRK, "-v"], capture_output=True, text=True)
    return (shown.stdout + shown.stderr).split()[1]


def _update_readme(text):
    readme = ROOT / "bench" / "README.md"
    start, end = "<!-- latest -->", "<!-- /latest -->"
    content = readme.read_text()
    before, _, rest = content.partition(start)
    _, _, after = rest.partition(end)
    # The report's headings sit under "Latest results" here.
    text = re.sub(r"^#", "####", text, flags=re.MULTILINE)
    readme.write_text(f"{before}{start}\n{text}\n{end}{after}")


if __name__ == "__main__":
    main()
