"""Whole public pages for visitors, kept until the data changes.

A public page is the same for every visitor who is not logged in: no form
with a CSRF token, no messages, nothing per person. Rendering one costs 50 to
100 ms of templates even when every count comes from the cache, so the
rendered page itself is kept under the data's current generation
(portal/freshness.py): the first save or delete of curated data starts a new
generation and every kept page is forgotten with it. Curators, who are logged
in, always get a fresh page; so do exports, the admin and anything but a
successful GET.
"""

from django.conf import settings
from django.http import HttpResponse

from portal import freshness


def _skipped_prefixes():
    return (f"/{settings.ADMIN_URL}", "/healthz", f"/{settings.STATIC_URL}")


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        responses = []

        def render():
            response = self.get_response(request)
            responses.append(response)
            if not self._cacheable_response(response):
                return "uncacheable"
            return (response.content, response["Content-Type"])

        kept = freshness.cached("page", request.get_full_path(), render)
        if responses:
            return responses[0]  # Rendered just now, cached or not.
        if kept == "uncacheable":
            return self.get_response(request)
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)

    @staticmethod
    def _cacheable_request(request):
        return (
            settings.PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and "export" not in request.GET
            and not request.path.startswith(_skipped_prefixes())
            and not request.user.is_authenticated
        )

    @staticmethod
    def _cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith("text/html")
        )
