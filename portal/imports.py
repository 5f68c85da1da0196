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
"""

import csv
import datetime
import io
import zipfile

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from import_export import resources, widgets
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from partnerships.countries import normalise_country_code
from portal.curation import keep_nothing_of_this_request
from portal.exports import FORMULA_TRIGGERS, LIST_SEPARATOR

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
# The widest export (partnerships) has 35 columns.
MAX_IMPORT_COLUMNS = 100
# An XLSX is a zip of XML parts: a real one of 5 MB unpacks to well under 50 MB.
MAX_WORKBOOK_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 200


def restore(text):
    """Undo the export's formula neutralising: "'=A1" back to "=A1"."""
    text = "" if text is None else str(text).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def split_list(value):
    return [item.strip() for item in restore(value).split(LIST_SEPARATOR) if item.strip()]


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return restore(value)


class CountryWidget(widgets.ForeignKeyWidget):
    """An ISO code (UK, EL and ROK accepted), or empty."""

    def __init__(self, **kwargs):
        from partnerships.models import Country

        super().__init__(Country, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = restore(value)
        if not text:
            return None
        code = normalise_country_code(text)
        if code is None:
            raise ValueError(f"Unknown country “{text}”: use an ISO code such as BR, CN or US.")
        return self.model.objects.get(code=code)


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related record looked up by a field; an unknown value is a clear error, not a crash."""

    def __init__(self, model, field, what, **kwargs):
        self.what = what
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = restore(value)
        if not text:
            return None
        try:
            return self.model.objects.get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.what} “{text}” on this portal.") from None


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Names separated by ";"; every one must exist."""

    def __init__(self, model, field, what, **kwargs):
        self.what = what
        super().__init__(model, separator=LIST_SEPARATOR, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = split_list(value)
        found = {
            getattr(obj, self.field): obj
            for obj in self.model.objects.filter(**{f"{self.field}__in": names})
        }
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(
                f"Unknown {self.what}: " + ", ".join(f"“{name}”" for name in unknown) + "."
            )
        return [found[name] for name in names]


class DateWidget(widgets.DateWidget):
    """An ISO 8601 date, as the exports write it (a spreadsheet's own date cells are read too)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # An XLSX date cell.
            return value.date()
        try:
            return super().clean(restore(value) if isinstance(value, str) else value, row, **kwargs)
        except ValueError:
            raise ValueError(
                f"“{value}” is not a date: write it as YYYY-MM-DD, e.g. 2013-10-15."
            ) from None


class ChoiceWidget(widgets.CharWidget):
    """One of a field's choices, by its code."""

    def __init__(self, choices, what, **kwargs):
        self.codes = [value for value, _ in choices]
        self.what = what
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = restore(value)
        if text and text not in self.codes:
            raise ValueError(f"“{text}” is not {self.what}; use one of: {', '.join(self.codes)}.")
        return text


class ClassedDiff(resources.Diff):
    """The preview's changes marked with classes (static/css/admin-curation.css) instead of the
    inline styles diff-match-patch writes, which the Content-Security-Policy blocks."""

    INLINE_STYLES = {
        '<ins style="background:#e6ffe6;">': '<ins class="diff-insert">',
        '<del style="background:#ffe6e6;">': '<del class="diff-delete">',
    }

    def as_html(self):
        cells = []
        for cell in super().as_html():
            for styled, classed in self.INLINE_STYLES.items():
                cell = cell.replace(styled, classed)
            # diff-match-patch escaped the values themselves; only its own tags are markup.
            cells.append(mark_safe(cell))
        return cells


class PortalResource(resources.ModelResource):
    """Shared checks: known columns only, the identifying column present, every row validated."""

    @classmethod
    def get_diff_class(cls):
        return ClassedDiff

    # Columns the export writes for people and that the import ignores, such as "url".
    ignored_columns: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        headers = [str(h).strip() for h in (dataset.headers or [])]
        if not headers or not len(dataset):
            raise ValueError(
                "The file has no rows to import. Start from an export of the same list."
            )
        known = {field.column_name for field in self.get_import_fields()} | set(
            self.ignored_columns
        )
        unknown = [h for h in headers if h not in known]
        if unknown:
            raise ValueError(
                "These columns are not ones this import knows: "
                + ", ".join(f"“{h}”" for h in unknown)
                + ". Use the columns of the export (see /about/exports/)."
            )
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            raise ValueError(
                "The file lacks these columns: " + ", ".join(f"“{m}”" for m in missing) + "."
            )
        super().before_import(dataset, **kwargs)


class SafeImportForm(ImportForm):
    """Refuses files that are too big, malformed or hostile, before django-import-export reads them.

    The library reads the whole file into memory and then into a table, so every limit is
    checked here first, on the raw bytes: the size, what a workbook unpacks to (a zip bomb is a
    few hundred kilobytes that unpack to gigabytes), the rows and columns, the encoding, and
    formula cells, which an import takes as values only.
    """

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; imports take at most "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload

    def clean(self):
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
    return forms.ValidationError(
        f"The file has {count:,} {what} or more; imports take at most {limit:,}. "
        "Split it into smaller files."
    )


def check_csv(data: bytes) -> None:
    if b"\0" in data:
        raise forms.ValidationError("This file is not a CSV text file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            f"This CSV file is not UTF-8. Byte {error.start:,} cannot be read: "
            "save it as “CSV UTF-8” and import it again."
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
            f"Line {reader.line_num:,} cannot be read as CSV ({error})."
        ) from None


def check_workbook(data: bytes) -> None:
    import openpyxl

    not_xlsx = "This file is not an XLSX workbook. Save it from Excel or LibreOffice as .xlsx."
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise forms.ValidationError(not_xlsx) from None
    members = archive.infolist()
    # The sizes in the zip's directory bound what zipfile will unpack, so a lie cannot get past.
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
        raise forms.ValidationError(
            f"This workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB in {len(members):,} parts; "
            f"imports take at most {MAX_WORKBOOK_UNPACKED_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
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
                        f"Cell {cell.coordinate} holds a formula ({str(cell.value)[:40]}); "
                        "imports take values only. Copy the cells and paste them as values, "
                        "or start the text with ' to keep it as text."
                    )
        book.close()
    except forms.ValidationError:
        raise
    except Exception:  # openpyxl and defusedxml raise many kinds for a broken or hostile file.
        raise forms.ValidationError(not_xlsx) from None


def import_error_summary(result) -> list[str]:
    """One line per rejected row, for messages and tests: 'Row 3: country: Unknown country “XX” ...'."""
    lines = [f"File: {error.error}" for error in result.base_errors]
    for row in result.invalid_rows:
        for field, errors in row.field_specific_errors.items():
            lines.append(f"Row {row.number}: {field}: {' '.join(errors)}")
        for error in row.non_field_specific_errors:
            lines.append(f"Row {row.number}: {error}")
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(f"Row {number}: {error.error}")
    return lines


class CuratedImportMixin(ImportMixin):
    """The admin's "Import" button: CSV and XLSX, the formats the exports write, through SafeImportForm."""

    import_formats = [CSV, XLSX]
    import_form_class = SafeImportForm

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing at the confirmation too: a row that became invalid since the preview
        # (another curator saved the same MoU meanwhile) undoes the whole file.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            keep_nothing_of_this_request(request)
            messages.error(
                request,
                "Nothing was imported: "
                + " ".join(import_error_summary(result))
                + " Correct the file and import it again.",
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)
