"""core/bulk_history.py makes the versions django-reversion makes for a save, for records written in bulk."""

import datetime

import pytest
import reversion
from django.contrib.auth.models import Group
from reversion.models import Revision, Version

from core import bulk_history
from outcomes.models import Organisation, Outcome
from partnerships.models import Country
from tests.factories import OrganisationFactory, OutcomeFactory, PartnershipFactory, country

pytestmark = pytest.mark.django_db

COMPARED = ["content_type_id", "object_id", "db", "format", "serialized_data", "object_repr"]


def versions_by_reversion(*objects):
    with reversion.create_revision():
        for obj in objects:
            reversion.add_to_revision(obj)
    revision = Revision.objects.latest("pk")
    return list(revision.version_set.order_by("pk").values(*COMPARED))


def test_the_versions_are_those_django_reversion_makes(editor):
    counterpart = OrganisationFactory(name="Cámara “Chile” 🌶", country=country("CL"))
    co_signed = OutcomeFactory(
        title="MoU with a Chilean cluster",
        country=country("CL"),
        counterpart=counterpart,
        date=datetime.date(2013, 3, 1),
        description="Line one\nline two, with \u2018quotes\u2019 and <tags>",
    )
    co_signed.co_signatories.set([PartnershipFactory(), PartnershipFactory()])
    plain = OutcomeFactory(type="mission", subtype="business_trip", direction="outgoing")
    objects = [co_signed, plain, counterpart]
    # Read anew, as the import has them: nothing prefetched.
    fresh = [type(obj).objects.get(pk=obj.pk) for obj in objects]

    expected = versions_by_reversion(*fresh)
    revision = bulk_history.save_revision(fresh, user=editor, comment="Imported from x.csv.")
    made = list(revision.version_set.order_by("pk").values(*COMPARED))

    assert made == expected
    assert (revision.user, revision.comment) == (editor, "Imported from x.csv.")
    assert Version.objects.get_for_object(co_signed).first().field_dict["co_signatories"] == sorted(
        co_signed.co_signatories.values_list("pk", flat=True)
    )


def test_records_not_saved_or_not_registered_make_no_revision():
    assert bulk_history.save_revision([Outcome(title="Never saved")]) is None
    assert bulk_history.save_revision([Country(code="XX", name="Never saved")]) is None
    assert bulk_history.save_revision([Group.objects.create(name="Not in the history")]) is None
    assert not Revision.objects.exists()


def test_a_version_made_in_bulk_reverts_the_record():
    outcome = OutcomeFactory(title="As imported")
    bulk_history.save_revision([Outcome.objects.get(pk=outcome.pk)])
    Outcome.objects.filter(pk=outcome.pk).update(title="Changed later")
    Version.objects.get_for_object(outcome).get().revert()
    outcome.refresh_from_db()
    assert outcome.title == "As imported"
    assert Organisation.objects.count() == 0
