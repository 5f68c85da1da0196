"""The portal's middleware."""

from django.conf import settings
from django.core.signals import request_finished
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware import gzip, http
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language_from_path, gettext
from reversion import middleware as reversion_middleware

from core import data_cache, db_router


class RevisionMiddleware(reversion_middleware.RevisionMiddleware):
    """django-reversion's: every write request is one transaction and one revision in the history.

    And a write request that failed (a 5xx) or was refused part-way
    (``request.keep_nothing``, core.curated_admin) keeps neither. reversion alone
    would commit the versions it collected before the failure: Django turns the
    exception into a 500 response below this middleware, so the revision block
    ends normally and records a change whose rows were rolled back.
    """

    def __init__(self, get_response) -> None:
        def respond(request: HttpRequest):
            response = get_response(request)
            failed = response.status_code >= 500 or getattr(request, "keep_nothing", False)
            if failed and self.request_creates_revision(request):
                # The innermost transaction here is this middleware's own: the whole request.
                transaction.set_rollback(True)
            return response

        super().__init__(respond)


class RefuseNulMiddleware:
    """A NUL character in the URL's path answers 404, and in the admin's query 400, before any view.

    No record's key can hold one, and PostgreSQL refuses text with NUL in it: a lookup with one
    fails with a 500 instead of finding nothing. The path check covers the pages, the API, the
    feeds and the admin's object ids and history. The public pages and the API check their own
    parameters and name the bad one; the admin's list filters pass theirs to the database as
    they come, so its query is checked here.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request: HttpRequest):
        if "\0" in request.path:
            raise Http404(gettext("No page has a NUL character in its address."))
        if request.path.startswith(self.admin_prefix) and any(
            "\0" in "".join([name, *values]) for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                gettext(
                    "A parameter of this address holds a NUL character (%00), which no value may hold."
                ),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PolicyHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response (settings.py says which).

    Django sets the other security headers itself (SecurityMiddleware, CSP, X-Frame-Options).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.SECURE_CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class CompressPagesMiddleware(gzip.GZipMiddleware):
    """Pages, the API's JSON and the feeds compressed (gzip) for browsers that accept it.

    Django's GZipMiddleware, with its defence against BREACH (random bytes in the gzip header), for
    whole responses only: static files come from whitenoise already compressed (Brotli and gzip,
    made once by collectstatic), and the streamed exports stay as they are (their size, speed and
    memory are measured as sent; docs/exports.md). Above ConditionalGetMiddleware, so the ETag is
    the uncompressed page's, made weak here as RFC 9110 asks, and If-None-Match still gets 304.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming:
            return response
        return super().process_response(request, response)


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's ETag and 304 Not Modified, for HEAD as for GET.

    Django's skips HEAD, thinking its body already gone; here it is still there (the server drops
    it), so HEAD gets the ETag GET gets, and the same headers. A response that carries its own
    validator (a feed's Last-Modified, an export's ETag: FilteredListView.export) keeps it; a
    streamed one without one gets none, as its body cannot be hashed.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response


class OpenDataCorsMiddleware:
    """``Access-Control-Allow-Origin: *`` on the open data, so that a web page elsewhere can read it.

    The API, the feeds, the catalogue and every export, for GET and HEAD only: nothing public is
    written, and no cookie is sent across sites (no ``Allow-Credentials``), so the curators' session
    is never reached. The ETag and the export's file name are exposed to such scripts too.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and (
            _unprefixed(request.path).startswith(settings.OPEN_DATA_PREFIXES)
            or "export" in request.GET
        ):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "Content-Disposition, ETag"
        return response


def _unprefixed(path: str) -> str:
    """``path`` without its language prefix: /fr/feeds/outcomes/ is the feed /feeds/outcomes/ is."""
    language = get_language_from_path(path)
    return path.removeprefix(f"/{language}") if language else path


class ReplicaReadsMiddleware:
    """Lets a visitor's GET read a replica (core/db_router.py); everything else reads the primary.

    The primary serves curators (logged in), the admin, every writing method, and a browser for
    ``REPLICA_PIN_SECONDS`` after one of its requests wrote (a cookie): whoever changed something
    sees it at once. A replica also serves only once it has replayed the data cache's generation,
    so a visitor never gets a page older than the kept ones. A GET during which a replica failed
    is answered again from the primary: a replica going down costs no request.
    """

    SAFE_METHODS = ("GET", "HEAD")

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"
        # The route lasts until the response is sent, streamed exports included.
        request_finished.connect(db_router.end, dispatch_uid="portal-replica-reads-end")

    def __call__(self, request: HttpRequest):
        if not db_router.replicas():
            return self.get_response(request)
        db_router.begin(
            replica_allowed=self._replica_allowed(request), needed=data_cache.generation_position
        )
        with db_router.watching_replicas():
            response = self.get_response(request)
        if (
            db_router.replica_failed()
            and response.status_code >= 500
            and request.method in self.SAFE_METHODS
        ):
            db_router.begin(replica_allowed=False)
            response = self.get_response(request)
        if db_router.wrote() and response.status_code < 500:
            response.set_cookie(
                settings.REPLICA_PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _replica_allowed(self, request: HttpRequest) -> bool:
        return (
            request.method in self.SAFE_METHODS
            and settings.REPLICA_PIN_COOKIE not in request.COOKIES
            and not request.path.startswith(self.admin_prefix)
            and not request.user.is_authenticated
        )


class ApiLanguageMiddleware:
    """/api/: names (partnerships', sectors', countries', outcome titles) in the language that
    ``?lang=fr`` or, without it, ``Accept-Language`` asks for; English otherwise. Keys stay the
    English machine keys (docs/api.md). An unknown ``lang`` answers 400 with the languages there are.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        languages = [code for code, _name in settings.LANGUAGES]
        language = request.GET.get("lang")
        if language is None:
            language = translation.get_supported_language_variant(
                translation.get_language_from_request(request)
            )
        elif language not in languages:
            return JsonResponse(
                {
                    "detail": {
                        "lang": [
                            gettext("Unknown language “%(lang)s”: use one of %(languages)s.")
                            % {"lang": language, "languages": ", ".join(languages)}
                        ]
                    }
                },
                status=400,
            )
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response
