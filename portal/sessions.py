"""Sessions: a maximum lifetime on top of Django's idle timeout, and an outage that stays an outage.

Django renews a session on each request (SESSION_SAVE_EVERY_REQUEST), so an active session would
live for ever. This ends it SESSION_MAX_LIFETIME after it began, however busy it has been: a
stolen session cookie is worth a working day at most.
"""

import time

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest

STARTED_AT = "_session_started_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        session = request.session
        # Only when a session cookie came: reading an absent session would add "Vary: Cookie".
        if session.session_key and STARTED_AT in session:
            age = time.time() - session[STARTED_AT]
            if age > settings.SESSION_MAX_LIFETIME.total_seconds():
                session.flush()  # Logged out; the next login starts a new session.
        response = self.get_response(request)
        # A login replaces the session (cycle_key keeps the data), so stamp whatever has data now.
        if not session.is_empty() and STARTED_AT not in session:
            session[STARTED_AT] = time.time()
        return response


class SessionStore(db.SessionStore):
    """Django's database sessions, except that a database that stops answering is an outage.

    Django turns any database error in saving an existing session into UpdateError, which its
    middleware answers with 400 "session deleted": a request that met the outage only at its
    end would get that instead of the 503 "temporarily unavailable" of every other request
    (portal.views.server_error). The outage's own error goes on to that handler.
    """

    def save(self, must_create: bool = False) -> None:
        try:
            return super().save(must_create=must_create)
        except UpdateError as error:
            if isinstance(error.__context__, OperationalError | InterfaceError):
                raise error.__context__ from None
            raise
