"""The portal's middleware."""

from django.db import transaction
from reversion import middleware as reversion_middleware


class RevisionMiddleware(reversion_middleware.RevisionMiddleware):
    """django-reversion's: every write request is one transaction and one revision in the history.

    And a write request that failed (a 5xx) or was refused part-way
    (``request.keep_nothing``, portal.curation) keeps neither. reversion alone
    would commit the versions it collected before the failure: Django turns the
    exception into a 500 response below this middleware, so the revision block
    ends normally and records a change whose rows were rolled back.
    """

    def __init__(self, get_response):
        def respond(request):
            response = get_response(request)
            failed = response.status_code >= 500 or getattr(request, "keep_nothing", False)
            if failed and self.request_creates_revision(request):
                # The innermost transaction here is this middleware's own: the whole request.
                transaction.set_rollback(True)
            return response

        super().__init__(respond)
