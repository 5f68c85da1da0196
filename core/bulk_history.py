"""History for records written in bulk: one django-reversion revision, its versions in one INSERT.

A bulk INSERT or UPDATE sends no post_save, which is how django-reversion learns of a save, and
``reversion.add_to_revision`` serialises one record per call (about a millisecond each, most of
a 10,000-row import). ``save_revision`` makes the same versions, the record's registered fields
serialised in django-reversion's format, for all the records at once, and saves them with their
revision in two queries. Reverting, recovering and the history pages read them as any other
(tests/portal/test_bulk_history.py compares them with django-reversion's own).
"""

import json

from django.core import serializers
from django.core.serializers import python
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.encoding import force_str
from reversion import revisions
from reversion.models import Revision, Version


def save_revision(instances, *, user=None, comment="") -> Revision | None:
    """One revision holding a version of each record (saved ones; several models may be mixed)."""
    by_model = {}
    for instance in instances:
        if not instance._state.adding and revisions.is_registered(type(instance)):
            by_model.setdefault(type(instance), []).append(instance)
    if not by_model:
        return None
    using = router.db_for_write(Revision)
    revision = Revision.objects.using(using).create(
        date_created=timezone.now(), user=user, comment=comment
    )
    versions = []
    for model, objects in by_model.items():
        versions.extend(_versions(model, objects, revision, using))
    Version.objects.using(using).bulk_create(versions)
    return revision


def _versions(model, objects, revision, using):
    # django-reversion keeps each model's registration (fields, format, ...) in this mapping.
    options = revisions._get_options(model)
    content_type = revisions._get_content_type(model, using)
    many = [field.name for field in model._meta.many_to_many if field.name in options.fields]
    if many:
        # A version holds the record's many-to-many ids: read for all the records in one query.
        prefetch_related_objects(objects, *many)
    for obj, data in zip(objects, _serialised(model, objects, options), strict=True):
        yield Version(
            revision=revision,
            content_type=content_type,
            object_id=force_str(getattr(obj, options.object_id_field)),
            db=router.db_for_write(model, instance=obj),
            format=options.format,
            serialized_data=data,
            object_repr=force_str(obj),
        )


def _serialised(model, objects, options):
    """What ``serializers.serialize(format, [obj], ...)`` gives for each object, in one pass."""
    kwargs = {
        "fields": options.fields,
        "use_natural_foreign_keys": options.use_natural_foreign_keys,
    }
    if options.format != "json":
        return [serializers.serialize(options.format, [obj], **kwargs) for obj in objects]
    # Django's JSON serializer writes each object's Python form with json.dump, within "[" "]\n".
    return [
        "[" + json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False) + "]\n"
        for item in _PrefetchedSerializer().serialize(objects, **kwargs)
    ]


class _PrefetchedSerializer(python.Serializer):
    """Django's Python serializer, reading prefetched many-to-many ids without building a queryset
    per object first (the default builds one as a fallback even when the ids are prefetched)."""

    def handle_m2m_field(self, obj, field) -> None:
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        if (
            field.name in prefetched
            and field.remote_field.through._meta.auto_created
            and not self.use_natural_foreign_keys
        ):
            self._current[field.name] = [
                self._value_from_field(related, related._meta.pk)
                for related in prefetched[field.name]
            ]
        else:
            super().handle_m2m_field(obj, field)
