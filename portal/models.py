"""The portal's own state: import previews waiting for their confirmation.

This module also makes Django send ``post_migrate`` to the portal, whose handler keeps the
curators' roles in step.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.imports import MAX_IMPORT_BYTES


class ImportPreview(models.Model):
    """A file a curator uploaded and previewed, waiting for them to confirm it.

    In the database rather than a folder or the cache, so that any app node can confirm what
    another previewed, and a preview survives a cache eviction (docs/decisions.md). Only its owner
    may confirm it, until ``IMPORT_PREVIEW_MAX_AGE`` after it was made
    (portal/import_previews.py).
    """

    token = models.CharField(_("token"), max_length=32, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The curator who previewed it; set as soon as the preview is shown."),
    )
    data = models.BinaryField(_("file"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("data"), MAX_IMPORT_BYTES),
                name="portal_importpreview_within_size",
            ),
        ]

    def __str__(self) -> str:
        return self.token
