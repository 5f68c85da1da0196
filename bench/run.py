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
        choices=["exports"],
        help="Measure only this part (written to <date>-exports.md; the README is left alone).",
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

    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    server = Server(args, database_url, static_root)
    try:
        server.collect_static()
        server.start(page_cache=True)
        if args.redis:
            import redis

            # Start from a new generation of the data: nothing computed earlier is used.
            redis.Redis.from_url(args.redis).delete(
                ":1:portal:data-generation", ":1:portal:data-updated-at"
            )
        report.load = _load(pages[:3] if args.only else pages, args, server.base)
        if not args.quick and not args.only:
            report.paced = _paced(pages, args, server.base, report.load)
        report.exports = _exports(server, args)
        if not args.only:
            # The same pages rendered for every request (as for a logged-in curator, or the first
            # visitor after a change), the counts and filter options still cached.
            server.stop()
            server.start(page_cache=False)
            report.rendered = _load(pages, args, server.base)
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
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
        ("health endpoint (floor)", "/healthz"),
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
            [
                PYTHON,
                "-m",
                "gunicorn",
                "portal.wsgi",
                f"--workers={self.args.workers}",
                f"--bind={HOST}:{self.args.port}",
                "--timeout=600",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
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


def _load(pages, args, base):
    results = {}
    for name, url in pages:
        for _ in range(3 * args.workers):  # Warm: the first request after a start fills the cache.
            _get(base + url)
        latencies, statuses, elapsed = _hammer(base + url, args.concurrency, args.seconds)
        results[name] = {
            "url": url,
            "rate": len(latencies) / elapsed,
            "latency": _percentiles(latencies),
            "statuses": statuses,
        }
    return results


def _paced(pages, args, base, load):
    """Latency at 70% of each page's measured maximum rate."""
    results = {}
    for name, url in pages:
        rate = 0.7 * load[name]["rate"]
        # More clients than in the closed run, each on its own schedule, so that one slow answer holds
        # back only its own client's next requests (and those count from when they were due).
        clients = 4 * args.concurrency
        interval = clients / rate
        latencies, _, elapsed = _hammer(base + url, clients, args.seconds, interval)
        results[name] = {"rate": len(latencies) / elapsed, "latency": _percentiles(latencies)}
    return results


def _exports(server, args):
    from django.db import connection

    from outcomes.filters import OutcomeFilter
    from outcomes.models import Outcome
    from partnerships.models import Cluster

    results = {}
    base = server.base
    # psql \copy of the same rows as the CSV export, the database's own speed as the yardstick.
    export_rows = OutcomeFilter(None, queryset=Outcome.objects.published().with_related()).qs
    from outcomes.exports import FIELDS

    sql, params = export_rows.values(*FIELDS).query.sql_with_params()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(sql, params).decode()
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

    def markdown(self):
        a = self.args
        floor = self.load["health endpoint (floor)"]["rate"]
        lines = [
            f"# Benchmark {datetime.datetime.now().isoformat(timespec='minutes')}",
            "",
            f"Data: {self.sizes['partnerships']:,} partnerships, {self.sizes['clusters']:,} clusters, "
            f"{self.sizes['outcomes']:,} outcomes on PostgreSQL. gunicorn, {a.workers} sync workers, "
            f"DJANGO_ENV=production, cache: {'Redis' if a.redis else 'local memory'}. "
            f"Load: wrk ({_wrk_version()}, bench/wrk_client.lua), {a.concurrency} clients, "
            f"{a.seconds:g} s a page, on the same machine ({os.cpu_count()} cores: "
            f"{platform.node()}). Latency counts from when a request was due. Each page is warmed "
            "first, so it is served from the cache as for every visitor but the first after a change "
            "of the data. Queries: when the counts are computed / once they are cached and the page "
            "is rendered (a kept page costs none).",
            "",
            "| page | req/s | ratio to floor | p50 ms | p95 ms | p99 ms | p95 / p99 at 70% rate | queries cold / warm |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for name, result in self.load.items():
            paced = self.paced.get(name)
            paced_text = (
                f"{paced['latency'][1]:.0f} / {paced['latency'][2]:.0f} at {paced['rate']:.0f}/s"
                if paced
                else "–"
            )
            cold, warm = self.queries.get(name, ("?", "?"))
            lines.append(
                f"| {name} (`{result['url']}`){_load_cells(result, floor)} {paced_text} | "
                f"{cold} / {warm} |"
            )
        if self.rendered:
            rendered_floor = self.rendered["health endpoint (floor)"]["rate"]
            lines += [
                "",
                "The same pages rendered for every request (`PAGE_CACHE=false`: as for a logged-in "
                "curator, or the first visitor after a change), the counts and filter options cached; "
                "the floor measured again with this server:",
                "",
                "| page rendered | req/s | ratio to floor | p50 ms | p95 ms | p99 ms |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for name, result in self.rendered.items():
                lines.append(f"| {name}{_load_cells(result, rendered_floor)}")
        page1 = self.load["partnerships"]["latency"][1] if "partnerships" in self.load else 0
        page200 = self.load.get("partnerships: page 200", {"latency": (0, 0, 0)})["latency"][1]
        e = self.exports
        psql, csv1m, csv100k, xlsx = e["psql"], e["csv_1m"], e["csv_100k"], e["xlsx_50k"]
        lines += [
            "",
            f"Page 200 p95 / page 1 p95: {page200 / page1:.2f}." if page200 else "",
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
            "",
        ]
        return "\n".join(lines)


def _load_cells(result, floor):
    """A load run's cells, from the warning of other answers than 200 to p99, ending with "|"."""
    p50, p95, p99 = result["latency"]
    bad = {status: n for status, n in result["statuses"].items() if status != 200}
    return (
        f"{' ⚠ ' + str(bad) if bad else ''} | {result['rate']:.0f} | {result['rate'] / floor:.2f} | "
        f"{p50:.0f} | {p95:.0f} | {p99:.0f} |"
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
