#!/usr/bin/env python3
"""Scale-out: app nodes behind HAProxy, a PostgreSQL primary with a streaming replica, one Redis.

Builds everything itself in a temporary folder: a PostgreSQL primary (``initdb``) and a
streaming replica of it (``pg_basebackup -R``) on free ports from ``--pg-ports``, the
seed data and editors on the primary, ``--nodes`` gunicorn nodes on their own ports
(``DATABASE_REPLICA_URLS`` naming the replica, ``REDIS_URL`` one Redis they share, a
redis-server of its own unless ``--redis`` names one), and
HAProxy in front (``apt-get install haproxy``) with health checks on ``/healthz``.

Then, under a paced load of mixed public pages, API calls, feeds and exports
(``--rate`` per second, each request's latency counted from when it was due) and
curator writes (MoUs added through the admin's add form, about one a second), it runs
five phases of ``--phase`` seconds: calm; one app node stopped (SIGTERM, gunicorn's
graceful shutdown); the replica stopped too; both started again; calm again. It reports
failed requests per phase (target 0 for GETs), acknowledged writes found in the primary
afterwards (target: all), p95 per phase against the calm phase, the time from a
curator's acknowledged write to the new MoU on the public search page and to its row on
the replica, and the throughput of the mixed reads with one node against two (closed
loop, ``--clients`` at once, the HAProxy backend reduced to one node).

    .venv/bin/python bench/scale_out.py --output bench/results/scale-out-<date>.md

Standard library only, plus the portal's venv for gunicorn and manage.py. Exits non-zero
when a GET failed or an acknowledged write is missing.
"""

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_and_faults import (
    CHECK,
    EDITOR_PASSWORD,
    PG_BIN,
    PYTHON,
    ROOT,
    SETUP,
    Session,
    as_postgres,
    manage,
    percentile,
    request,
    run,
    shell,
)

PHASES = ["calm", "one node stopped", "node and replica stopped", "both back", "calm again"]


# ---------------------------------------------------------------- the stack


def free_port_in(ports: range, taken=()) -> int:
    for port in ports:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"No free port in {ports.start}-{ports.stop - 1}")


class Server:
    """A PostgreSQL server of our own: a primary made by initdb, or a replica by pg_basebackup -R."""

    def __init__(self, folder: Path, name: str, port: int):
        self.folder, self.data, self.port = folder, folder / name, port
        self.log = folder / f"{name}.log"

    def ctl(self, *args):
        run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]))

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self.ctl("-o", options, "-l", str(self.log), "-w", "start")

    def stop(self):
        self.ctl("-m", "fast", "-w", "stop")

    def init_primary(self):
        run(as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-instructions"]))  # fmt: skip
        self.start()
        run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal"])

    def init_replica_of(self, primary: "Server"):
        run(as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream"]))  # fmt: skip
        self.start()

    def psql(self, sql: str) -> str:
        return run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "portal", "-Atc", sql]).stdout.strip()  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"


class Node:
    """One app node: gunicorn with the portal, on its own port."""

    def __init__(self, folder: Path, port: int, env: dict, workers: int, threads: int):
        self.folder, self.port, self.env = folder, port, env
        self.workers, self.threads = workers, threads
        self.folder.mkdir(exist_ok=True)
        self.process = None

    def start(self):
        command = [
            str(PYTHON), "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--threads", str(self.threads), "--worker-class", "gthread",
            "--error-logfile", str(self.folder / "gunicorn.log"),
        ]  # fmt: skip
        log = open(self.folder / "portal.log", "ab")  # noqa: SIM115 (handed to the process)
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
        deadline = time.monotonic() + 300  # a busy machine takes its time to import Django
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        sys.exit(f"gunicorn did not start:\n{(self.folder / 'gunicorn.log').read_text()[-3000:]}")

    def stop(self):
        """gunicorn's graceful shutdown: no new connections, the requests in progress finish."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.process = None


HAPROXY = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    # A busy node answers its probe slowly; only a node that does not answer at all is out.
    timeout check 10s
    # A node that refuses the connection (stopped) or closes it unanswered: try another.
    retries 3
    option redispatch
    retry-on conn-failure empty-response
    # A new connection to the node per request: none is reused just as the node closes it.
    option http-server-close
frontend portal
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    # Never resend a write the node may have received.
    http-request disable-l7-retry if !METH_GET !METH_HEAD
    balance leastconn
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 2s fall 2 rise 2
{servers}
"""


