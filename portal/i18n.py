"""The interface's language: in the address, chosen by the visitor, offered on every page.

English pages keep the addresses they have always had (``/partnerships/``); French and German
pages are the same addresses under a prefix (``/fr/partnerships/``, ``/de/partnerships/``), from
Django's ``i18n_patterns(..., prefix_default_language=False)`` (portal/urls.py). The API, the
sitemap, robots.txt, the catalogue and ``/healthz`` have no prefix: they are for programs and stay
English. docs/decisions.md says why a prefix and not translated path segments; docs/translation.md
how to add a language.

- A first visit to ``/`` goes to the home page in the language the browser asks for
  (``Accept-Language``), or the one the visitor chose before (the language cookie); only ``/``, so
  that a link to an English page always opens in English.
- The switcher on every page links to ``/language/<code>/?next=<this page>``, which remembers the
  choice for the browser's session (a cookie that ends with it) and answers with the same page,
  its filters and sort included, in that language: a plain link, no form and no script, so the
  kept public pages need no CSRF token.
- The admin, which has no prefix (its address is a setting), speaks the curator's language: the
  one chosen on the public pages, or the browser's.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, get_script_prefix, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def language_names() -> dict[str, str]:
    """Each language's code and its name in itself ("Français"), as settings.LANGUAGES gives them."""
    return dict(settings.LANGUAGES)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the language from the address), plus ``/``'s first-visit redirect
    and the admin's language from the visitor's choice or browser."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        super().process_request(request)
        if request.path_info == "/" and request.method in ("GET", "HEAD"):
            preferred = translation.get_language_from_request(request)
            if preferred != settings.LANGUAGE_CODE:
                query = request.META.get("QUERY_STRING", "")
                return HttpResponseRedirect(
                    path_in_language("/", preferred) + (f"?{query}" if query else "")
                )
        elif request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if request.path_info == "/":
            # The home page's answer depends on the language cookie as well as Accept-Language.
            patch_vary_headers(response, ("Cookie",))
        return response


def path_in_language(path: str, language: str) -> str:
    """``path`` (a page of the portal, with its query if any) in ``language``: its prefix changed.

    Read from the address itself: which language its prefix names, and the same page reversed in
    the other language (Django's ``translate_url``), so that a path outside the prefixed pages, or
    one that resolves to nothing, comes back unchanged.
    """
    current = translation.get_language_from_path(urlsplit(path).path) or settings.LANGUAGE_CODE
    with translation.override(current):
        return translate_url(path, language)


def language_versions(request: HttpRequest) -> list[dict[str, str]]:
    """This page in every language: code, name, path, the switcher's address, and whether it is
    this one or the default.

    Empty for a page that exists in one language only (the API's reference, an error page).
    """
    match = request.resolver_match
    if match is None:
        return []
    return _versions(
        match.view_name,
        tuple(match.args),
        tuple(sorted(match.kwargs.items())),
        translation.get_language(),
        # What else the addresses and names depend on, which a test may change.
        (
            get_script_prefix(),
            settings.ROOT_URLCONF,
            tuple(settings.LANGUAGES),
            settings.LANGUAGE_CODE,
        ),
    )


@lru_cache(maxsize=4096)
def _versions(view_name, args, kwargs, current, setup) -> list[dict[str, str]]:
    """Kept per page address and language (``setup`` is only a key): a page's every
    render reversed its address in each language, and the switcher's three addresses, in
    the header. Read only: the templates never change it."""
    versions = []
    for code, name in settings.LANGUAGES:
        try:
            with translation.override(code):
                path = reverse(view_name, args=args, kwargs=dict(kwargs))
        except NoReverseMatch:
            return []
        versions.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "switch": reverse("switch-language", args=[code]),
                "current": code == current,
                # x-default: the page for a reader whose language the portal does not have.
                "default": code == settings.LANGUAGE_CODE,
            }
        )
    if len({version["path"] for version in versions}) == 1:
        return []
    return versions


@require_safe
@never_cache
def switch_language(request: HttpRequest, code: str) -> HttpResponse:
    """Remember ``code`` for this browser's session and answer with ``next`` in that language."""
    if code not in language_names():
        raise Http404(translation.gettext("The portal has no pages in this language."))
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(path_in_language(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
