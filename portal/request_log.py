"""One log line per request, and a request id on every log line written while it is served.

The id comes from the proxy's ``X-Request-ID`` header when it sends a sensible one (so the proxy's
log and ours can be matched), or is made here; it is echoed in the response's ``X-Request-ID``.
An error logged by Django while serving the request (``django.request``) carries the same id.
"""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("portal.request")

_request_id = contextvars.ContextVar("request_id", default="-")
# Anything else (too long, control characters, spaces) would let a client write into our logs.
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or taken from X-Forwarded-For behind trusted proxies.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it received from, so the client is
    that many entries from the right; entries further left were written by the client itself.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside a request)."""

    def filter(self, record) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _ACCEPTABLE_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "ip": client_ip(request),
                },
            )
            return response
        finally:
            _request_id.reset(token)
