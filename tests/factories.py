"""factory_boy factories for the portal's models. Country rows come from the migration."""

import factory
from django.utils import timezone

from outcomes.models import Organisation, Outcome
from partnerships.models import Cluster, Country, Partnership, Sector


def country(code: str) -> Country:
    return Country.objects.get(code=code)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    kind = Partnership.Kind.ESCP
    is_published = True

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cluster {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    country = factory.LazyFunction(lambda: country("FR"))
    is_published = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Counterpart {n}")
    country = factory.LazyFunction(lambda: country("US"))


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    partnership = factory.SubFactory(PartnershipFactory)
    type = Outcome.Type.MOU
    title = factory.Sequence(lambda n: f"Outcome {n}")
    country = factory.LazyFunction(lambda: country("US"))
    is_published = True
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.is_published else None)


def mou_form(partnership, /, **overrides) -> dict:
    """What a curator posts in the admin's MoU form: a good MoU, with ``overrides`` to make it bad."""
    data = {
        "partnership": partnership.pk,
        "title": "MoU with a Chilean agro-food cluster",
        "description": "",
        "level": "c2c",
        "country": "CL",
        "date": "2013-10-15",
        "year": "",
        "venue": "trade_fair",
        "city": "Santiago",
        "evidence_url": "",
    }
    return {**data, **overrides}
