"""The portal's URLs plus one that fails, to see how an unexpected error is logged."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("An unexpected failure, on purpose")


urlpatterns = [path("fail", fail), *portal_urlpatterns]
