"""Where a previewed import waits for its confirmation: a row of ``ImportPreview``.

django-import-export keeps the uploaded file between the preview and the confirmation in its
"temporary storage" (``IMPORT_EXPORT_TMP_STORAGE_CLASS``); this one is the database, which every
app node shares (docs/decisions.md, "Import previews in the database"). The file waits under a
random name (122 bits), owned by the curator who previewed it, for ``IMPORT_PREVIEW_MAX_AGE``;
``core.imports.CuratedImportMixin`` lets only that curator's session confirm it.
"""

import datetime
from uuid import uuid4

from django.conf import settings
from django.utils import timezone
from import_export.tmp_storages import BaseStorage

from portal.models import ImportPreview


class DatabasePreviewStorage(BaseStorage):
    def save(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        self.name = self.name or uuid4().hex
        ImportPreview.objects.create(token=self.name, data=data)

    def _current(self):
        cutoff = timezone.now() - settings.IMPORT_PREVIEW_MAX_AGE
        return ImportPreview.objects.filter(token=self.name or "", created_at__gte=cutoff)

    def read(self) -> bytes:
        # Bytes whatever the format, as the library's MediaStorage gives them: the CSV format
        # decodes them with the import's encoding.
        return bytes(self._current().values_list("data", flat=True).get())

    def remove(self) -> None:
        ImportPreview.objects.filter(token=self.name or "").delete()

    def exists(self) -> bool:
        """Whether it is still there and not expired."""
        return self._current().exists()

    def claim(self, user) -> None:
        """Make ``user`` its owner: the library saves it before the request's user is known."""
        ImportPreview.objects.filter(token=self.name, owner=None).update(owner=user)

    def belongs_to(self, user) -> bool:
        return self._current().filter(owner=user).exists()

    @staticmethod
    def delete_old(max_age: datetime.timedelta | None = None, *, dry_run=False) -> list[str]:
        """Deletes the previews older than ``max_age`` (IMPORT_PREVIEW_MAX_AGE), never confirmed;
        returns their names."""
        cutoff = timezone.now() - (max_age or settings.IMPORT_PREVIEW_MAX_AGE)
        old = ImportPreview.objects.filter(created_at__lt=cutoff)
        names = list(old.values_list("token", flat=True))
        if not dry_run:
            old.filter(token__in=names).delete()
        return names
