"""What a backup holds, and what counts as an empty database to restore it into.

A backup is Django's ``dumpdata`` with natural foreign keys, every primary key kept (docs/operations.md):
the same file restores into SQLite or PostgreSQL, and the history (django-reversion) stays right,
because its saved versions name related rows by primary key.
"""

from django.apps import apps
from django.db import models

# Made again by ``migrate`` (content types, permissions), per-visitor or per-login state
# (sessions, login attempts and lockouts, import previews), or nothing to restore (OTP devices
# are re-enrolled).
LEFT_OUT = [
    "portal.importpreview",
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "otp_totp",
]
# Rows that ``migrate`` itself writes into a new database; the backup holds their current state.
MADE_BY_MIGRATE = {"auth.group", "partnerships.country"}


def _label(model):
    return model._meta.label_lower


def _left_out(model) -> bool:
    return model._meta.app_label in LEFT_OUT or _label(model) in LEFT_OUT


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if not _left_out(model) and model._meta.managed and not model._meta.proxy
    ]


def rows_in_the_way(using="default") -> list[str]:
    """Labels of the models that already hold rows a restore would add to: empty means empty."""
    return [
        _label(model)
        for model in backed_up_models()
        if _label(model) not in MADE_BY_MIGRATE and model._default_manager.using(using).exists()
    ]
