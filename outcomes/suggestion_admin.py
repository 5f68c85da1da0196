"""The visitors' suggestions in the admin: editors read them, turn one into an outcome (its
type's add form, filled in from it) or reject it. Coordinators never see them."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from outcomes import types as outcome_types
from outcomes.models import Suggestion

CONVERTING = "suggestion"  # the add form's parameter naming the suggestion it is filled from


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "type", "country", "date", "status", "created_at"]
    list_filter = ["status", "type"]
    list_select_related = ["partnership", "country"]
    search_fields = ["title", "name", "email"]
    fields = [
        "convert_link",
        "status",
        "partnership",
        "type",
        "title",
        "country",
        "date",
        "description",
        "name",
        "email",
        "outcome",
        "created_at",
    ]
    actions = ["reject"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # What the visitor wrote stays as they wrote it; the editor decides on the status, until
        # the suggestion is an outcome.
        if obj is not None and obj.status == Suggestion.Status.CONVERTED:
            return list(self.fields)
        return [name for name in self.fields if name != "status"]

    def formfield_for_choice_field(
        self, db_field, request: HttpRequest, **kwargs
    ) -> forms.Field | None:
        # "Turned into an outcome" is set by saving the outcome's form, which names the outcome.
        if db_field.name == "status":
            kwargs["choices"] = [
                choice for choice in Suggestion.Status.choices if choice[0] != "converted"
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=gettext_lazy("turn into an outcome"))
    def convert_link(self, obj) -> str:
        if obj is None or obj.status != Suggestion.Status.NEW:
            return "—"
        kind = outcome_types.get(obj.type)
        url = reverse(f"admin:outcomes_{kind.model_name.lower()}_add")
        initial = {
            "partnership": obj.partnership_id,
            "title": obj.title,
            "description": obj.description,
            CONVERTING: obj.pk,
        }
        if obj.country_id:
            initial["country"] = obj.country_id
        if obj.date:
            initial["date"] = obj.date.isoformat()
        return format_html(
            '<a class="button" href="{}?{}">{}</a>',
            url,
            urlencode(initial),
            _("Open the %(type)s form filled in from this suggestion") % {"type": kind.label},
        )

    @admin.action(description=gettext_lazy("Reject the selected suggestions"))
    def reject(self, request: HttpRequest, queryset) -> None:
        count = queryset.filter(status=Suggestion.Status.NEW).update(
            status=Suggestion.Status.REJECTED
        )
        self.message_user(
            request,
            ngettext("%(count)s suggestion rejected.", "%(count)s suggestions rejected.", count)
            % {"count": count},
            messages.SUCCESS,
        )


def mark_converted(request: HttpRequest, outcome) -> None:
    """After an outcome is added from a suggestion's filled-in form: the suggestion is done."""
    pk = request.GET.get(CONVERTING, "")
    if pk.isdigit() and int(pk) < 2**63 and request.user.has_perm("outcomes.change_suggestion"):
        Suggestion.objects.filter(pk=int(pk), status=Suggestion.Status.NEW).update(
            status=Suggestion.Status.CONVERTED, outcome=outcome
        )