class Balancer:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port, self.process = folder, port, None

    def start(self, node_ports):
        if not shutil.which("haproxy"):
            sys.exit("HAProxy is missing: apt-get install haproxy")
        servers = "\n".join(f"    server node{n} 127.0.0.1:{p} check" for n, p in enumerate(node_ports, 1))  # fmt: skip
        config = self.folder / "haproxy.cfg"
        config.write_text(HAPROXY.replace("{port}", str(self.port)).replace("{servers}", servers))
        self.stop()
        self.process = subprocess.Popen(["haproxy", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=open(self.folder / "haproxy.log", "ab"))  # fmt: skip  # noqa: SIM115
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    time.sleep(2.5)  # every node's health checked up
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit("HAProxy did not answer")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# ---------------------------------------------------------------- the load


@dataclass
class Outcome:
    kind: str
    due: float
    ended: float
    status: int | None
    phase: str
    note: str = ""


@dataclass
class Load:
    port: int
    site: dict
    run_id: str
    phase: str = "setup"
    results: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    visible: list = field(
        default_factory=list
    )  # (title, acknowledged at, on the page, on the replica)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: threading.Event = field(default_factory=threading.Event)

    def record(self, kind, due, status, note=""):
        with self.lock:
            self.results.append(Outcome(kind, due, time.monotonic(), status, self.phase, note))

    def paths(self):
        s = self.site
        country, sector = random.choice(s["countries"]), random.choice(s["sectors"])
        return [
            ("page", "/"),
            ("page", f"/partnerships/?sector={sector}"),
            ("page", f"/partnerships/?target_country={country}&sort=name"),
            ("page", f"/outcomes/?type=mou&country={country}"),
            ("page", "/clusters/?q=cluster"),
            ("page", random.choice(s["details"])),
            ("page", random.choice(s["details"])),
            ("api", f"/api/partnerships/?sector={sector}"),
            ("api", "/api/outcomes/"),
            ("feed", "/feeds/outcomes/"),
            ("export", f"/partnerships/?export=csv&sector={sector}"),
            ("export", "/outcomes/?export=json"),
        ]


def get(load: Load, kind: str, path: str, due: float):
    try:
        reply = request(load.port, "GET", path)
        ok = reply.status == 200
        # The body's start tells the balancer's own 503 ("No server is available") from the portal's.
        note = "" if ok else f"{path} {reply.status} {reply.body[:80]!r}"
        load.record(kind, due, reply.status, note)
    except (OSError, http.client.HTTPException) as error:  # refused, or cut off mid-body
        load.record(kind, due, None, f"{path}: {error!r}")


def paced_reads(load: Load, rate: float, workers: int):
    """``rate`` GETs a second, each due at its time and timed from then (no coordinated omission)."""
    due_queue: queue.Queue = queue.Queue()

    def work():
        while (item := due_queue.get()) is not None:
            get(load, *item)

    pool = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in pool:
        thread.start()
    due = time.monotonic()
    while not load.stopped.is_set():
        due += 1 / rate
        time.sleep(max(0.0, due - time.monotonic()))
        due_queue.put((*random.choice(load.paths()), due))
    for _ in pool:
        due_queue.put(None)
    for thread in pool:
        thread.join()


def replica_has(replica: Server, title: str) -> bool:
    try:
        found = replica.psql(f"SELECT count(*) FROM outcomes_outcome WHERE title = '{title}'")
    except SystemExit:  # the replica is stopped
        return False
    return found == "1"


def curator(load: Load, number: int, replica: Server, interval: float):
    """An editor adding an MoU every ``interval`` seconds; after each, the time until visitors see it."""
    session, serial = Session(load.port), 0
    admin, add = load.site["admin"], load.site["add_mou"]
    logged_in = False
    while not load.stopped.is_set():
        due = time.monotonic()
        try:
            if not logged_in:
                reply, fields = session.form(f"{admin}login/", "login-form")
                fields.update(username=f"load-editor-{number}", password=EDITOR_PASSWORD)
                reply = session.send("POST", f"{admin}login/?next={admin}", fields)
                logged_in = reply.status == 302
                load.record("login", due, reply.status, "" if logged_in else "login refused")
                continue
            partnership = random.choice(load.site["partnership_ids"])
            reply, fields = session.form(f"{add}?partnership={partnership}", "mou_form")
            load.record("admin form", due, reply.status, "" if reply.status == 200 else add)
            if reply.status != 200:
                logged_in = reply.status != 302
                continue
            serial += 1
            title = f"{load.run_id} MoU {number}-{serial}"
            fields.update(title=title, level="c2c", country="CL", date="2013-10-15", city="Santiago")  # fmt: skip
            fields.pop("_addanother", None)
            fields.pop("_continue", None)
            due = time.monotonic()
            reply = session.send("POST", add, {**fields, "_save": "Save"})
            location = reply.headers.get("Location", "")
            saved = reply.status == 302 and "/add/" not in location
            load.record("admin save", due, reply.status, "" if saved else f"not saved: {reply.status}")  # fmt: skip
            if saved:
                acknowledged = time.monotonic()
                with load.lock:
                    load.acknowledged.append(title)
                watch_visibility(load, replica, title, acknowledged)
        except (OSError, http.client.HTTPException) as error:
            load.record("admin save", due, None, repr(error))
        time.sleep(max(0.0, due + interval - time.monotonic()))


def watch_visibility(load: Load, replica: Server, title: str, acknowledged: float):
    """Seconds from the acknowledged save to the MoU on a visitor's search page (any node, any
    database the router picks) and to its row on the replica (None when it did not come within 10 s)."""
    path = "/outcomes/?" + urllib.parse.urlencode({"q": title})
    on_page = on_replica = None
    deadline = acknowledged + 10
    while time.monotonic() < deadline and (on_page is None or on_replica is None):
        if on_page is None:
            try:
                if title.encode() in request(load.port, "GET", path).body:
                    on_page = time.monotonic() - acknowledged
            except (OSError, http.client.HTTPException):
                pass
        if on_replica is None and replica_has(replica, title):
            on_replica = time.monotonic() - acknowledged
        time.sleep(0.01)
    with load.lock:
        load.visible.append((title, load.phase, on_page, on_replica))


def closed_loop(port: int, site: dict, clients: int, seconds: float) -> tuple[float, int]:
    """Mixed GETs from ``clients`` at once for ``seconds``: requests per second, and failures."""
    load = Load(port, site, "throughput")
    until = time.monotonic() + seconds

    def client():
        while time.monotonic() < until:
            get(load, *random.choice(load.paths()), time.monotonic())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = sum(1 for r in load.results if r.status == 200)
    return ok / seconds, len(load.results) - ok


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--nodes", type=int, default=2, choices=[2, 3], help="app nodes (default 2)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--phase", type=float, default=20, help="seconds per phase (20)")
    parser.add_argument("--rate", type=float, default=6, help="paced GETs per second (6)")
    parser.add_argument("--curators", type=int, default=1, help="editors writing (1)")
    parser.add_argument("--write-interval", type=float, default=2, help="seconds between a curator's MoUs (2)")  # fmt: skip
    parser.add_argument("--clients", type=int, default=8, help="closed-loop clients for the throughput (8)")  # fmt: skip
    parser.add_argument("--throughput-seconds", type=float, default=15, help="per configuration (15)")  # fmt: skip
    parser.add_argument("--redis", default="",
                        help="a Redis URL for the nodes to share, emptied first (default: a redis-server of its own)")  # fmt: skip
    parser.add_argument("--pg-ports", default="55460-55469", help="ports for PostgreSQL (55460-55469)")  # fmt: skip
    parser.add_argument("--app-ports", default="8160-8169", help="ports for HAProxy and the nodes (8160-8169)")  # fmt: skip
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()

    def port_range(text):
        low, high = map(int, text.split("-"))
        return range(low, high + 1)

    pg_ports, app_ports = port_range(args.pg_ports), port_range(args.app_ports)
    folder = Path(tempfile.mkdtemp(prefix="portal-scale-out-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary_port = free_port_in(pg_ports)
    primary = Server(folder, "primary", primary_port)
    replica = Server(folder, "replica", free_port_in(pg_ports, {primary_port}))
    lb_port = free_port_in(app_ports)
    taken = {lb_port}
    node_ports = []
    for _ in range(args.nodes):
        node_ports.append(free_port_in(app_ports, taken))
        taken.add(node_ports[-1])
    balancer = Balancer(folder, lb_port)
    nodes: list[Node] = []
    redis_server = None
    try:
        if not args.redis:
            redis_port = free_port_in(app_ports, taken)
            redis_server = subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--maxmemory", "128mb", "--maxmemory-policy", "allkeys-lru"],
                stdout=open(folder / "redis.log", "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            )  # fmt: skip
            args.redis = f"redis://127.0.0.1:{redis_port}/0"
            time.sleep(0.5)
        print(f"In {folder}: primary :{primary.port}, replica :{replica.port}, HAProxy :{lb_port}, nodes {node_ports}, Redis {args.redis}", flush=True)  # fmt: skip
        primary.init_primary()
        replica.init_replica_of(primary)
        run([str(PYTHON), "-c", f"import redis; redis.Redis.from_url({args.redis!r}).flushdb()"])
        env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{lb_port}",
            "DATABASE_URL": primary.url,
            "DATABASE_REPLICA_URLS": replica.url,
            "REDIS_URL": args.redis,
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(folder / "static"),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_seed", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        site = shell(env, SETUP.format(writers=args.curators, password=EDITOR_PASSWORD))
        nodes = [Node(folder / f"node{n}", p, env, args.workers, args.threads) for n, p in enumerate(node_ports, 1)]  # fmt: skip
        for node in nodes:
            node.start()
        balancer.start(node_ports)

        # Throughput: one node, then all of them, closed loop.
        print("Throughput, closed loop ...", flush=True)
        balancer.start(node_ports[:1])
        closed_loop(lb_port, site, args.clients, 3)  # warm the kept pages and counts
        one = closed_loop(lb_port, site, args.clients, args.throughput_seconds)
        balancer.start(node_ports)
        many = closed_loop(lb_port, site, args.clients, args.throughput_seconds)

        print(f"Paced load: {len(PHASES)} phases of {args.phase:.0f} s ...", flush=True)
        load = Load(lb_port, site, f"Scale-out {secrets.token_hex(4)}")
        load.phase = PHASES[0]
        workers = [threading.Thread(target=paced_reads, args=(load, args.rate, 16))]
        workers += [threading.Thread(target=curator, args=(load, n, replica, args.write_interval)) for n in range(args.curators)]  # fmt: skip
        for worker in workers:
            worker.start()
        events = []

        def phase(name, action=None):
            load.phase = name
            started = time.monotonic()
            if action:
                action()
                events.append(f"{name}: {time.monotonic() - started:.1f} s to do")
            time.sleep(max(0.0, started + args.phase - time.monotonic()))

        time.sleep(args.phase)
        phase(PHASES[1], nodes[-1].stop)
        phase(PHASES[2], replica.stop)
        phase(PHASES[3], lambda: (replica.start(), nodes[-1].start()))
        phase(PHASES[4])
        load.stopped.set()
        for worker in workers:
            worker.join()

        acknowledged = folder / "acknowledged.json"
        acknowledged.write_text(json.dumps(load.acknowledged))
        check = shell(env, CHECK.format(acknowledged=acknowledged, prefix=load.run_id))
        health = json.loads(request(lb_port, "GET", "/healthz").body)
        text = report(load, check, one, many, args, events, health)
        print(text)
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text)
        failed_gets = [r for r in load.results if r.kind in ("page", "api", "feed", "export") and r.status != 200]  # fmt: skip
        if failed_gets or check["missing"] or check["found"] != len(load.acknowledged):
            print("FAILED; logs in", folder, file=sys.stderr)
            args.keep = True
            return 1
        print("PASSED: no GET failed, every acknowledged write is in the primary.")
        return 0
    finally:
        balancer.stop()
        for node in nodes:
            node.stop()
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=10)
        for server in (replica, primary):
            if server.data.exists():
                subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"]), capture_output=True)  # fmt: skip
        if args.keep:
            print(f"Kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def report(load: Load, check, one, many, args, events, health) -> str:
    lines = []
    out = lines.append
    out(f"# Scale-out: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    out("")
    out(f"- {args.nodes} gunicorn nodes ({args.workers} workers x {args.threads} threads each) behind "
        f"HAProxy; PostgreSQL primary + streaming replica; one Redis; {os.cpu_count()} cores for all")  # fmt: skip
    out(f"- paced reads: {args.rate:g}/s (pages, API, feeds, CSV and JSON exports), "
        f"{args.curators} curator(s) adding an MoU every {args.write_interval:g} s; phases of {args.phase:g} s")  # fmt: skip
    for event in events:
        out(f"- {event}")
    out("")
    out(
        "| phase | GETs | failed GETs | p50 ms | p95 ms | p95 / calm | writes acknowledged | writes failed |"
    )
    out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    by_phase = defaultdict(list)
    for r in load.results:
        by_phase[r.phase].append(r)
    calm_p95 = None
    for name in PHASES:
        rs = by_phase.get(name, [])
        gets = [r for r in rs if r.kind in ("page", "api", "feed", "export")]
        ms = [(r.ended - r.due) * 1000 for r in gets if r.status == 200]
        p95 = percentile(ms, 95)
        calm_p95 = calm_p95 or p95
        saves = [r for r in rs if r.kind == "admin save"]
        ok_saves = sum(1 for r in saves if r.status == 302 and not r.note)
        out(f"| {name} | {len(gets)} | {sum(1 for r in gets if r.status != 200)} | "
            f"{percentile(ms, 50):.0f} | {p95:.0f} | {p95 / calm_p95:.2f} | {ok_saves} | {len(saves) - ok_saves} |")  # fmt: skip
    out("")
    statuses = Counter((r.kind, r.status) for r in load.results)
    out("- responses by kind and status: " + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items(), key=str)))  # fmt: skip
    failures = [r for r in load.results if r.status not in (200, 302)]
    for r in failures[:15]:
        out(f"  - failed: {r.phase}: {r.kind} {r.status} {r.note[:160]}")
    out(f"- acknowledged writes: {len(load.acknowledged)}, found in the primary afterwards: "
        f"{check['found']}, missing: {len(check['missing'])}, without history: {len(check['without_history'])}")  # fmt: skip
    on_page = [v[2] for v in load.visible if v[2] is not None]
    on_replica = [v[3] for v in load.visible if v[3] is not None]
    out(f"- a curator's MoU on a visitor's page after its save was acknowledged: median "
        f"{percentile(on_page, 50) * 1000:.0f} ms, p95 {percentile(on_page, 95) * 1000:.0f} ms, max "
        f"{max(on_page, default=float('nan')) * 1000:.0f} ms ({len(on_page)} of {len(load.visible)} seen within 10 s)")  # fmt: skip
    out(f"- its row on the replica: median {percentile(on_replica, 50) * 1000:.0f} ms, p95 "
        f"{percentile(on_replica, 95) * 1000:.0f} ms ({len(on_replica)} of {len(load.visible)}; none while the replica was stopped)")  # fmt: skip
    out(f"- throughput of the mixed reads, closed loop with {args.clients} clients: one node "
        f"{one[0]:.1f}/s ({one[1]} failed), {args.nodes} nodes {many[0]:.1f}/s ({many[1]} failed): "
        f"ratio {many[0] / one[0]:.2f}")  # fmt: skip
    out(f"- /healthz at the end: `{json.dumps(health)}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
