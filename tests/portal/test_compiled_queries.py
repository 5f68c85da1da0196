"""core/compiled_queries.py: a related-rows query compiled once per number of ids and variant,
run again with other ids, reads what the ORM reads."""

import pytest
from django.utils import translation

from core.compiled_queries import _sql, rows_for_ids
from core.translated import in_language, reader_language
from partnerships.models import Partnership
from tests.factories import PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


def sectors_of(ids):
    return (
        Partnership.sectors.through.objects.filter(partnership__in=ids)
        .order_by("partnership", "sector__name")
        .values_list("partnership", "sector__name", in_language("sector__name"))
    )


def sectors_named(ids):
    return sectors_of(ids).filter(sector__name="Lighting")


@pytest.fixture
def partnerships():
    lighting = SectorFactory(name="Lighting", name_fr="Éclairage", slug="lighting")
    health = SectorFactory(name="Health", slug="health")
    return [
        PartnershipFactory(sectors=[lighting, health]),
        PartnershipFactory(sectors=[health]),
        PartnershipFactory(sectors=[lighting]),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_it_reads_what_the_orm_reads_for_any_ids(partnerships, language):
    ids = [partnership.pk for partnership in partnerships]
    with translation.override(language):
        for chosen in (ids[:1], ids[1:], ids, ids[::-1], [ids[2], ids[0]]):
            assert rows_for_ids(
                sectors_of, chosen, using="default", variant=reader_language()
            ) == list(sectors_of(chosen))


def test_it_compiles_once_per_number_of_ids(partnerships):
    ids = [partnership.pk for partnership in partnerships]
    _sql.cache_clear()
    rows_for_ids(sectors_of, ids[:2], using="default")
    rows_for_ids(sectors_of, ids[1:], using="default")
    assert (_sql.cache_info().misses, _sql.cache_info().hits) == (1, 1)


def test_it_reads_nothing_for_no_ids(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_for_ids(sectors_of, [], using="default") == []


def test_it_refuses_a_query_with_other_parameters(partnerships):
    with pytest.raises(ValueError, match="not the ids alone"):
        rows_for_ids(sectors_named, [partnerships[0].pk], using="default")
