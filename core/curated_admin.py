"""What every curated admin shares: history, drafts and publishing, a user's scope, stale saves.

- History: django-reversion's VersionAdmin gives each record a history, with
  revert and recover acting on that one record (RestoringVersionAdmin,
  core/restore_version.py). Every write through the site is one revision
  (portal.middleware.RevisionMiddleware), bulk actions and imports included.
- Drafts: a user who may not publish (a coordinator) saves drafts only; saving
  a published record returns it to draft until an editor publishes it again.
- Scope: an admin says which records a user may reach (``may_restore`` and
  the admin's own ``get_queryset``; for the partnerships' coordinators that
  is partnerships/admin_scope.py). What a form's related field offers, in its
  autocomplete and as a POSTed id alike, is what the user may see of that
  record in its own admin (ChoicesInScopeMixin).
- Stale saves: every form carries the record's version; a save from an older
  version is refused with what changed since (django-concurrency's version
  field, with our message).
- Preview: a record whose public page the site has registered (``register_preview``) opens as
  that page would show it, with "Preview — not public", at ``<id>/preview/`` in its admin: for
  whoever may open its form, and "not found" for everyone else, anonymous visitors included. It is
  never kept by any cache. "View on site" goes there while the record is not public.
- All or nothing: a save with its inlines, and each bulk action, is one
  transaction (the admin's own, inside the request's that
  portal.middleware.RevisionMiddleware opens). When the database refuses a
  row part-way, nothing of the request is kept, its history included, and the
  curator gets the database's reason instead of a 500.
"""

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from concurrency.api import disable_concurrency
from concurrency.exceptions import RecordModifiedError
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import set_comment
from reversion.utils import mute_signals

from core.admin_dates import iso_date_field
from core.restore_version import EMPTY, field_label, restoration
from core.review_admin import ReviewAdminMixin
from core.translated import translation_fieldsets


def may_publish(user, model) -> bool:
    opts = model._meta.concrete_model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


class StaleSaveForm(forms.ModelForm):
    """Refuses a save made from an older version of the record, and says what changed since."""

    # Off on the revert and recover pages, whose purpose is to write an older version over the current one.
    check_stale = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        started = cleaned.get("version")
        if (
            self.check_stale
            and self.instance.pk
            and "version" in self.fields
            and started is not None
        ):
            current = type(self.instance)._base_manager.filter(pk=self.instance.pk).first()
            if current is not None and current.version != started:
                raise ValidationError({NON_FIELD_ERRORS: [changes_since(current, started)]})
        return cleaned


def changes_since(current, started_version) -> str:
    """'Since you opened this form, alice changed it (…): Title: “A” → “B”.'"""
    versions = Version.objects.get_for_object(current).select_related("revision__user")
    started = next((v for v in versions if v.field_dict.get("version") == started_version), None)
    latest = versions.first()
    who = (
        _("%(user)s on %(when)s")
        % {
            "user": latest.revision.user or _("someone"),
            "when": localize(timezone.localtime(latest.revision.date_created)),
        }
        if latest
        else _("another curator")
    )
    intro = _(
        "Since you opened this form, %(who)s saved this record, so your changes were not saved."
    ) % {"who": who}
    if started is None:
        return _("%(intro)s Reload the page to see their version and make your changes again.") % {
            "intro": intro
        }
    changed = []
    for field in current._meta.concrete_fields:
        if field.name in ("version", "updated_at") or not field.editable:
            continue
        before, after = started.field_dict.get(field.attname), getattr(current, field.attname)
        if before != after:
            changed.append(
                _("%(field)s: “%(before)s” → “%(after)s”")
                % {
                    "field": field_label(field),
                    "before": before if before not in (None, "") else EMPTY,
                    "after": after if after not in (None, "") else EMPTY,
                }
            )
    what = " " + _("They changed %(changes)s.") % {"changes": "; ".join(changed)} if changed else ""
    return _("%(intro)s%(what)s Reload the page to start from their version.") % {
        "intro": intro,
        "what": what,
    }


# The messages of the rules the database enforces outside Django's constraints (triggers), which a
# refused write may quote: registered by their apps in AppConfig.ready.
_REFUSAL_MESSAGES: list[str] = []


def register_refusal_message(message: str) -> None:
    """A database rule's message that ``refusal_reason`` shows when an error quotes it."""
    if message not in _REFUSAL_MESSAGES:
        _REFUSAL_MESSAGES.append(message)


