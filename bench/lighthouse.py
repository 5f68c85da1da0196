"""Lighthouse's four scores on five public pages, served as in production; fails under 100.

    .venv/bin/python bench/lighthouse.py                       # mobile and desktop, about 3 minutes
    .venv/bin/python bench/lighthouse.py --form-factor desktop --only statistics --port 8400

Installs Lighthouse (LIGHTHOUSE_VERSION, from the npm registry, with npm) into
.cache/lighthouse-<version>/ the first time. Builds a throwaway portal in a temporary folder: a
SQLite database with the migrations and the seed data (`manage.py load_seed`), a fresh
collectstatic, and gunicorn with gunicorn.conf.py and DJANGO_ENV=production (DEBUG off, whitenoise
serving the compressed, hashed files, the security headers and Content-Security-Policy as in
production), ALLOWED_HOSTS=127.0.0.1, and SECURE_SSL_REDIRECT=false because it speaks plain HTTP on
localhost. Then runs Lighthouse with Debian's Chromium (CHROME_PATH, headless) on each page, with
Lighthouse's default mobile settings (simulated slow 4G and a 4x slower CPU) and its desktop
preset, and prints a table of the four scores (performance, accessibility, best practices, SEO) per
page and form factor, and under it every audit that lost points. With --runs N each page is audited
N times and the median of each score is kept, as Lighthouse advises for performance.

Exits 1 when any score is under 100. The JSON reports stay in .cache/lighthouse-reports/ and the
table is written to bench/results/lighthouse-<date>.md. See bench/README.md.
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
LIGHTHOUSE_VERSION = "12.8.2"  # The last major that runs on Debian 12's Node.js 20 (13 needs 22).
LIGHTHOUSE_DIR = ROOT / ".cache" / f"lighthouse-{LIGHTHOUSE_VERSION}"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS_DIR = ROOT / ".cache" / "lighthouse-reports"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = (
    ("home", "/"),
    ("partnerships", "/partnerships/"),
    ("outcomes", "/outcomes/"),
    ("country", "/countries/CN/"),
    ("statistics", "/statistics/"),
)
CHROME_FLAGS = "--headless=new --no-sandbox --disable-dev-shm-usage"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--form-factor",
        choices=("mobile", "desktop", "both"),
        default="both",
        help="Lighthouse's default mobile settings, its desktop preset, or both (the default).",
    )
    parser.add_argument("--only", help="Only the pages whose name or path contains this text.")
    parser.add_argument("--runs", type=int, default=1, help="Audits per page; the median is kept.")
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn's port (default: a free one)."
    )
    parser.add_argument(
        "--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"), help="Chromium."
    )
    args = parser.parse_args()

    pages = [(name, url) for name, url in PAGES if not args.only or args.only in name + url]
    if not pages:
        return _fail(f"No page matches “{args.only}”: {', '.join(url for _, url in PAGES)}.")
    if not Path(args.chrome).exists():
        return _fail(f"No Chromium at {args.chrome}: apt-get install chromium, or set CHROME_PATH.")
    install_lighthouse()
    form_factors = ["mobile", "desktop"] if args.form_factor == "both" else [args.form_factor]

    with tempfile.TemporaryDirectory(prefix="portal-lighthouse-") as folder:
        server = Server(Path(folder), args.port or free_port())
        try:
            server.prepare()
            server.start()
            server.warm([url for _, url in pages])
            print("| page | form factor | performance | accessibility | best practices | SEO |")
            print("| --- | --- | ---: | ---: | ---: | ---: |", flush=True)
            results = []
            for name, url in pages:
                for form_factor in form_factors:
                    reports = [
                        audit(server.base + url, name, form_factor, run, args.chrome)
                        for run in range(1, args.runs + 1)
                    ]
                    results.append(Result(name, url, form_factor, reports))
                    print(results[-1].row(), flush=True)
        finally:
            server.stop()

    report = render(results, args.runs)
    print("\n" + report)
    out = ROOT / "bench" / "results" / f"lighthouse-{datetime.date.today().isoformat()}.md"
    if args.only or args.form_factor != "both":
        out = out.with_name(out.stem + "-partial.md")
    out.write_text(report)
    print(f"Written to {out.relative_to(ROOT)}; the JSON reports are in {REPORTS_DIR}.")
    below = [result for result in results if min(result.scores.values()) < 100]
    if below:
        print(f"{len(below)} of {len(results)} audits scored under 100.", file=sys.stderr)
        return 1
    return 0


def install_lighthouse() -> None:
    """Lighthouse from the npm registry, pinned, into a git-ignored folder (once)."""
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to install Lighthouse: apt-get install npm.")
    print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR} ...", flush=True)
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(LIGHTHOUSE_DIR),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def audit(url: str, name: str, form_factor: str, run: int, chrome: str) -> dict:
    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
    path = REPORTS_DIR / f"{name}-{form_factor}-{run}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    completed = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True
    )
    if completed.returncode != 0 or not path.exists():
        raise SystemExit(f"Lighthouse failed on {url} ({form_factor}):\n{completed.stderr[-3000:]}")
    report = json.loads(path.read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"Lighthouse could not audit {url}: {report['runtimeError']['message']}")
    return report


class Result:
    def __init__(self, name: str, url: str, form_factor: str, reports: list[dict]):
        self.name, self.url, self.form_factor = name, url, form_factor
        self.scores = {
            category: round(
                100
                * statistics.median(report["categories"][category]["score"] for report in reports)
            )
            for category in CATEGORIES
        }
        # The audits that lost points, from the last run: in a category's weighted audits, any
        # with a score under 1 (metrics included, with their value).
        report = reports[-1]
        self.losses = []
        for category in CATEGORIES:
            for ref in report["categories"][category]["auditRefs"]:
                found = report["audits"][ref["id"]]
                if ref["weight"] > 0 and found["score"] is not None and found["score"] < 1:
                    self.losses.append((category, found))
        self.benchmark_index = report["environment"].get("benchmarkIndex")

    def row(self) -> str:
        scores = " | ".join(str(self.scores[category]) for category in CATEGORIES)
        return f"| `{self.url}` | {self.form_factor} | {scores} |"


def render(results: list[Result], runs: int) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
    chromium = subprocess.run(
        [os.environ.get("CHROME_PATH", "/usr/bin/chromium"), "--version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    indexes = [result.benchmark_index for result in results if result.benchmark_index]
    lines = [
        f"#### Lighthouse {now}",
        "",
        f"Lighthouse {LIGHTHOUSE_VERSION}, {chromium} headless; the seed data on SQLite, gunicorn "
        f"with DJANGO_ENV=production (DEBUG off, whitenoise), plain HTTP on {HOST}. "
        f"{runs} run(s) a page, median kept. Mobile: Lighthouse's default (simulated slow 4G, "
        "4x CPU slowdown); desktop: its desktop preset. "
        f"Lighthouse's CPU benchmark index {min(indexes, default=0):.0f}-{max(indexes, default=0):.0f}; "
        f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())} at the end.",
        "",
        "| page | form factor | performance | accessibility | best practices | SEO |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *(result.row() for result in results),
    ]
    losses = [result for result in results if result.losses]
    if losses:
        lines += ["", "Audits that lost points:", ""]
        for result in losses:
            for category, found in result.losses:
                value = f" ({found['displayValue']})" if found.get("displayValue") else ""
                lines.append(
                    f"- `{result.url}` {result.form_factor}, {category}: `{found['id']}` "
                    f"{found['score']:.2f}{value}: {found['title']}"
                )
    return "\n".join(lines) + "\n"


class Server:
    """The portal as production serves it, on a throwaway SQLite database with the seed data."""

    def __init__(self, folder: Path, port: int):
        self.base = f"http://{HOST}:{port}"
        self.port = port
        self.env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": "lighthouse-bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
            "STATIC_ROOT": str(folder / "static"),
            # Plain HTTP on localhost: no redirect to https:// (the proxy does that in production),
            # and no HSTS, which a browser ignores over HTTP anyway.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            # One gunicorn, no Redis: each worker keeps its own cache, which production refuses
            # unless told.
            "ALLOW_LOCAL_MEMORY_CACHE": "true",
            "LOG_LEVEL": "WARNING",
        }
        for name in ("REDIS_URL", "CACHE_URL", "DATABASE_REPLICA_URLS"):
            self.env.pop(name, None)
        self.process = None

    def manage(self, *command: str) -> None:
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=self.env, check=True)

    def prepare(self) -> None:
        print("Migrating a temporary SQLite database and loading the seed data ...", flush=True)
        self.manage("migrate", "--verbosity", "0")
        self.manage("load_seed", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**self.env, "WEB_CONCURRENCY": "2", "BIND": f"{HOST}:{self.port}"},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn stopped before it answered.")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("gunicorn did not answer within 30 s.")
        print(f"gunicorn serves the portal at {self.base}.\n", flush=True)

    def warm(self, urls: list[str]) -> None:
        """Each page requested a few times first, so that every worker keeps it as it would after
        the first visitors (portal/page_cache.py): Lighthouse measures the page a visitor gets."""
        for url in urls:
            for _ in range(4):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
                connection.request("GET", url)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{url} answered {response.status}.")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
