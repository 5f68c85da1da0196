"""Bulk import from CSV and XLSX, in the columns of the exports, with django-import-export.

The admin's import is two steps: the file is read and every row checked in a
transaction that is rolled back (the preview, row by row: new, changed,
unchanged, or rejected with the reason), and nothing is written until the
curator confirms. Any rejected row blocks the confirmation: an import is all
or nothing, in one transaction, recorded as one revision in the history. A row
that became invalid between the preview and the confirmation undoes the whole
file, its history included.

What the exports write for spreadsheets is undone here: a leading quote that
neutralised a formula is removed again, and lists are split on ";".

Big files (10,000 rows) are written in bulk with their history (PortalResource), and the
previewed file waits in the database under a random name that only the curator's session may
confirm (CuratedImportMixin, portal/import_previews.py): docs/curation.md, "Big imports" and
"The previewed file".
"""

import contextlib
import copy
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from concurrency.fields import VersionField
from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from import_export import resources, widgets
from import_export.admin import ImportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.results import Result, RowResult

from core import bulk_history, data_cache
from core.country_codes import normalise_country_code
from core.curated_admin import keep_nothing_of_this_request, refusal_reason
from core.exports import FORMULA_TRIGGERS, LIST_SEPARATOR
from core.translated import source_language

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
# The preview shows this many rows with their changes; the counts cover every row.
PREVIEW_ROWS = 200
# A confirmation that failed lists this many errors in its message.
MESSAGE_ERRORS = 20
# The widest export (partnerships) has 35 columns.
MAX_IMPORT_COLUMNS = 100
# An XLSX is a zip of XML parts: a real one of 5 MB unpacks to well under 50 MB.
MAX_WORKBOOK_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 200


def restore(text) -> str:
    """Undo the export's formula neutralising: "'=A1" back to "=A1"."""
    text = "" if text is None else str(text).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def quoted(names) -> str:
    return ", ".join(f"“{name}”" for name in names)


def split_list(value) -> list[str]:
    return [item.strip() for item in restore(value).split(LIST_SEPARATOR) if item.strip()]


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        return restore(value)


class CountryWidget(widgets.ForeignKeyWidget):
    """An ISO code (UK, EL and ROK accepted), or empty: a row of ``model``, the countries' model.

    The countries are read once per import (a few hundred rows), not once per row: each resource
    has its own copy of its widgets, so this lasts one import."""

    def __init__(self, model, **kwargs) -> None:
        self.countries = None
        super().__init__(model, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs) -> Model | None:
        text = restore(value)
        if not text:
            return None
        if self.countries is None:
            self.countries = {country.code: country for country in self.model.objects.all()}
            self.by_text = {}
        if text not in self.by_text:
            self.by_text[text] = self.countries.get(normalise_country_code(text))
        if self.by_text[text] is None:
            raise ValueError(
                gettext("Unknown country “%(text)s”: use an ISO code such as BR, CN or US.")
                % {"text": text}
            )
        return self.by_text[text]


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related record looked up by a field; an unknown value is a clear error, not a crash.

    Each value is looked up once per import: a file of 10,000 MoUs names a few partnerships."""

    def __init__(self, model, field, what, **kwargs) -> None:
        self.what = what
        self.found = {}
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs) -> Model | None:
        text = restore(value)
        if not text:
            return None
        if text not in self.found:
            self.found[text] = self.model.objects.filter(**{self.field: text}).first()
        if self.found[text] is None:
            raise ValueError(
                gettext("No %(what)s “%(text)s” on this portal.")
                % {"what": self.what, "text": text}
            )
        return self.found[text]


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Names separated by ";"; every one must exist."""

    def __init__(self, model, field, what, **kwargs) -> None:
        self.what = what
        super().__init__(model, separator=LIST_SEPARATOR, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs) -> list[Model]:
        names = split_list(value)
        found = {
            getattr(obj, self.field): obj
            for obj in self.model.objects.filter(**{f"{self.field}__in": names})
        }
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(
                gettext("Unknown %(what)s: %(names)s.")
                % {"what": self.what, "names": quoted(unknown)}
            )
        return [found[name] for name in names]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateWidget(widgets.DateWidget):
    """An ISO 8601 date, as the exports write it (a spreadsheet's own date cells are read too)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if isinstance(value, datetime.datetime):  # An XLSX date cell.
            return value.date()
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            # As the exports write it; strptime, below, costs ten times as much a row.
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass  # Such as 2013-02-30: the message below.
        try:
            return super().clean(restore(value) if isinstance(value, str) else value, row, **kwargs)
        except ValueError:
            raise ValueError(
                gettext("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2013-10-15.")
                % {"value": value}
            ) from None


class ChoiceWidget(widgets.CharWidget):
    """One of a field's choices, by its code."""

    def __init__(self, choices, what, **kwargs) -> None:
        self.choices = choices
        self.what = what
        super().__init__(**kwargs)

    @property
    def codes(self) -> list[str]:
        # Read when used: choices that can grow (outcome types) are checked as they are then.
        return [value for value, _ in self.choices]

    def clean(self, value, row=None, **kwargs) -> str:
        text = restore(value)
        if text and text not in self.codes:
            raise ValueError(
                gettext("“%(text)s” is not %(what)s; use one of: %(codes)s.")
                % {"text": text, "what": self.what, "codes": ", ".join(self.codes)}
            )
        return text


