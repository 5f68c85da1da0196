"""A curated record's status in words, and the columns the review of a draft needs.

Public pages read one thing, ``is_published`` (through each QuerySet's
``.published()``). Review adds three columns beside it, which the public never
reads: when and by whom a draft was submitted for review, when a published
record was withdrawn, and the editor's note when they sent a draft back. The
status a curator sees is derived from them, in this order:

- Published: ``is_published``;
- Waiting for review: a draft with ``submitted_at``;
- Withdrawn: a draft an editor took off the public pages (``withdrawn_at``);
- Draft — not public: any other draft.

A database rule keeps them consistent: a published record is neither waiting
nor withdrawn (``review_rule``), whatever writes it (a form, a bulk action, an
import, a revert).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft — not public")
    WAITING = "waiting", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Who may do what, in the words the form and the list show under the status.
STATUS_HELP = _(
    "Only published records are on the public pages. Coordinators save drafts and submit them for "
    "review; editors publish, send a draft back with a note, or withdraw a published record."
)

# The review columns, which a revert leaves as they are now (core/restore_version.py).
REVIEW_FIELDS = ("submitted_at", "submitted_by", "withdrawn_at", "review_note")


def review_fields() -> tuple[models.Field, ...]:
    """submitted_at, submitted_by, withdrawn_at, review_note: declared on each publishable model."""
    return (
        models.DateTimeField(
            null=True,
            blank=True,
            editable=False,
            help_text=_("When a coordinator submitted this draft for an editor's review."),
            verbose_name=_("submitted for review at"),
        ),
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.SET_NULL,
            null=True,
            blank=True,
            editable=False,
            related_name="+",
            verbose_name=_("submitted by"),
        ),
        models.DateTimeField(
            null=True,
            blank=True,
            editable=False,
            verbose_name=_("withdrawn at"),
        ),
        models.TextField(
            blank=True,
            editable=False,
            max_length=2000,
            help_text=_("The editor's note when they sent this draft back."),
            verbose_name=_("review note"),
        ),
    )


def review_rule(name: str) -> models.CheckConstraint:
    """A published record is neither waiting for review nor withdrawn."""
    return models.CheckConstraint(
        condition=Q(is_published=False) | Q(submitted_at__isnull=True, withdrawn_at__isnull=True),
        name=name,
        violation_error_message=_("A published record cannot be waiting for review or withdrawn."),
    )


def waiting_index(name: str) -> models.Index:
    """The review queue's order (oldest first) over the few waiting rows, not over every row."""
    return models.Index(fields=["submitted_at"], condition=Q(submitted_at__isnull=False), name=name)


def status_of(record: Any) -> Status:
    if record.is_published:
        return Status.PUBLISHED
    if record.submitted_at is not None:
        return Status.WAITING
    if record.withdrawn_at is not None:
        return Status.WITHDRAWN
    return Status.DRAFT


def status_filter(status: str) -> Q:
    """The rows of one status, as ``status_of`` reads them."""
    return {
        Status.PUBLISHED: Q(is_published=True),
        Status.WAITING: Q(is_published=False, submitted_at__isnull=False),
        Status.WITHDRAWN: Q(
            is_published=False, submitted_at__isnull=True, withdrawn_at__isnull=False
        ),
        Status.DRAFT: Q(is_published=False, submitted_at__isnull=True, withdrawn_at__isnull=True),
    }[Status(status)]


def mark_published(record: Any, is_published: bool, *, withdrawn: bool = True) -> None:
    """Keeps the review columns true to a change of ``is_published`` (Publishable.set_published).

    Publishing ends a review and a withdrawal; a published record that becomes a draft is
    withdrawn, unless ``withdrawn`` is false (a coordinator's save of a published record, which
    returns it to draft until an editor publishes it again).
    """
    if is_published:
        record.submitted_at = None
        record.withdrawn_at = None
        record.review_note = ""
    elif record.is_published and withdrawn:
        record.withdrawn_at = timezone.now()


def submit(record: Any, user: Any) -> None:
    record.submitted_at = timezone.now()
    record.submitted_by = user
    record.review_note = ""


def send_back(record: Any, note: str) -> None:
    """Back to draft with the editor's note; ``submitted_by`` stays, so it is theirs to fix."""
    record.submitted_at = None
    record.review_note = note
