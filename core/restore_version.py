"""Bring one record back to an earlier version: its own fields and inline rows, nothing else.

django-reversion's admin reverts the whole *revision* a version belongs to. A
revision is everything one request saved: the seed load, an import, a bulk
publish, a partnership with its inline rows. Reverting one MoU that way rolled
back every other record of that revision, deleted records created since and
re-published withdrawn ones. Here a version restores:

- the record's own fields, except those a revert must never change: its
  publication state (a curator publishes or withdraws on the form, on
  purpose) and who may edit it (``coordinators``, access, not content);
- the rows the record's own form edits with it (reversion's ``follow``, which
  for a partnership is its member countries, memberships and targets): those
  of *this* record in the same revision come back, and its rows added since go.

A deleted record comes back the same way, as a draft.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from reversion.models import Version
from reversion.revisions import _get_options

from core.review import REVIEW_FIELDS
from core.translated import source_language

# Fields a revert leaves as they are now.
# The review's columns too: a revert changes what the record says, not where it is in the review.
KEPT_AS_THEY_ARE = frozenset(
    {"is_published", "published_at", "version", "coordinators", "created_at", "updated_at"}
) | frozenset(REVIEW_FIELDS)
EMPTY = "—"


@dataclass
class Change:
    """One line of what a revert or recover will change: 'Title: “A” → “B”'."""

    label: str
    before: str
    after: str


@dataclass
class Restoration:
    """What restoring a version would do, computed before anything is written."""

    version: Version
    record: models.Model  # the record as the version has it, unsaved
    current: models.Model | None  # the record as it is now; None for a deleted record
    changes: list[Change] = field(default_factory=list)
    rows: list[tuple[Version, models.Model]] = field(default_factory=list)  # inline rows to restore
    rows_to_delete: list[models.Model] = field(default_factory=list)

    def apply(self) -> models.Model:
        """Write the version over the record (or bring it back, as a draft), with its own rows."""
        record, current = self.record, self.current
        model = type(record)
        if current is None:
            if hasattr(record, "set_published"):
                record.published_at = None
                record.set_published(False, withdrawn=False)
                # A draft that is in no review: its curator submits it again if it should be.
                record.submitted_at = record.withdrawn_at = None
            record.save(force_insert=True)
            current = record
        else:
            for f in restored_fields(model):
                setattr(current, f.attname, getattr(record, f.attname))
            current.save()
        m2m_data = self.version._object_version.m2m_data or {}
        for f in model._meta.many_to_many:
            if f.name not in KEPT_AS_THEY_ARE and f.attname in m2m_data:
                getattr(current, f.name).set(m2m_data[f.attname])
        for row in self.rows_to_delete:
            row.delete()
        for version, _row in self.rows:
            version.revert()
        return current


def restored_fields(model) -> list[models.Field]:
    names = {f.name for f in model._meta.concrete_fields}
    # A curated text's English column mirrors its original column (core/translated.py): one change.
    mirrors = {f"{name}_{source_language()}" for name in names}
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.name not in KEPT_AS_THEY_ARE
        and f.editable
        and f.name not in mirrors
    ]


def restoration(version: Version, model) -> Restoration:
    """What restoring ``version`` of a ``model`` record would change; reads, writes nothing."""
    record = version._object_version.object
    current = model._meta.concrete_model._base_manager.filter(pk=record.pk).first()
    plan = Restoration(version=version, record=record, current=current)
    plan.changes = _field_changes(record, current, version)
    for accessor in _get_options(model._meta.concrete_model).follow:
        _plan_rows(plan, model, accessor)
    return plan


def _field_changes(record, current, version) -> list[Change]:
    changes = []
    for f in restored_fields(type(record)):
        after = getattr(record, f.attname)
        before = getattr(current, f.attname) if current is not None else None
        # An empty translation is None or "", as it was entered: no change.
        if current is None or (before != after and (before or after)):
            changes.append(Change(field_label(f), _shown(f, before), _shown(f, after)))
    m2m_data = version._object_version.m2m_data or {}
    for f in type(record)._meta.many_to_many:
        if f.name in KEPT_AS_THEY_ARE or f.attname not in m2m_data:
            continue
        after = _names(f.related_model, m2m_data[f.attname])
        before = sorted(map(str, getattr(current, f.name).all())) if current is not None else []
        if before != after:
            changes.append(Change(field_label(f), _listed(before), _listed(after)))
    return changes


def _plan_rows(plan: Restoration, model, accessor: str) -> None:
    """The record's own rows of one inline relation, as they were in the version's revision."""
    relation = model._meta.get_field(accessor)
    row_model, fk = relation.related_model, relation.field
    in_revision = [
        v
        for v in plan.version.revision.version_set.filter(
            content_type=ContentType.objects.get_for_model(row_model)
        )
        if str(v.field_dict.get(fk.attname)) == str(plan.record.pk)
    ]
    restorable = [(v, v._object_version.object) for v in in_revision]
    restorable = [(v, row) for v, row in restorable if _references_exist(row)]
    kept_pks = {row.pk for _v, row in restorable}
    current_rows = list(row_model._base_manager.filter(**{fk.name: plan.record.pk}))
    plan.rows.extend(restorable)
    plan.rows_to_delete.extend(row for row in current_rows if row.pk not in kept_pks)
    before = sorted(str(row) for row in current_rows)
    after = sorted(str(row) for _v, row in restorable)
    if before != after:
        plan.changes.append(
            Change(
                str(row_model._meta.verbose_name_plural).capitalize(),
                _listed(before),
                _listed(after),
            )
        )


def _references_exist(row) -> bool:
    """A row pointing at a record deleted since cannot come back."""
    for f in row._meta.concrete_fields:
        if f.is_relation and getattr(row, f.attname) is not None:
            try:
                getattr(row, f.name)
            except ObjectDoesNotExist:
                return False
    return True


def field_label(f: models.Field) -> str:
    """A field's name as curators read it in a list of changes: "Title", "Signing date"."""
    return str(f.verbose_name).capitalize()


def _listed(names: list[str]) -> str:
    return "; ".join(names) or EMPTY


def _names(related_model, pks) -> list[str]:
    return sorted(str(obj) for obj in related_model._base_manager.filter(pk__in=pks))


def _shown(f, value) -> str:
    if value in (None, ""):
        return EMPTY
    if f.is_relation:
        related = f.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted record %(id)s)") % {"id": value}
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
