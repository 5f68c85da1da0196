"""Dates in the admin's forms: typed as YYYY-MM-DD, which the field says before and after a mistake,
and no time-zone note under them.

Django admin's DateTimeShortcuts.js writes "Note: You are 1 hour behind the server time" under
every date field when the browser's time zone is not the server's: a note about times, under fields
that hold days. It leaves alone a field that has one already (an element of class
``timezonewarning`` beside it), which this widget gives, hidden. Applied to every date field of the
curated admins (``RestoringVersionAdmin.formfield_for_dbfield``).
"""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

DATE_FORMAT = "YYYY-MM-DD"


class IsoDateWidget(AdminDateWidget):
    """The admin's date field and calendar, with its format as a placeholder and no time-zone note."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs={"placeholder": DATE_FORMAT, **(attrs or {})}, format="%Y-%m-%d")

    def render(self, name, value, attrs=None, renderer=None) -> str:
        field = super().render(name, value, attrs, renderer)
        return field + mark_safe('<span class="timezonewarning" hidden></span>')


def iso_date_field(field: forms.DateField) -> forms.DateField:
    """The form's date field, taking YYYY-MM-DD only, with the format in its help and its error."""
    field.widget = IsoDateWidget()
    field.input_formats = ["%Y-%m-%d"]
    field.error_messages["invalid"] = _("Enter a real date as %(format)s, e.g. 2013-10-15.") % {
        "format": DATE_FORMAT
    }
    help_text = _("As %(format)s.") % {"format": DATE_FORMAT}
    field.help_text = f"{field.help_text} {help_text}" if field.help_text else help_text
    return field
