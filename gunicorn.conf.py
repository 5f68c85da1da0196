"""gunicorn's settings for `make serve` (docs/operations.md). Each one can be set from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two per core plus one is gunicorn's rule of thumb; the portal is mostly waiting on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
# Threaded workers (gthread): a download runs in one thread while the worker's main loop keeps
# telling the arbiter it is alive, so `timeout` no longer kills a worker mid-file (a sync worker
# serving a 1M-row CSV to a slow reader was killed at 30 s), and the worker's other threads go on
# serving pages meanwhile. A runaway query is stopped by the database's statement timeout instead.
# docs/decisions.md, "Downloads never cut".
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Workers are not replaced after a number of requests unless asked (GUNICORN_MAX_REQUESTS): a new
# worker imports the portal again, about a second of a core here, and under load the requests queued
# behind it wait that long. With 1000, p95 at 70% of the maximum rate was 77-1,600 ms; without,
# 8-10 ms (bench/README.md). The workers' memory stays flat, exports included, so there is no leak
# to recycle away; set it if one appears. The jitter keeps the workers from restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
wsgi_app = "portal.wsgi:application"
# The portal writes its own request line, as JSON, with status, duration and request id
# (portal/request_log.py); gunicorn's access log stays off unless asked for, in the same spirit.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(b)s", '
    '"duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}'
)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Behind the proxy: trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