class ClassedDiff(resources.Diff):
    """The preview's changes marked with classes (static/css/admin-curation.css) instead of the
    inline styles diff-match-patch writes, which the Content-Security-Policy blocks."""

    INLINE_STYLES = {
        '<ins style="background:#e6ffe6;">': '<ins class="diff-insert">',
        '<del style="background:#ffe6e6;">': '<del class="diff-delete">',
    }

    def as_html(self) -> list[SafeString]:
        cells = []
        for cell in super().as_html():
            for styled, classed in self.INLINE_STYLES.items():
                cell = cell.replace(styled, classed)
            # diff-match-patch escaped the values themselves; only its own tags are markup.
            cells.append(mark_safe(cell))
        return cells


class PortalResource(resources.ModelResource):
    """Shared checks: known columns only, the identifying column present, every row validated.

    A resource whose Meta sets ``use_bulk`` (outcomes) writes its rows with one INSERT or UPDATE
    per batch instead of one per row, and records the written records in one revision of the
    history itself (core/bulk_history.py): bulk writes send no post_save, which is how
    django-reversion otherwise learns of a save.
    """

    @classmethod
    def get_diff_class(cls) -> type[resources.Diff]:
        return ClassedDiff

    # The list (core/public_lists.py) whose export's columns this import reads: every import
    # column is one of them (tests/test_public_lists.py).
    public_list = None
    # True where the model's clean() checks every rule of its constraints itself (Outcome.clean):
    # the rows are then validated without Django's query per row and per constraint, and without
    # the query per foreign key whose record the import has just read. The database still
    # enforces every constraint when the rows are written.
    rules_in_clean = False

    def get_import_fields(self) -> list[Field]:
        # Asked several times per row; the library works the list out again each time.
        if getattr(self, "import_fields", None) is None:
            self.import_fields = super().get_import_fields()
        return self.import_fields

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        """The export's columns the import does not read, written for people, such as "url"."""
        imported = {field.column_name for field in self.get_import_fields()}
        return tuple(
            column.name
            for column in self.public_list.export_class.columns
            if column.name not in imported
        )

    def import_data(self, dataset, dry_run=False, **kwargs) -> Result:
        # The preview is a dry run: its writes are rolled back, so they go in no history.
        self.dry_run = dry_run
        self.previewed = 0
        # The records written in bulk, for the history.
        self.written = []
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        self.row_number = kwargs.get("row_number")
        self.current = None
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        super().after_init_instance(instance, new, row, **kwargs)
        if self._meta.skip_diff:
            # The record as stored, for the unchanged-row check and the preview's diff: a shallow
            # copy, where the library's own diff deep-copies every row, related records and all.
            self.current = (instance, None if new else copy.copy(instance))

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        original = self.current[1]
        if original is None or not self._meta.skip_unchanged or import_validation_errors:
            return False
        return all(
            self._stored_value(field, instance) == self._stored_value(field, original)
            for field in self.get_import_fields()
            if field.column_name in row
        )

    def _stored_value(self, field, instance):
        try:
            model_field = instance._meta.get_field(field.attribute)
        except FieldDoesNotExist:
            return field.get_value(instance)
        # A foreign key compares by id, without reading the related record.
        return getattr(instance, model_field.attname)

    def after_import_row(self, row, row_result, **kwargs) -> None:
        super().after_import_row(row, row_result, **kwargs)
        if self._meta.skip_diff and self.current is not None:
            instance, original = self.current
            row_result.original = original
            changed = row_result.import_type in (
                row_result.IMPORT_TYPE_NEW,
                row_result.IMPORT_TYPE_UPDATE,
            )
            if self.dry_run and changed and self.previewed < PREVIEW_ROWS:
                self.previewed += 1
                diff = ClassedDiff(self, original or type(instance)(), original is None)
                diff.compare_with(self, instance)
                row_result.diff = diff.as_html()

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self._meta.use_bulk and not getattr(self, "dry_run", True):
            # The records a confirmed import changes stay as read until it commits: a bulk UPDATE
            # has no per-row version check (django-concurrency's) to refuse a save made meanwhile.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def with_machine_names(self, dataset) -> Any:
        """A file for people (an XLSX export) in the export's own columns: each heading back to
        its column's name, and the columns added for people (names beside codes) left out."""
        export_class = self.public_list.export_class
        people = export_class.people_columns or export_class.columns
        machine = {column.name for column in export_class.columns}
        names = {column.heading: column.name for column in people}
        headers = [str(header).strip() for header in dataset.headers or []]
        if not headers or any(header in machine for header in headers):
            return dataset
        for header in headers:
            if names.get(header, header) not in machine and header in names:
                del dataset[header]
        dataset.headers = [names.get(str(header).strip(), header) for header in dataset.headers]
        return dataset

    def column_problem(self, headers) -> str | None:
        """What is wrong with a file's header row for this import, or None."""
        headers = [str(h).strip() for h in headers or []]
        expected = [field.column_name for field in self.get_import_fields()]
        unknown = [h for h in headers if h not in {*expected, *self.ignored_columns}]
        if unknown:
            return (
                ngettext(
                    "The column %(unknown)s is not one this import knows.",
                    "The columns %(unknown)s are not ones this import knows.",
                    len(unknown),
                )
                % {"unknown": quoted(unknown)}
                + " "
                + gettext(
                    "The columns it knows are %(expected)s (those of the export, see /about/exports/)."
                )
                % {"expected": quoted([*expected, *self.ignored_columns])}
            )
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            return gettext("The file lacks these columns: %(missing)s.") % {
                "missing": quoted(missing)
            }
        return None

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, *args, **kwargs
    ) -> Result:
        dataset = self.with_machine_names(dataset)
        # A file with the wrong columns is refused whole, before its rows are read one by one.
        problem = (
            gettext("The file has no rows to import. Start from an export of the same list.")
            if not dataset.headers or not len(dataset)
            else self.column_problem(dataset.headers)
        )
        if problem is None:
            return super().import_data_inner(
                dataset, dry_run, raise_errors, using_transactions, *args, **kwargs
            )
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        result.append_base_error(self.get_error_result_class()(ValueError(problem)))
        return result

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ) -> None:
        if not self.rules_in_clean:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude={*errors, *self._relations_just_read(instance)},
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _relations_just_read(instance) -> Iterator[str]:
        """Foreign keys set to a record this import read from the database: they exist."""
        for field in instance._meta.concrete_fields:
            if field.many_to_one and field.is_cached(instance):
                related = field.get_cached_value(instance)
                if related is not None and related.pk is not None:
                    yield field.name

    def bulk_create(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ) -> None:
        instances, self.create_instances = self.create_instances, []
        # The preview of a resource whose rows clean() checks against every rule writes nothing:
        # the confirmation writes, and the database refuses there what a rule it alone keeps forbids.
        if self.rules_in_clean and dry_run:
            return
        if instances and (using_transactions or not dry_run):
            model = self._meta.model
            self._bulk_write(result, raise_errors, model.objects.bulk_create, instances, batch_size)

    def bulk_update(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ) -> None:
        instances, self.update_instances = self.update_instances, []
        if self.rules_in_clean and dry_run:
            return
        if instances and (using_transactions or not dry_run):
            fields = self._fields_to_update(instances)
            self._bulk_write(
                result,
                raise_errors,
                lambda objs, batch_size: self._meta.model.objects.bulk_update(
                    objs, fields, batch_size=batch_size
                ),
                instances,
                batch_size,
            )

    def _fields_to_update(self, instances):
        """The imported columns, and what save() would have changed too: the update time, the version."""
        model_fields = {field.name: field for field in self._meta.model._meta.concrete_fields}
        names = {
            field.attribute
            for field in self.get_import_fields()
            if field.attribute in model_fields and not model_fields[field.attribute].primary_key
        }
        for field in model_fields.values():
            if isinstance(field, VersionField):
                for instance in instances:
                    setattr(instance, field.attname, field._get_next_version(instance))
                names.add(field.name)
            elif getattr(field, "auto_now", False):
                for instance in instances:
                    field.pre_save(instance, add=False)
                names.add(field.name)
        # A curated text's English column (core/translated.py) follows its original column.
        english = {f"{name}_{source_language()}" for name in names} & model_fields.keys()
        return sorted(names | english)

    def _bulk_write(self, result, raise_errors, write, instances, batch_size) -> None:
        try:
            write(instances, batch_size=batch_size)
        except IntegrityError as error:
            # A rule across rows that the per-row checks could not see: the file is refused whole.
            self.handle_import_error(result, ValueError(refusal_reason(error)), raise_errors)
        except DatabaseError as error:
            self.handle_import_error(result, error, raise_errors)
        else:
            if not self.dry_run:
                self.written.extend(instances)

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if self.dry_run and not self._meta.skip_diff:
            # The library made every row's diff: the preview shows the first new or changed ones.
            shown = 0
            for row in result.rows:
                if row.import_type in (row.IMPORT_TYPE_NEW, row.IMPORT_TYPE_UPDATE):
                    shown += 1
                if shown > PREVIEW_ROWS or row.import_type == row.IMPORT_TYPE_SKIP:
                    row.diff = None
        if self.written and not (result.has_errors() or result.has_validation_errors()):
            # What a save() per row would have recorded, as one revision (core/bulk_history.py).
            bulk_history.save_revision(
                self.written,
                user=kwargs.get("user"),
                comment=gettext("Imported from %(file)s.") % {"file": kwargs.get("file_name")},
            )
            # Bulk writes send no post_save, which is what clears the cached public figures.
            transaction.on_commit(data_cache.forget)


