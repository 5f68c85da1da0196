#!/usr/bin/env python3
"""Load and faults: mixed reads and curator writes against gunicorn + PostgreSQL, with a database restart.

Builds a throwaway PostgreSQL cluster in a temporary folder on a free port
(never the machine's own server), migrates it, loads the seed, creates an
editor, serves the portal with gunicorn as in production, and then, for
``--duration`` seconds, runs ``--clients`` concurrent clients: most read public
pages (home, filtered lists, detail pages, exports), ``--writers`` of them add
MoUs through the admin's real add form (login, CSRF, POST). ``--outage-at``
seconds in, PostgreSQL is stopped for ``--outage-seconds`` and started again.

It reports requests per kind, errors (any 5xx other than the expected 503s
while the database is down, unexpected statuses, connection errors), the 503s
while down, latency percentiles, the time the portal took to recover, and
"acknowledged writes: N, found in database: N" (a write is acknowledged when
the admin answered its POST with the redirect that follows a successful save).
It exits non-zero when there was an error, a write was lost or half-written,
the outage was not seen, or the portal did not recover. Standard library only.

    sudo .venv/bin/python bench/load_and_faults.py --duration 60 --output bench/results/x.md
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON = ROOT / ".venv" / "bin" / "python"
EDITOR_PASSWORD = "load-test-" + secrets.token_hex(8)


# ---------------------------------------------------------------- the stack


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command, *, env=None, quiet=True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(
            f"Failed: {' '.join(map(str, command))}\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    if not quiet:
        print(result.stdout, end="")
    return result


class Cluster:
    """A PostgreSQL cluster of our own, in a temporary folder, on a free port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.log = folder / "postgresql.log"

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        run(as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-instructions"]))  # fmt: skip
        self.start()
        run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal"])

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start"]))  # fmt: skip

    def stop(self, mode="fast"):
        run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]))

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"


def portal_env(cluster: Cluster, static_root: Path, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DATABASE_URL": cluster.url,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "DEBUG": "false",
        # Its faults are the database's; a per-process cache keeps it free of a Redis.
        "ALLOW_LOCAL_MEMORY_CACHE": "true",
    }


SETUP = """
import json
from django.contrib.auth.models import Group, User
from django.urls import reverse
from outcomes.models import Outcome
from partnerships.models import Cluster, Country, Partnership, Sector
from portal.roles import EDITORS
for n in range({writers}):
    user = User.objects.create_user(f"load-editor-{{n}}", password="{password}", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
partnerships = list(Partnership.objects.published()[:10])
print(json.dumps({{
    "admin": reverse("admin:index"),
    "add_mou": reverse("admin:outcomes_mou_add"),
    "partnership_ids": [p.pk for p in partnerships],
    "details": [o.get_absolute_url() for o in [
        *partnerships, *Cluster.objects.published()[:10], *Sector.objects.all()[:5],
        *Country.objects.targeted_by_published_partnerships()[:5],
        *Outcome.objects.published()[:10]]],
    "sectors": list(Sector.objects.values_list("slug", flat=True)[:5]),
    "countries": [c.code for c in Country.objects.targeted_by_published_partnerships()[:5]],
}}))
"""

CHECK = """
import json
from reversion.models import Version
from outcomes.models import Outcome
titles = set(json.loads(open("{acknowledged}").read()))
stored = list(Outcome.objects.filter(title__startswith="{prefix}"))
found = {{o.title for o in stored}}
print(json.dumps({{
    "stored": len(stored),
    "found": len(titles & found),
    "missing": sorted(titles - found),
    "unacknowledged_but_stored": len(found - titles),
    "without_history": [o.title for o in stored if not Version.objects.get_for_object(o).exists()],
    "duplicates": len(stored) - len(found),
}}))
"""


def manage(env, *args) -> str:
    return run([str(PYTHON), "manage.py", *args], env=env, cwd=ROOT).stdout