def refusal_reason(error: IntegrityError) -> str:
    """The rule a refused write broke, in the words of the constraint that names it where there is one."""
    text = str(error)
    for message in _REFUSAL_MESSAGES:
        if message in text:
            # The database speaks English; the curator reads the message in the portal's language.
            return _(message)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name in text:
                return constraint.get_violation_error_message()
    return _("Two records would break one of the portal's rules (such as a duplicate).")


def keep_nothing_of_this_request(request: HttpRequest) -> None:
    """Asks the history middleware to roll back the request's whole transaction, its revision included.

    The rows are already undone by the transaction that failed; the versions
    django-reversion collected for them are not, and would record a change
    that never happened (portal.middleware.RevisionMiddleware).
    """
    request.keep_nothing = True


# The hidden version field that lets a save from an older version be refused.
VERSION_FIELDSET = (
    gettext_lazy("Record version"),
    {"fields": ["version"], "classes": ["record-version"]},
)


def autocomplete_source_field(request: HttpRequest) -> models.Field | None:
    """The form field an admin autocomplete request fills in, or None for any other request.

    Django's autocomplete view has already checked these parameters name a
    field among the source admin's ``autocomplete_fields``.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None


class ChoicesInScopeMixin:
    """A related field offers what the user may see of the related records, and accepts nothing else.

    Django's form fields offer every row of the related table (and accept any
    POSTed id), while its autocomplete offers the related admin's queryset:
    a coordinator could name another partnership's draft and so learn its id
    exists. Here both come from the related admin's ``choices_for``.
    """

    # What an autocomplete searches, where not all of search_fields: a keystroke's answer must not
    # join or scan what the changelist's search may (a name, not a description, is typed there).
    autocomplete_search_fields: Sequence[str] | None = None

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        if self.autocomplete_search_fields is not None and autocomplete_source_field(request):
            return self.autocomplete_search_fields
        return super().get_search_fields(request)

    def choices_for(self, request: HttpRequest, db_field: models.Field) -> QuerySet:
        """The records of this admin's model a user may pick in ``db_field`` of another form."""
        return self.get_queryset(request)

    def get_search_results(
        self, request: HttpRequest, queryset, search_term
    ) -> tuple[QuerySet, bool]:
        field = autocomplete_source_field(request)
        if field is not None and field.related_model is self.model:
            queryset = self.choices_for(request, field).complex_filter(field.get_limit_choices_to())
        return super().get_search_results(request, queryset, search_term)

    def formfield_for_foreignkey(
        self, db_field, request: HttpRequest, **kwargs
    ) -> forms.Field | None:
        self._choices_in_scope(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field, request: HttpRequest, **kwargs
    ) -> forms.Field | None:
        self._choices_in_scope(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _choices_in_scope(self, db_field, request: HttpRequest, kwargs) -> None:
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if "queryset" not in kwargs and isinstance(related_admin, ChoicesInScopeMixin):
            kwargs["queryset"] = related_admin.choices_for(request, db_field)


# The page a record's preview shows, by its concrete model: registered by the site, which knows the
# public pages (portal/previews.py). Takes the request and the record, as the admin found it.
Preview = Callable[[HttpRequest, models.Model], HttpResponse]
_PREVIEWS: dict[type[models.Model], Preview] = {}


def register_preview(model: type[models.Model], render: Preview) -> None:
    """``render(request, record)`` draws ``model``'s public page for a record that may be a draft."""
    _PREVIEWS[model] = render


class PreviewMixin:
    """``<id>/preview/``: the record as its public page would show it, for curators who may open
    its form; "not found" for everyone else. "View on site" goes there while it is not public."""

    def _preview(self) -> Preview | None:
        return _PREVIEWS.get(self.model._meta.concrete_model)

    def get_urls(self) -> list:
        urls = super().get_urls()
        if self._preview() is None:
            return urls
        opts = self.model._meta
        # Not wrapped by admin_view, which sends visitors to the login page: a preview says
        # nothing to anyone who may not see the record, not even that it exists.
        preview = path(
            "<path:object_id>/preview/",
            self.preview_view,
            name=f"{opts.app_label}_{opts.model_name}_preview",
        )
        return [preview, *urls]

    def preview_view(self, request: HttpRequest, object_id) -> HttpResponse:
        request.current_app = self.admin_site.name
        if not self.admin_site.has_permission(request):
            raise Http404(_("No such record."))
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(_("No such record."))
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        # The page is drawn from the record, draft or not: no fragment of it may be kept where a
        # public page could read it (the context's page_key, portal/context_processors.py).
        request.page_key = None
        response = self._preview()(request, obj)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_view_on_site_url(self, obj=None) -> str | None:
        if obj is not None and self._preview() is not None and not self.is_public(obj):
            opts = self.model._meta
            return reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_preview",
                args=[quote(obj.pk)],
            )
        return super().get_view_on_site_url(obj)

    def is_public(self, obj) -> bool:
        """Whether the record's public page shows it now (its QuerySet's ``published()``)."""
        manager = self.model._meta.concrete_model._default_manager
        return manager.published().filter(pk=obj.pk).exists()


