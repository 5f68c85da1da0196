"""gunicorn's settings for `make serve` (docs/operations.md). Each one can be set from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two per core plus one is gunicorn's rule of thumb; the portal is mostly waiting on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# A worker is replaced after this many requests, with jitter so that they do not all restart at once.
max_requests = 1000
max_requests_jitter = 100
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
