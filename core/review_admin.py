"""The review in each curated admin: status in words, the status filter, submitting for review.

The status (core/review.py) replaces the bare published tick in every list and
form; the list filters by it; a coordinator submits a draft from its form
("Save and submit for review") or from the list (bulk action), and the editors
get an e-mail. The queue where editors publish or send back is the portal's
(portal/review.py): it reads all curated models.
"""

import functools
from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import review
from core.review_mail import publishers_of, send_after_commit

SUBMIT = "_submit_for_review"


class StatusListFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return list(review.Status.choices)

    def queryset(self, request: HttpRequest, queryset) -> QuerySet:
        if self.value() in review.Status.values:
            return queryset.filter(review.status_filter(self.value()))
        return queryset


def notify_submitted(request: HttpRequest, records: Sequence[Any]) -> None:
    """Tells the editors who may publish these records that they wait for review."""
    if not records:
        return
    model = type(records[0])
    queue = request.build_absolute_uri(reverse("admin:review-queue"))
    lines = "\n".join(f"- {record}" for record in records)
    subject = ngettext(
        "%(count)s %(name)s waits for review",
        "%(count)s %(name)s records wait for review",
        len(records),
    ) % {"count": len(records), "name": model._meta.verbose_name}
    body = _("%(user)s submitted for review:\n%(lines)s\n\nThe review queue: %(url)s\n") % {
        "user": request.user.get_username(),
        "lines": lines,
        "url": queue,
    }
    send_after_commit(subject, body, publishers_of(model).values_list("email", flat=True))


def public_state_message(record: Any) -> str:
    status = review.status_of(record)
    if status == review.Status.PUBLISHED:
        return _("Status: Published. This record is on the public pages.")
    if status == review.Status.WAITING:
        return _("Status: Waiting for review. Not public until an editor publishes it.")
    if status == review.Status.WITHDRAWN:
        return _("Status: Withdrawn. Not on the public pages.")
    return _("Status: Draft — not public. Submit it for review when it is ready.")


def _status_columns(names: Sequence[Any]) -> list:
    return ["status_column" if name == "is_published" else name for name in names]


def _status_filters(names: Sequence[Any]) -> list:
    return [StatusListFilter if name == "is_published" else name for name in names]


def with_status(fieldsets: Sequence) -> list:
    """The fieldsets with the status in words just before the published tick."""
    result = []
    for name, options in fieldsets:
        fields = list(options["fields"])
        if "is_published" in fields and "status_in_words" not in fields:
            fields.insert(fields.index("is_published"), "status_in_words")
        result.append((name, {**options, "fields": fields}))
    return result


_CONVERTED = {
    "get_list_display": _status_columns,
    "get_list_filter": _status_filters,
    "get_fieldsets": with_status,
}


def _converting(method, convert):
    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return convert(method(self, request, *args, **kwargs))

    wrapper.with_status = True
    return wrapper


class ReviewAdminMixin:
    """Status column, filter and form line; submitting for review; success messages in words."""

    def __init_subclass__(cls, **kwargs) -> None:
        # Around whatever a subclass declares (each outcome type lists its own columns, filters
        # and fieldsets without calling up): the published tick becomes the status in words.
        super().__init_subclass__(**kwargs)
        for name, convert in _CONVERTED.items():
            declared = cls.__dict__.get(name)
            if declared is not None and not getattr(declared, "with_status", False):
                setattr(cls, name, _converting(declared, convert))

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        return _status_columns(super().get_list_display(request))

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        return _status_filters(super().get_list_filter(request))

    def get_fieldsets(self, request: HttpRequest, obj=None) -> Sequence:
        return with_status(super().get_fieldsets(request, obj))

    @admin.display(description=gettext_lazy("status"), ordering="is_published")
    def status_column(self, obj) -> str:
        return review.status_of(obj).label

    @admin.display(description=gettext_lazy("status"))
    def status_in_words(self, obj) -> str:
        status = review.status_of(obj) if obj is not None and obj.pk else review.Status.DRAFT
        note = ""
        if status == review.Status.DRAFT and getattr(obj, "review_note", ""):
            note = format_html(
                '<p class="review-note"><strong>{}</strong> {}</p>',
                _("Sent back by an editor:"),
                obj.review_note,
            )
        return format_html(
            '<strong class="review-status">{}</strong>{}<div class="help">{}</div>',
            status.label,
            note,
            review.STATUS_HELP,
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> Sequence[str]:
        return [*super().get_readonly_fields(request, obj), "status_in_words"]

    def may_submit(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "show_submit_for_review": self.may_submit(request)
            and not self.has_publish_permission(request),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        submitting = SUBMIT in request.POST and not obj.is_published
        if submitting:
            review.submit(obj, request.user)
        super().save_model(request, obj, form, change)
        if submitting and not obj.is_published:
            notify_submitted(request, [obj])

    def response_add(self, request: HttpRequest, obj, post_url_continue=None) -> HttpResponse:
        response = super().response_add(request, obj, post_url_continue)
        messages.info(request, public_state_message(obj))
        return response

    def response_change(self, request: HttpRequest, obj) -> HttpResponse:
        response = super().response_change(request, obj)
        messages.info(request, public_state_message(obj))
        return response

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    @admin.action(
        description=gettext_lazy("Submit the selected drafts for review"), permissions=["submit"]
    )
    def submit_for_review(self, request: HttpRequest, queryset) -> None:
        submitted = []
        for obj in queryset.filter(is_published=False, submitted_at__isnull=True):
            review.submit(obj, request.user)
            obj.save()
            submitted.append(obj)
        notify_submitted(request, submitted)
        self.message_user(
            request,
            ngettext(
                "%(count)s draft submitted for review: not public until an editor publishes it.",
                "%(count)s drafts submitted for review: not public until an editor publishes them.",
                len(submitted),
            )
            % {"count": len(submitted)},
            messages.SUCCESS,
        )