class RestoringVersionAdmin(ChoicesInScopeMixin, VersionAdmin):
    """django-reversion's history, with revert and recover acting on one record, in the user's scope.

    reversion's own views revert the whole revision a version belongs to, and
    look the record up only after writing (core/restore_version.py says why that lost
    other records' work). Here scope and permission are checked first: a record
    or version outside them is "not found", on GET and POST alike, and nothing
    is read or written. The page shows what will change before it is saved.
    """

    revision_form_template = "admin/revert_form.html"
    recover_form_template = "admin/recover_form.html"
    # A model with curated text per language (core/translated.py) shows one group of fields per
    # language after its own; False where the translations are not curators' (country names).
    translations_in_form = True

    def get_fieldsets(self, request: HttpRequest, obj=None) -> Sequence:
        fieldsets = super().get_fieldsets(request, obj)
        hidden, groups = translation_fieldsets(self.model)
        if not hidden:
            return fieldsets
        kept = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in fieldsets
        ]
        return [*kept, *groups] if self.translations_in_form else kept

    # What the records are and who sees them, in a sentence or two above the list.
    description: str = ""

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        context = {"model_description": self.description, **(extra_context or {})}
        return super().changelist_view(request, context)

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.DateField) and not isinstance(db_field, models.DateTimeField):
            return iso_date_field(field)
        return field

    def may_restore(self, request: HttpRequest, record) -> bool:
        """Whether ``record`` (as a version has it, perhaps deleted) is in this user's scope."""
        return True

    def belongs_here(self, record) -> bool:
        """Whether this admin's form is the one for ``record`` (each outcome type has its own)."""
        return isinstance(record, self.model._meta.concrete_model)

    def deleted_versions(self, request: HttpRequest, pk: int | None = None) -> list[Version]:
        """The latest version of each deleted record this user may bring back (or just version ``pk``)."""
        versions = (
            Version.objects.get_deleted(self.model._meta.concrete_model)
            .select_related("revision__user")
            .order_by("-pk")
        )
        if pk is not None:
            versions = versions.filter(pk=pk)
        return [v for v in versions if self._restorable_here(request, v)]

    def _restorable_here(self, request: HttpRequest, version) -> bool:
        try:
            record = version._object_version.object
        except RevertError:
            return False
        return self.belongs_here(record) and self.may_restore(request, record)

    def revision_view(
        self, request: HttpRequest, object_id, version_id, extra_context=None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = (
            Version.objects.get_for_object(obj).filter(pk=as_id(version_id)).first()
            if as_id(version_id)
            else None
        )
        if version is None:
            raise Http404(_("No such version of this record."))
        context = {"title": _("Revert %(name)s") % {"name": obj}, "revert": True}
        return self._restore_view(
            request, version, self.revision_form_template, {**context, **(extra_context or {})}
        )

    def recover_view(self, request: HttpRequest, version_id, extra_context=None) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        wanted = as_id(version_id)
        # One version read and checked, not every deleted record's.
        found = self.deleted_versions(request, pk=wanted) if wanted is not None else []
        if not found:
            raise Http404(_("No such deleted record."))
        version = found[0]
        context = {"title": _("Recover %(name)s") % {"name": version.object_repr}, "recover": True}
        return self._restore_view(
            request, version, self.recover_form_template, {**context, **(extra_context or {})}
        )

    def recoverlist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not (self.has_change_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        opts = self.model._meta
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "module_name": capfirst(opts.verbose_name),
            "title": _("Recover deleted %(name)s") % {"name": opts.verbose_name_plural},
            "deleted": self.deleted_versions(request),
            **(extra_context or {}),
        }
        return render(request, "reversion/recover_list.html", context)

    def _restore_view(self, request: HttpRequest, version, template, context):
        """reversion's revision form, restoring one record (core/restore_version.py) instead of a revision.

        The record is restored inside a transaction and the usual change form
        shown or saved over it: a GET, or a POST the form refuses, rolls it all
        back; a saved form keeps it, recorded as a revert.
        """
        plan = restoration(version, self.model)
        context = {**context, "changes": plan.changes}
        # A revert writes an older version on purpose: neither version check may refuse it.
        # Versions are time-based, so the restored record still gets a newer version than any before.
        request.reverting = True
        quiet = (
            mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed)
            if request.method == "GET"
            else nullcontext()
        )
        try:
            with transaction.atomic(using=version.db), quiet, disable_concurrency():
                obj = plan.apply()
                if self.get_object(request, str(obj.pk)) is None:
                    raise Http404(_("No such record."))
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(str(obj.pk)), request.path, context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        set_comment(
                            _("Reverted to the version saved on %(datetime)s")
                            % {
                                "datetime": localize(
                                    timezone.localtime(version.revision.date_created)
                                )
                            }
                        )
                    elif response.status_code == 200:
                        response.template_name = template
                        response.render()  # Now, while the restored values are in the database.
                        raise _ShowWithoutSaving(response)
                    else:
                        raise RevertError(
                            _("Could not restore %(name)s.") % {"name": version.object_repr}
                        )
        except (RevertError, ProtectedError) as error:
            messages.error(request, str(error))
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except _ShowWithoutSaving as shown:
            return shown.response
        return response


