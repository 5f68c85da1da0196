"""The portal's URLs plus one that fails, to see how an unexpected error is logged."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler500  # noqa: F401 (the portal's 503 for an outage, here too)
from portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("An unexpected failure, on purpose")


urlpatterns = [path("fail", fail), *portal_urlpatterns]


# Set by a test: called by the view below, after which the database is down for the rest of the request.
outage_begins = None


def database_goes_down(request):
    """Answers, and the database stops answering before the response is finished (the session's save)."""
    outage_begins()
    return HttpResponse("The view is done.")


urlpatterns.insert(0, path("database-goes-down", database_goes_down))