def shell(env, code) -> dict:
    """Runs ``code`` in the portal's Django shell; its last line of output is JSON."""
    output = manage(env, "shell", "--verbosity", "0", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


def start_gunicorn(env, port, folder, workers, threads):
    command = [
        str(PYTHON), "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--timeout", "30",
        "--error-logfile", str(folder / "gunicorn.log"),
    ]  # fmt: skip
    # The portal's own log (the outage's tracebacks included) goes to a file beside gunicorn's.
    with open(folder / "portal.log", "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz").status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.terminate()
    sys.exit(f"gunicorn did not start:\n{(folder / 'gunicorn.log').read_text()[-3000:]}")


# ---------------------------------------------------------------- HTTP


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(port, method, path, *, body=None, headers=None, timeout=30) -> Reply:
    """One request on a fresh connection: no keep-alive race is counted as a portal error."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})  # fmt: skip
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


class FormReader(HTMLParser):
    """The fields of the form with ``form_id``, as a browser would send them untouched."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag in ("input", "select", "textarea")):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self.select = a["name"]
            if "multiple" not in a:
                self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


class Session:
    """A browser's cookies, kept by hand: production cookies are Secure and we speak plain HTTP."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def send(self, method, path, form=None) -> Reply:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        reply = request(self.port, method, path, body=body, headers=headers)
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def form(self, path, form_id) -> tuple[Reply, dict]:
        reply = self.send("GET", path)
        reader = FormReader(form_id)
        reader.feed(reply.body.decode("utf-8", "replace"))
        return reply, reader.fields


# ---------------------------------------------------------------- the run


@dataclass
class Result:
    kind: str
    started: float
    ended: float
    status: int | None  # None: the connection failed
    note: str = ""
    plain_503: bool = False  # a 503 without the portal's "temporarily unavailable" page


@dataclass
class Run:
    port: int
    site: dict
    until: float
    run_id: str
    results: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind, started, status, note="", reply=None):
        plain_503 = status == 503 and not (
            reply is not None
            and b"temporarily unavailable" in reply.body
            and reply.headers.get("Retry-After")
        )
        if plain_503:
            note = f"{note} 503 without the unavailable page and Retry-After".strip()
        with self.lock:
            self.results.append(Result(kind, started, time.monotonic(), status, note, plain_503))

    def read_paths(self):
        s = self.site
        return [
            ("home", "/"),
            ("list", f"/partnerships/?sector={random.choice(s['sectors'])}"),
            ("list", f"/partnerships/?target_country={random.choice(s['countries'])}&sort=name"),
            ("list", f"/outcomes/?type=mou&country={random.choice(s['countries'])}"),
            ("list", "/outcomes/?year=2013&sort=-date"),
            ("list", "/clusters/?q=cluster"),
            ("detail", random.choice(s["details"])),
            ("detail", random.choice(s["details"])),
            ("export", f"/partnerships/?export=csv&sector={random.choice(s['sectors'])}"),
            ("export", "/outcomes/?export=json"),
        ]


def reader(run: Run):
    while time.monotonic() < run.until:
        kind, path = random.choice(run.read_paths())
        started = time.monotonic()
        try:
            reply = request(run.port, "GET", path)
            run.record(kind, started, reply.status, path if reply.status != 200 else "", reply)
        except OSError as error:
            run.record(kind, started, None, f"{path}: {error!r}")


def writer(run: Run, number: int):
    """Logs in as its own editor and adds MoUs through the admin's add form, until the time is up."""
    session, logged_in, serial = Session(run.port), False, 0
    admin, add = run.site["admin"], run.site["add_mou"]
    while time.monotonic() < run.until:
        started = time.monotonic()
        try:
            if not logged_in:
                reply, fields = session.form(f"{admin}login/", "login-form")
                if reply.status != 200:
                    run.record("login", started, reply.status, "login form", reply)
                    time.sleep(0.2)
                    continue
                fields.update(username=f"load-editor-{number}", password=EDITOR_PASSWORD)
                reply = session.send("POST", f"{admin}login/?next={admin}", fields)
                logged_in = reply.status == 302
                run.record(
                    "login", started, reply.status, "" if logged_in else "login refused", reply
                )
                continue
            partnership = random.choice(run.site["partnership_ids"])
            reply, fields = session.form(f"{add}?partnership={partnership}", "mou_form")
            run.record(
                "admin form", started, reply.status, "" if reply.status == 200 else add, reply
            )
            if reply.status != 200 or "csrfmiddlewaretoken" not in fields:
                if reply.status == 302:  # The session was lost: log in again.
                    logged_in = False
                continue
            serial += 1
            title = f"{run.run_id} MoU {number}-{serial}"
            fields.update(title=title, level="c2c", country="CL", date="2013-10-15", city="Santiago")  # fmt: skip
            fields.pop("_addanother", None)
            fields.pop("_continue", None)
            started = time.monotonic()
            reply = session.send("POST", add, {**fields, "_save": "Save"})
            location = reply.headers.get("Location", "")
            saved = reply.status == 302 and "/add/" not in location and "login" not in location
            if saved:
                with run.lock:
                    run.acknowledged.append(title)
            note = "" if saved else f"not saved: {reply.status} {location}"
            if reply.status == 200:
                note += " (the form came back: " + _errors(reply.body) + ")"
            run.record("admin save", started, reply.status, note, reply)
        except OSError as error:
            run.record("admin save" if serial else "admin form", started, None, repr(error))


def _errors(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    at = text.find('class="errorlist')
    return text[at : at + 300] if at >= 0 else "no error list"


def outage(cluster: Cluster, at: float, seconds: float, mode: str, times: dict):
    time.sleep(max(0.0, at - time.monotonic()))
    times["stop_requested"] = time.monotonic()
    cluster.stop(mode)
    times["down"] = time.monotonic()
    time.sleep(seconds)
    times["start_requested"] = time.monotonic()
    cluster.start()
    times["up"] = time.monotonic()


# ---------------------------------------------------------------- the report


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def analyse(run: Run, times: dict, grace: float):
    down_from, up_at = times["stop_requested"], times["up"]

    def expected_503(r):
        # Requests that overlapped the stop, the outage or the start may meet a database going away.
        return (
            r.status == 503
            and not r.plain_503
            and r.ended >= down_from
            and r.started <= up_at + grace
        )

    errors = [
        r
        for r in run.results
        if r.status is None
        or (r.status >= 500 and not expected_503(r))
        or (r.status not in (200, 302, 503))
        or (r.kind == "admin save" and r.status == 200)
        or (r.kind == "login" and r.status != 302 and r.status != 503)
    ]
    after = sorted((r for r in run.results if r.started >= up_at and r.status in (200, 302)), key=lambda r: r.ended)  # fmt: skip
    last_503 = max((r.ended for r in run.results if r.status == 503), default=None)
    return errors, expected_503, after, last_503


def report(run: Run, times, errors, expected_503, after, last_503, check, args, elapsed) -> str:
    lines = []
    out = lines.append
    out(f"# Load and faults: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    out("")
    out(f"- duration {elapsed:.0f} s, {args.clients} clients ({args.writers} writing), gunicorn "
        f"{args.workers} workers x {args.threads} threads, PostgreSQL stopped ({args.stop_mode}) "
        f"{times['stop_requested'] - times['start']:.1f} s in, started again "
        f"{times['start_requested'] - times['down']:.1f} s after it was down")  # fmt: skip
    out(f"- database down (stop requested to start finished): {times['up'] - times['stop_requested']:.1f} s")  # fmt: skip
    out("")
    out("| kind | requests | 200 | 302 | 503 | other | conn. errors | p50 ms | p95 ms | p99 ms |")
    out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    by_kind = defaultdict(list)
    for r in run.results:
        by_kind[r.kind].append(r)
    for kind in ["home", "list", "detail", "export", "login", "admin form", "admin save", "all"]:
        rs = run.results if kind == "all" else by_kind.get(kind, [])
        if not rs:
            continue
        statuses = Counter(r.status for r in rs)
        ms = [(r.ended - r.started) * 1000 for r in rs if r.status in (200, 302)]
        other = sum(n for s, n in statuses.items() if s not in (200, 302, 503, None))
        out(f"| {kind} | {len(rs)} | {statuses[200]} | {statuses[302]} | {statuses[503]} | {other} | "
            f"{statuses[None]} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | {percentile(ms, 99):.0f} |")  # fmt: skip
    out("")
    out("Latencies are of successful requests (200 and 302).")
    out("")
    served_503 = [r for r in run.results if expected_503(r)]
    out(f"- 503 while the database was down: {len(served_503)}")
    out(f"- errors: {len(errors)}")
    for r in errors[:20]:
        out(f"  - {r.kind} {r.status} at {r.started - times['start']:.1f} s: {r.note[:200]}")
    if after:
        out(f"- recovery: first success {after[0].ended - times['up']:.2f} s after PostgreSQL was back; "
            f"last 503 {max(0.0, (last_503 or times['up']) - times['up']):.2f} s after it was back")  # fmt: skip
    else:
        out("- recovery: NO successful request after PostgreSQL was back")
    out(f"- acknowledged writes: {len(run.acknowledged)}, found in database: {check['found']}")
    out(f"- missing (acknowledged, not stored): {len(check['missing'])} {check['missing'][:10]}")
    out(f"- stored without their history (half-written): {len(check['without_history'])}")
    out(f"- stored but not acknowledged (the answer was lost, the save was not): {check['unacknowledged_but_stored']}")  # fmt: skip
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--writers", type=int, default=2, help="of which add MoUs (default 2)")
    parser.add_argument("--outage-at", type=float, default=20, help="seconds in (default 20)")
    parser.add_argument("--outage-seconds", type=float, default=8, help="down for (default 8)")
    parser.add_argument("--stop-mode", choices=["smart", "fast", "immediate"], default="fast",
                        help="pg_ctl stop mode; immediate is a crash (default fast)")  # fmt: skip
    parser.add_argument("--grace", type=float, default=5,
                        help="seconds after the start when a 503 still counts as expected (default 5)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    if not 0 < args.writers <= args.clients:
        parser.error("--writers must be between 1 and --clients")
    if args.outage_at + args.outage_seconds >= args.duration:
        parser.error("the outage must end before the run does")

    folder = Path(tempfile.mkdtemp(prefix="portal-load-and-faults-"))
    folder.chmod(0o755)
    cluster, gunicorn = Cluster(folder), None
    try:
        print(f"Setting up in {folder}: PostgreSQL on port {cluster.port} ...", flush=True)
        cluster.create()
        port = free_port()
        env = portal_env(cluster, folder / "static", port)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_seed", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        site = shell(env, SETUP.format(writers=args.writers, password=EDITOR_PASSWORD))
        gunicorn = start_gunicorn(env, port, folder, args.workers, args.threads)
        print(f"gunicorn on port {port}; {args.duration:.0f} s of load ...", flush=True)

        start = time.monotonic()
        run = Run(port, site, start + args.duration, f"Load test {secrets.token_hex(4)}")
        times = {"start": start}
        threads = [threading.Thread(target=writer, args=(run, n)) for n in range(args.writers)]
        threads += [threading.Thread(target=reader, args=(run,)) for _ in range(args.clients - args.writers)]  # fmt: skip
        threads.append(threading.Thread(target=outage, args=(cluster, start + args.outage_at, args.outage_seconds, args.stop_mode, times)))  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start

        acknowledged = folder / "acknowledged.json"
        acknowledged.write_text(json.dumps(run.acknowledged))
        check = shell(env, CHECK.format(acknowledged=acknowledged, prefix=run.run_id))
        errors, expected_503, after, last_503 = analyse(run, times, args.grace)
        text = report(run, times, errors, expected_503, after, last_503, check, args, elapsed)
        print(text)
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text)
        failed = (
            errors
            or check["missing"]
            or check["without_history"]
            or not after
            or not any(expected_503(r) for r in run.results)
            or check["found"] != len(run.acknowledged)
        )
        if failed:
            print("FAILED: see the errors above; the logs are in", folder, file=sys.stderr)
            args.keep = True
            return 1
        print("PASSED: no errors, every acknowledged write is in the database.")
        return 0
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if cluster.data.exists():
            subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"]), capture_output=True)  # fmt: skip
        if args.keep:
            print(f"Kept {folder} (PostgreSQL and gunicorn logs).", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