class _ShowWithoutSaving(Exception):
    """Leaves the restore's transaction with its rollback, carrying the page to show."""

    def __init__(self, response) -> None:
        self.response = response


def as_id(text) -> int | None:
    """A version id from the URL, or None for one no database column can hold."""
    return int(text) if str(text).isdigit() and int(text) < 2**63 else None


class CuratedAdmin(ReviewAdminMixin, PreviewMixin, RestoringVersionAdmin):
    """History with revert, drafts for those who may not publish, publish actions, stale-save refusal."""

    form = StaleSaveForm
    actions = ["publish", "withdraw", "submit_for_review"]

    class Media:
        css = {"all": ["css/admin-curation.css"]}
        # Listed after the admin's jQuery, which Django's media merging then keeps before it.
        js = [
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/jquery.init.js",
            "js/admin-field-names.js",
        ]

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Another curator's save of this record got in between this form's version check and
            # its UPDATE … WHERE version = …, which then matched no row. Theirs is committed now
            # (the database held this UPDATE until it was), so the form shown again says what they
            # changed, as for any stale save, and keeps what this curator typed.
            keep_nothing_of_this_request(request)
            return self._refuse_overtaken_save(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            # The forms check what they can; the database has the last word (rules across rows,
            # two curators saving at once). The admin's transaction has undone the rows saved so far.
            keep_nothing_of_this_request(request)
            page = render_to_string(
                "admin/save_refused.html",
                {"reason": refusal_reason(error), "form_url": request.get_full_path()},
            )
            return HttpResponse(page, status=409)

    def _refuse_overtaken_save(self, request: HttpRequest, object_id, form_url, extra_context):
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            response = None  # Overtaken once more, by a third save: say so without the form.
        if response is None or response.status_code != 200:
            page = render_to_string(
                "admin/save_refused.html",
                {
                    "reason": _(
                        "Another curator saved this record while you were saving it, so your "
                        "changes were not saved. Reload the page to start from their version."
                    ),
                    "form_url": request.get_full_path(),
                },
            )
            return HttpResponse(page, status=409)
        response.status_code = 409
        return response

    def get_form(
        self, request: HttpRequest, obj=None, change=False, **kwargs
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "reverting", False):
            form = type(form.__name__, (form,), {"check_stale": False})
        return form

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return may_publish(request.user, self.model)

    def get_fields(self, request: HttpRequest, obj=None) -> Sequence[str]:
        fields = super().get_fields(request, obj)
        return fields if "version" in fields else [*fields, "version"]

    def get_fieldsets(self, request: HttpRequest, obj=None) -> Sequence:
        fieldsets = super().get_fieldsets(request, obj)
        named = {name for _, options in fieldsets for name in options["fields"]}
        return fieldsets if "version" in named else [*fieldsets, VERSION_FIELDSET]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> Sequence[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not may_publish(request.user, self.model):
            readonly.append("is_published")
        return readonly

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        # The form has set is_published already; set_published needs the state it had before.
        wanted = obj.is_published
        obj.is_published = bool(change and form.initial.get("is_published", wanted))
        if not may_publish(request.user, self.model):
            if wanted:
                messages.info(
                    request, _("Your changes are saved as a draft: an editor will publish them.")
                )
            # Back to draft until an editor publishes it again: not a withdrawal.
            obj.set_published(False, withdrawn=False)
        else:
            obj.set_published(wanted)
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Publish the selected records"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset) -> None:
        self._set_published(request, queryset, True)

    @admin.action(
        description=gettext_lazy("Withdraw the selected records from the public pages"),
        permissions=["publish"],
    )
    def withdraw(self, request: HttpRequest, queryset) -> None:
        self._set_published(request, queryset, False)

    def _set_published(self, request: HttpRequest, queryset, published) -> None:
        changed, obj = 0, None
        try:
            # One save per record, so each is versioned and recorded in the history.
            with transaction.atomic():
                for obj in queryset.select_for_update(of=("self",)):
                    if obj.is_published != published:
                        obj.set_published(published)
                        obj.save()
                        changed += 1
        except IntegrityError as error:
            keep_nothing_of_this_request(request)
            refused = (
                _("Nothing was published: the database refused “%(record)s”. %(reason)s")
                if published
                else _("Nothing was withdrawn: the database refused “%(record)s”. %(reason)s")
            )
            self.message_user(
                request,
                refused % {"record": obj, "reason": refusal_reason(error)},
                messages.ERROR,
            )
            return
        done = (
            ngettext("%(count)s record published.", "%(count)s records published.", changed)
            if published
            else ngettext("%(count)s record withdrawn.", "%(count)s records withdrawn.", changed)
        )
        self.message_user(request, done % {"count": changed}, messages.SUCCESS)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose chosen rows' labels its formset has read for all its rows at once
    (``labels``); Django's reads them with a query per row."""

    labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None) -> list:
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.labels is None or any(v not in self.labels for v in chosen):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for v in chosen:
            options.append(self.create_option(name, v, self.labels[v], set(chosen), len(options)))
        return [(None, options, 0)]


class CuratedInline(admin.TabularInline):
    """An inline that reads what its rows show with the rows: ``related`` (the relations their
    names name, ``select_related``), and the labels of its autocompletes, one query per field for
    all rows instead of one per row (a change form of 60 queries, most of them of this kind)."""

    extra = 0
    related: Sequence[str] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs) -> forms.Field:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request: HttpRequest, obj=None, **kwargs) -> type:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_PreloadingFormSet, formset), {})