class SafeImportForm(ImportForm):
    """Refuses files that are too big, malformed or hostile, before django-import-export reads them.

    The library reads the whole file into memory and then into a table, so every limit is
    checked here first, on the raw bytes: the size, what a workbook unpacks to (a zip bomb is a
    few hundred kilobytes that unpack to gigabytes), the rows and columns, the encoding, and
    formula cells, which an import takes as values only.
    """

    def clean_import_file(self) -> UploadedFile:
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s MB; imports take at most %(limit)s MB. "
                    "Split it into smaller files."
                )
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_IMPORT_BYTES // 1024 // 1024,
                }
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext("The file is empty."))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is None or "format" not in cleaned_data:
            return cleaned_data
        chosen = dict(self.fields["format"].choices).get(cleaned_data["format"], "")
        data = upload.read()
        upload.seek(0)
        try:
            if chosen == "xlsx" or upload.name.lower().endswith(".xlsx"):
                check_workbook(data)
            else:
                check_csv(data)
        except forms.ValidationError as error:
            self.add_error("import_file", error)
        return cleaned_data


def _too_many(what, count, limit):
    message = {
        "columns": gettext(
            "The file has %(count)s columns or more; imports take at most %(limit)s. "
            "Split it into smaller files."
        ),
        "rows": gettext(
            "The file has %(count)s rows or more; imports take at most %(limit)s. "
            "Split it into smaller files."
        ),
    }[what]
    return forms.ValidationError(message % {"count": f"{count:,}", "limit": f"{limit:,}"})


