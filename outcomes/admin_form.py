"""The typed outcome form's checks that only a person can settle (outcomes/admin.py).

- Nothing is filled in for the curator: today's date invited false signing dates (dates are typed
  as YYYY-MM-DD in every curated form, core/admin_dates.py).
- An outcome that happens somewhere (``OutcomeType.located``) names its country, unless it is
  marked intra-EU or as spanning several countries.
- An outcome that may already be recorded (``OutcomeQuerySet.possible_duplicates_of``, in the
  curator's own scope) is shown before anything is saved, with a link to each; "Save anyway"
  saves it, and the history says so.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.curated_admin import StaleSaveForm
from outcomes import types as outcome_types

# What a duplicate is judged on: a change to none of these needs no second look.
DUPLICATE_FIELDS = {"partnership", "title", "country", "date"}


class TypedOutcomeForm(StaleSaveForm):
    save_anyway = forms.BooleanField(
        required=False,
        label=gettext_lazy("Save anyway: this is not one of the outcomes listed above"),
    )

    # Set by the admin for each request (TypedOutcomeAdmin.get_form).
    outcome_type: outcome_types.OutcomeType
    in_scope: QuerySet

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.outcome_type.located and "country" in self.fields:
            self._require_country(cleaned)
        return cleaned

    def _require_country(self, cleaned) -> None:
        if cleaned.get("country") or cleaned.get("intra_eu") or cleaned.get("multi_country"):
            return
        ticks = [
            str(self.fields[name].label)
            for name in ("intra_eu", "multi_country")
            if name in self.fields
        ]
        self.add_error(
            "country",
            _("Give the country where this %(type)s is, or tick %(ticks)s.")
            % {
                "type": self.outcome_type.verbose_name or self.outcome_type.label,
                "ticks": get_text_list([f"“{tick}”" for tick in ticks], _("or")),
            },
        )

    def _post_clean(self) -> None:
        super()._post_clean()  # The instance now holds the form's values.
        if self.errors or not self._needs_duplicate_check():
            return
        self.duplicates = list(
            self.in_scope.possible_duplicates_of(self.instance).select_related("country")[:10]
        )
        if self.duplicates and not self.cleaned_data.get("save_anyway"):
            self.add_error(
                None,
                _(
                    "This may be an outcome that is already recorded: see the list below. Open "
                    "it to check, or tick “Save anyway” if this is another one."
                ),
            )

    def _needs_duplicate_check(self) -> bool:
        return self.instance._state.adding or bool(DUPLICATE_FIELDS & set(self.changed_data))

    def saved_anyway(self) -> str:
        """For the history: that the curator saved despite the warning, and which records it named."""
        if not (self.duplicates and self.cleaned_data.get("save_anyway")):
            return ""
        return _("Saved anyway, though it may duplicate %(records)s.") % {
            "records": ", ".join(
                _("“%(title)s” (record #%(id)s)") % {"title": d.title, "id": d.pk}
                for d in self.duplicates
            )
        }