class _PreloadingFormSet(forms.BaseInlineFormSet):
    @cached_property
    def forms(self) -> list[forms.Form]:
        rows = super().forms
        for name, field in self.form.base_fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside its +/✎ wrapper
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            chosen = {str(form[name].value()) for form in rows}
            chosen -= {str(empty) for empty in field.empty_values}
            key = field.to_field_name or "pk"
            labels = {
                str(getattr(related, key)): field.label_from_instance(related)
                for related in _loaded(self, rows, name, field)
            }
            missing = chosen - labels.keys()
            labels |= {
                str(getattr(row, key)): field.label_from_instance(row)
                for row in (field.queryset.filter(**{f"{key}__in": missing}) if missing else ())
            }
            for form in rows:
                form_widget = form.fields[name].widget
                getattr(form_widget, "widget", form_widget).labels = labels
        return rows


def _loaded(formset, rows, name: str, field: forms.ModelChoiceField) -> list[models.Model]:
    """The related rows of ``name`` that the rows' query read with them (the inline's
    ``related``): their labels need no query when any row of that model may be chosen (a
    choice narrowed to the user's scope is read from its own queryset, which says which)."""
    if field.queryset.query.where or field.get_limit_choices_to():
        return []
    relation = formset.model._meta.get_field(name)
    return [
        relation.get_cached_value(form.instance)
        for form in rows
        if relation.is_cached(form.instance)
        and relation.get_cached_value(form.instance) is not None
    ]


class ExcerptInline(CuratedInline):
    """A read-only inline that shows the first ``shown`` rows of a list that can be long (a
    partnership's thousands of outcomes), and links to the admin's list filtered to them all.

    All of them made a change form of megabytes and seconds; a subclass loads what its rows show
    in the same query (``get_queryset`` with ``select_related``)."""

    shown = 25
    can_delete = False
    template = "admin/edit_inline/excerpt_tabular.html"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_formset(self, request: HttpRequest, obj=None, **kwargs) -> type:
        formset = super().get_formset(request, obj, **kwargs)
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        fk_name = formset.fk.name
        return type(
            f"Excerpt{formset.__name__}",
            (_ExcerptFormSet, formset),
            {
                "shown": self.shown,
                "list_url": f"{changelist}?{fk_name}__id__exact={obj.pk}" if obj else "",
            },
        )


class _ExcerptFormSet(forms.BaseInlineFormSet):
    shown: int
    list_url: str
    more = False

    def get_queryset(self) -> list:
        # The first rows and whether there are more, in one query (shown + 1 rows).
        if not hasattr(self, "_excerpt"):
            rows = list(super().get_queryset()[: self.shown + 1])
            self.more = len(rows) > self.shown
            self._excerpt = rows[: self.shown]
        return self._excerpt