def check_csv(data: bytes) -> None:
    if b"\0" in data:
        raise forms.ValidationError(
            gettext("This file is not a CSV text file (it holds binary data).")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            gettext(
                "This CSV file is not UTF-8. Byte %(byte)s cannot be read: "
                "save it as “CSV UTF-8” and import it again."
            )
            % {"byte": f"{error.start:,}"}
        ) from None
    reader = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > MAX_IMPORT_COLUMNS:
                raise _too_many("columns", len(row), MAX_IMPORT_COLUMNS)
            if number > MAX_IMPORT_ROWS + 1:  # The header is not a row.
                raise _too_many("rows", MAX_IMPORT_ROWS + 1, MAX_IMPORT_ROWS)
    except csv.Error as error:
        raise forms.ValidationError(
            gettext("Line %(line)s cannot be read as CSV (%(error)s).")
            % {"line": f"{reader.line_num:,}", "error": error}
        ) from None


def check_workbook(data: bytes) -> None:
    import openpyxl

    not_xlsx = gettext(
        "This file is not an XLSX workbook. Save it from Excel or LibreOffice as .xlsx."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise forms.ValidationError(not_xlsx) from None
    members = archive.infolist()
    # The sizes in the zip's directory bound what zipfile will unpack, so a lie cannot get past.
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise forms.ValidationError(
            gettext(
                "This workbook unpacks to %(size)s MB in %(parts)s parts; imports take at most "
                "%(limit)s MB. Split it into smaller files."
            )
            % {
                "size": f"{unpacked / 1024 / 1024:,.0f}",
                "parts": f"{len(members):,}",
                "limit": MAX_WORKBOOK_UNPACKED_BYTES // 1024 // 1024,
            }
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        for number, row in enumerate(book.active.iter_rows(), start=1):
            if len(row) > MAX_IMPORT_COLUMNS:
                raise _too_many("columns", len(row), MAX_IMPORT_COLUMNS)
            if number > MAX_IMPORT_ROWS + 1:
                raise _too_many("rows", MAX_IMPORT_ROWS + 1, MAX_IMPORT_ROWS)
            for cell in row:
                if cell.data_type == "f":
                    raise forms.ValidationError(
                        gettext(
                            "Cell %(cell)s holds a formula (%(formula)s); imports take values "
                            "only. Copy the cells and paste them as values, or start the text "
                            "with ' to keep it as text."
                        )
                        % {"cell": cell.coordinate, "formula": str(cell.value)[:40]}
                    )
        book.close()
    except forms.ValidationError:
        raise
    except Exception:  # openpyxl and defusedxml raise many kinds for a broken or hostile file.
        raise forms.ValidationError(not_xlsx) from None


def import_error_summary(result) -> list[str]:
    """One line per rejected row, for messages and tests: 'Row 3: country: Unknown country “XX” ...'."""
    lines = [gettext("File: %(error)s") % {"error": error.error} for error in result.base_errors]
    for row in result.invalid_rows:
        for field, errors in row.field_specific_errors.items():
            lines.append(
                gettext("Row %(number)s: %(field)s: %(errors)s")
                % {"number": row.number, "field": field, "errors": " ".join(errors)}
            )
        for error in row.non_field_specific_errors:
            lines.append(
                gettext("Row %(number)s: %(error)s") % {"number": row.number, "error": error}
            )
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(
                gettext("Row %(number)s: %(error)s") % {"number": number, "error": error.error}
            )
    return lines


# A preview's name: uuid4().hex, 122 random bits.
PREVIEW_TOKEN = re.compile(r"[0-9a-f]{32}")
PREVIEWS_SESSION_KEY = "portal:import-previews"
# Previews a session may have waiting at once; an older one can no longer be confirmed.
PREVIEWS_PER_SESSION = 10


class CuratedImportMixin(ImportMixin):
    """The admin's "Import" button: CSV and XLSX, the formats the exports write, through SafeImportForm.

    The previewed file waits in the library's temporary storage (IMPORT_EXPORT_TMP_STORAGE_CLASS,
    the site's: portal/import_previews.py), which besides the library's ``save``, ``read`` and
    ``remove`` answers ``exists()``, ``claim(user)``, ``belongs_to(user)`` and
    ``delete_old()``. Only the session that previewed a file, and its user, may confirm it.
    """

    import_formats = [CSV, XLSX]
    import_form_class = SafeImportForm
    import_template_name = "admin/import_export/portal_import.html"

    def get_skip_admin_log(self) -> bool:
        # An import's record is its revision in the history: who, when, from which file, and each
        # record's version. The admin's own log would add a row per record, 10,000 for a big file.
        return True

    def get_import_context_data(self, **kwargs) -> dict[str, Any]:
        return {
            **super().get_import_context_data(**kwargs),
            "preview_rows": PREVIEW_ROWS,
            "preview_slice": f":{PREVIEW_ROWS}",
        }

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method == "POST" and self.has_import_permission(request):
            self.get_tmp_storage_class().delete_old()
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        upload = getattr(context.get("form"), "cleaned_data", {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name and "confirm_form" not in context:
            # Nothing to confirm: the file the library kept for the confirmation is not needed.
            self.get_tmp_storage_class()(name=name).remove()
        return response

    def get_confirm_form_initial(self, request: HttpRequest, import_form) -> dict[str, Any]:
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            # Only this session may confirm this preview (process_import).
            previews = request.session.get(PREVIEWS_SESSION_KEY, [])
            previews = [*previews, initial["import_file_name"]][-PREVIEWS_PER_SESSION:]
            request.session[PREVIEWS_SESSION_KEY] = previews
            self.get_tmp_storage_class()(name=initial["import_file_name"]).claim(request.user)
        return initial

    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method != "POST" or not self.has_import_permission(request):
            return super().process_import(request, **kwargs)  # 405 or 403, as the library answers.
        token = request.POST.get("import_file_name", "")
        previews = request.session.get(PREVIEWS_SESSION_KEY, [])
        storage = self.get_tmp_storage_class()(name=token)
        if (
            not PREVIEW_TOKEN.fullmatch(token)
            or token not in previews
            or not storage.belongs_to(request.user)
        ):
            # Another session's or user's preview, one already confirmed, expired or deleted, or
            # a made-up name: nothing is read, nothing deleted.
            return HttpResponseBadRequest(
                gettext(
                    "This import cannot be confirmed: its preview is not one of yours, or it was "
                    "confirmed or deleted already. Upload the file again."
                )
            )
        # Once only: whatever happens next, this session cannot confirm it again, and a preview
        # the steps below leave behind is deleted once it expires.
        request.session[PREVIEWS_SESSION_KEY] = [name for name in previews if name != token]
        try:
            # The library deletes the preview once the file is imported, or refused row by row.
            return super().process_import(request, **kwargs)
        except Exception:
            # An import that failed otherwise: its preview goes too, if its transaction still can.
            with contextlib.suppress(DatabaseError):
                storage.remove()
            raise

    def get_import_data_kwargs(self, **kwargs) -> dict[str, Any]:
        # All or nothing at the confirmation too: a row that became invalid since the preview
        # (another curator saved the same MoU meanwhile) undoes the whole file.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            keep_nothing_of_this_request(request)
            lines = import_error_summary(result)
            shown = " ".join(lines[:MESSAGE_ERRORS])
            if len(lines) > MESSAGE_ERRORS:
                # The message travels in the session: a whole file's errors would not fit.
                more = len(lines) - MESSAGE_ERRORS
                shown += " " + ngettext(
                    "(and %(n)s more error)", "(and %(n)s more errors)", more
                ) % {"n": more}
            messages.error(
                request,
                gettext("Nothing was imported: %(errors)s Correct the file and import it again.")
                % {"errors": shown},
            )

            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)
