"""The review's e-mails: sent after the change is committed, and a failure to send only logged.

Through Django's mail settings (EMAIL_HOST and the others, from the environment:
docs/operations.md). A curator's change never waits for, or fails with, the mail
server: the message goes once the transaction has committed (a change rolled back
sends nothing), and an error is logged with the record, never raised.
"""

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet

log = logging.getLogger(__name__)


def send_after_commit(subject: str, body: str, recipients: Iterable[str]) -> None:
    to = sorted({address for address in recipients if address})
    if not to:
        return

    def send() -> None:
        try:
            send_mail(str(subject), str(body), None, to)
        except Exception:  # Any failure of the mail server: the change is saved, the mail is not.
            log.exception("Could not send the e-mail %r to %s", str(subject), ", ".join(to))

    transaction.on_commit(send)


def publishers_of(model) -> QuerySet:
    """The active users who may publish ``model``'s records (by their group or themselves)."""
    opts = model._meta.concrete_model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"publish_{opts.model_name}"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .exclude(email="")
        .distinct()
    )
