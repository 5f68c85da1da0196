"""The editors' review queue and the curators' dashboard, at the admin's home.

The queue lists what waits for review across the curated models (partnerships,
clusters, outcomes), oldest first, each with what it changes against its
published version (django-reversion's versions), and the visitors' suggestions.
An editor publishes or sends back with a note; the coordinator who submitted it
gets an e-mail (core/review_mail.py) and sees it on their dashboard. Every list
reads through the model admin's own queryset, so a coordinator's dashboard shows
only their partnerships' records (docs/curation.md).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version
from reversion.revisions import set_comment

from core import review
from core.curated_admin import may_publish
from core.restore_version import EMPTY, KEPT_AS_THEY_ARE, field_label
from core.review_mail import send_after_commit
from outcomes.models import Outcome, Suggestion
from partnerships.models import Cluster, Partnership

REVIEWED = (Partnership, Cluster, Outcome)
_LONG_AGO = datetime.datetime.min.replace(tzinfo=datetime.UTC)
# Each list of the queue and the dashboard shows at most this many rows, the oldest waiting first.
SHOWN = 20
# How far back a record's history is read for its last published version.
VERSIONS_READ = 50


@dataclass
class Line:
    label: str
    before: str
    after: str


@dataclass
class Waiting:
    record: Any
    kind: str
    change_url: str
    decide_url: str
    lines: list[Line] = field(default_factory=list)
    never_published: bool = False


def _shown(model_field, value, labels: dict) -> str:
    """A field's value as a curator reads it: a related record by its name."""
    if value in (None, ""):
        return EMPTY
    if model_field.is_relation and model_field.many_to_one:
        return labels.get((model_field.related_model, str(value)), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def published_versions(records: list) -> dict:
    """Each record's last version recorded as published, or None: one query per model, for the
    latest VERSIONS_READ versions of each record."""
    by_model: dict = {}
    for record in records:
        by_model.setdefault(type(record)._meta.concrete_model, []).append(record)
    found = {}
    for model, rows in by_model.items():
        versions: dict = {}
        for version in (
            Version.objects.get_for_model(model)
            .filter(object_id__in=[str(row.pk) for row in rows])
            .order_by("-pk")
        ):
            versions.setdefault(version.object_id, []).append(version)
        for row in rows:
            latest = versions.get(str(row.pk), [])[:VERSIONS_READ]
            found[row] = next((v for v in latest if v.field_dict.get("is_published")), None)
    return found


def changes_since_published(record, published) -> list[tuple]:
    """(field, before, after) of what this draft changes against its published version."""
    model = type(record)._meta.concrete_model
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or not model_field.editable:
            continue
        if model_field.name in KEPT_AS_THEY_ARE:
            continue
        after = getattr(record, model_field.attname)
        before = published.field_dict.get(model_field.attname) if published else None
        if published is None and after in (None, "", False):
            continue
        if before != after:
            changes.append((model_field, before, after))
    return changes


def described(changes_of: dict) -> dict:
    """Each record's changes as lines, the related records named: one query per related model."""
    wanted: dict = {}
    for changes in changes_of.values():
        for model_field, before, after in changes:
            if model_field.is_relation and model_field.many_to_one:
                for value in (before, after):
                    if value not in (None, ""):
                        wanted.setdefault(model_field.related_model, set()).add(value)
    labels = {
        (related, str(pk)): str(row)
        for related, pks in wanted.items()
        for pk, row in related._base_manager.in_bulk(list(pks)).items()
    }
    return {
        record: [
            Line(
                field_label(model_field),
                _shown(model_field, before, labels),
                _shown(model_field, after, labels),
            )
            for model_field, before, after in changes
        ]
        for record, changes in changes_of.items()
    }


def _admin_of(model):
    return admin.site._registry[model]


def _change_url(record) -> str:
    opts = type(record)._meta.concrete_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def waiting_for(request: HttpRequest, models=REVIEWED) -> list:
    """The records waiting for review that this user may see, oldest first (SHOWN at most)."""
    rows = []
    for model in models:
        queryset = (
            _admin_of(model)
            .get_queryset(request)
            .filter(review.status_filter(review.Status.WAITING))
            .select_related("submitted_by")
            .order_by("submitted_at", "pk")[:SHOWN]
        )
        rows.extend(queryset)
    return sorted(rows, key=lambda record: record.submitted_at)[:SHOWN]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the coordinator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("Required when you send the draft back: say what to change."),
    )
    decision = forms.ChoiceField(
        choices=[
            ("publish", gettext_lazy("Publish")),
            ("send_back", gettext_lazy("Send back")),
        ]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "send_back" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what the coordinator should change."))
        return cleaned


def _publishable_models(request: HttpRequest) -> list:
    return [model for model in REVIEWED if may_publish(request.user, model)]


def queue_view(
    request: HttpRequest, form: DecisionForm | None = None, failed=None, status: int = 200
) -> HttpResponse:
    models = _publishable_models(request)
    if not models:
        raise PermissionDenied
    records = waiting_for(request, models)
    published = published_versions(records)
    lines = described(
        {record: changes_since_published(record, published[record]) for record in records}
    )
    items = []
    for record in records:
        opts = type(record)._meta.concrete_model._meta
        items.append(
            Waiting(
                record=record,
                kind=opts.verbose_name,
                change_url=_change_url(record),
                decide_url=reverse(
                    "admin:review-decide", args=[opts.app_label, opts.model_name, record.pk]
                ),
                lines=lines[record],
                never_published=published[record] is None,
            )
        )
    suggestions = []
    if request.user.has_perm("outcomes.change_suggestion"):
        suggestions = list(Suggestion.objects.waiting().select_related("partnership")[:SHOWN])
    context = {
        **admin.site.each_context(request),
        "title": _("Review queue"),
        "items": items,
        "suggestions": suggestions,
        "form": DecisionForm(),
        "failed": failed,
        "failed_form": form,
    }
    return TemplateResponse(request, "review/queue.html", context, status=status)


def decide_view(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    model = next(
        (m for m in REVIEWED if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)),
        None,
    )
    if model is None or not str(pk).isdigit() or int(pk) >= 2**63:
        raise Http404(_("No such record."))
    if not may_publish(request.user, model):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    with transaction.atomic():
        record = (
            _admin_of(model)
            .get_queryset(request)
            .select_for_update(of=("self",))
            .filter(pk=int(pk))
            .first()
        )
        if record is None:
            raise Http404(_("No such record."))
        if review.status_of(record) != review.Status.WAITING:
            messages.warning(
                request, _("“%(name)s” no longer waits for review.") % {"name": record}
            )
            return redirect("admin:review-queue")
        if not form.is_valid():
            return queue_view(request, form=form, failed=record, status=400)
        submitter = record.submitted_by
        link = request.build_absolute_uri(_change_url(record))
        if form.cleaned_data["decision"] == "publish":
            record.set_published(True)
            record.save()
            set_comment(_("Published after review"))
            subject = _("Published: %(name)s") % {"name": record}
            body = _("%(editor)s published “%(name)s”. It is on the public pages now.\n\n%(url)s\n")
            messages.success(
                request, _("“%(name)s” is published: it is public now.") % {"name": record}
            )
        else:
            note = form.cleaned_data["note"].strip()
            review.send_back(record, note)
            record.save()
            set_comment(_("Sent back for changes: %(note)s") % {"note": note})
            subject = _("Sent back: %(name)s") % {"name": record}
            body = (
                _("%(editor)s sent “%(name)s” back for changes. It stays a draft, not public.")
                + "\n\n"
                + note
                + "\n\n%(url)s\n"
            )
            messages.success(
                request,
                _("“%(name)s” is sent back to its coordinator: it stays a draft, not public.")
                % {"name": record},
            )
        if submitter is not None:
            values = {"editor": request.user.get_username(), "name": record, "url": link}
            send_after_commit(subject, body % values, [submitter.email])
    return redirect("admin:review-queue")


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class Row:
    record: Any
    kind: str
    url: str
    when: Any
    status: str = ""
    note: str = ""


def _rows(request: HttpRequest, condition, order: str, when: str) -> list[Row]:
    rows = []
    for model in REVIEWED:
        model_admin = _admin_of(model)
        if not model_admin.has_view_permission(request):
            continue
        queryset = model_admin.get_queryset(request).filter(condition).order_by(order, "-pk")
        for record in queryset[:SHOWN]:
            rows.append(
                Row(
                    record=record,
                    kind=model._meta.verbose_name,
                    url=_change_url(record),
                    when=getattr(record, when),
                    status=review.status_of(record).label,
                    note=record.review_note,
                )
            )
    rows.sort(key=lambda row: row.when or _LONG_AGO, reverse=order.startswith("-"))
    return rows[:SHOWN]


def dashboard(request: HttpRequest) -> dict[str, Any]:
    """The lists of the admin's home: a few queries each, SHOWN rows at most."""
    may_publish_any = bool(_publishable_models(request))
    return {
        "my_drafts": _rows(
            request,
            review.status_filter(review.Status.DRAFT)
            | review.status_filter(review.Status.WITHDRAWN),
            "-updated_at",
            "updated_at",
        ),
        "waiting": _rows(
            request,
            review.status_filter(review.Status.WAITING),
            "submitted_at",
            "submitted_at",
        ),
        "published": _rows(
            request,
            Q(is_published=True, published_at__isnull=False),
            "-published_at",
            "published_at",
        ),
        "changed": _rows(request, Q(), "-updated_at", "updated_at"),
        "may_review": may_publish_any,
        "suggestion_count": Suggestion.objects.waiting().count() if may_publish_any else 0,
    }


def review_urls() -> list:
    site = admin.site
    return [
        path("review/", site.admin_view(queue_view), name="review-queue"),
        path(
            "review/<str:app_label>/<str:model_name>/<str:pk>/",
            site.admin_view(decide_view),
            name="review-decide",
        ),
    ]
