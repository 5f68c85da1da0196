"""core/compiled_queries.py: a related-rows query compiled once per number of ids and variant,
run again with other ids, reads what the ORM reads; so does a query of a code or slug."""

import datetime

import pytest
from django.utils import translation

from core import compiled_queries
from core.compiled_queries import NotCompilable, _compile_shaped, _compiled, model_rows, rows_for
from core.translated import in_language, reader_language
from outcomes.models import Outcome
from partnerships.models import Cluster, Partnership
from tests.factories import (
    ClusterFactory,
    OutcomeFactory,
    PartnershipFactory,
    SectorFactory,
    country,
)

pytestmark = pytest.mark.django_db


def sectors_of(*ids):
    return (
        Partnership.sectors.through.objects.filter(partnership__in=ids)
        .order_by("partnership", "sector__name")
        .values_list("partnership", "sector__name", in_language("sector__name"))
    )


def sectors_named(*ids):
    return sectors_of(*ids).filter(sector__name="Lighting")


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
            assert rows_for(sectors_of, chosen, using="default", variant=reader_language()) == list(
                sectors_of(*chosen)
            )


def test_it_compiles_once_per_number_of_ids(partnerships):
    ids = [partnership.pk for partnership in partnerships]
    _compiled.cache_clear()
    rows_for(sectors_of, ids[:2], using="default")
    rows_for(sectors_of, ids[1:], using="default")
    assert (_compiled.cache_info().misses, _compiled.cache_info().hits) == (1, 1)


def test_it_reads_nothing_for_no_ids(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_for(sectors_of, [], using="default") == []


def test_it_keeps_a_constant_of_the_query_and_reads_what_the_orm_reads(partnerships):
    # "Lighting" is in the code, not among the arguments: the same in both compilations.
    ids = [partnership.pk for partnership in partnerships]
    assert rows_for(sectors_named, ids, using="default") == list(sectors_named(*ids))
    assert {name for _pk, name, _translation in rows_for(sectors_named, ids, using="default")} == {
        "Lighting"
    }


def outcomes_with(code):
    """Published outcomes of published partnerships (constants: True on SQLite), with a date."""
    return (
        Outcome.objects.published()
        .with_country([code])
        .order_by("pk")
        .values_list("pk", "date", "title")
    )


def clusters_in(code):
    """The country's code twice among the parameters (``located_in``)."""
    return Cluster.objects.located_in([code]).order_by("pk").values_list("pk", "name")


def outcomes_titled(text):
    """The argument changed into another parameter ("%text%"): not compiled."""
    return Outcome.objects.filter(title__icontains=text).values_list("pk")


def test_a_query_of_its_arguments_reads_what_the_orm_reads(partnerships):
    OutcomeFactory(country=country("TN"), date=datetime.date(2020, 1, 2))
    OutcomeFactory(country=country("TN"), date=None, year=2019)
    OutcomeFactory(country=country("TN"), is_published=False)
    OutcomeFactory(country=country("MA"))
    ClusterFactory(country=country("SE"), cross_border_country=country("DK"))
    ClusterFactory(country=country("DK"))
    for code in ("TN", "MA", "FR"):
        assert rows_for(outcomes_with, [code], using="default") == list(outcomes_with(code))
    for code in ("DK", "SE", "FR"):
        assert rows_for(clusters_in, [code], using="default") == list(clusters_in(code))
    # Dates come as dates on SQLite too, as the ORM converts them.
    assert {
        type(date) for _pk, date, _title in rows_for(outcomes_with, ["TN"], using="default")
    } == {
        datetime.date,
        type(None),
    }


def test_a_query_is_compiled_once_for_any_argument(partnerships):
    _compiled.cache_clear()
    for code in ("TN", "MA", "FR"):
        rows_for(outcomes_with, [code], using="default")
    assert (_compiled.cache_info().misses, _compiled.cache_info().hits) == (1, 2)


def test_it_refuses_a_query_whose_parameter_is_not_an_argument():
    with pytest.raises(NotCompilable, match="is not one of its values"):
        rows_for(outcomes_titled, ["mou"], using="default")


def sectors_and_targets(values):
    sectors, countries = values
    return (
        Partnership.objects.published()
        .in_sectors(sectors)
        .targeting_country(countries)
        .order_by("name", "pk")
    )


def named_like(values):
    return Partnership.objects.filter(name__icontains=values[0][0]).order_by("pk")


@pytest.fixture
def targeting(partnerships):
    first, second, third = partnerships
    first.targets.create(country_id="US")
    second.targets.create(country_id="CN")
    third.targets.create(country_id="US", tentative=True)
    return partnerships


def names_of(rows):
    return [(row.pk, row.name, row.slug, row.kind) for row in rows]


@pytest.mark.parametrize(
    "values",
    [
        [["lighting"], ["US"]],
        [["health"], ["US"]],
        [["health"], ["CN", "US"]],
        [["health", "lighting"], ["US", "CN"]],
        [["none-such"], ["US"]],
    ],
)
def test_a_page_of_model_rows_is_what_the_orm_reads(targeting, values):
    for offset, limit in ((0, 25), (0, 1), (1, 1), (2, 25)):
        rows = model_rows(
            sectors_and_targets, values, key="test", using="default", offset=offset, limit=limit
        )
        expected = sectors_and_targets(values)[offset : offset + limit]
        assert names_of(rows) == names_of(expected)
        assert all(row._state.db == "default" and not row._state.adding for row in rows)


def test_a_page_of_model_rows_compiles_once_per_number_of_values(targeting, monkeypatch):
    compiled = []
    monkeypatch.setattr(
        compiled_queries,
        "_compile_shaped",
        lambda *args: compiled.append(args) or _compile_shaped(*args),
    )
    for values in ([["lighting"], ["US"]], [["health"], ["CN"]], [["health"], ["CN", "US"]]):
        model_rows(sectors_and_targets, values, key="once", using="default", offset=0, limit=25)
    assert [counts for _query, counts, _using in compiled] == [(1, 1), (1, 2)]


def test_a_query_that_does_not_take_its_values_as_they_are_is_not_compiled(targeting):
    # icontains makes "%lighting%" of the value: read by the ORM instead (None), every time.
    for _ in range(2):
        assert (
            model_rows(named_like, [["light"]], key="like", using="default", offset=0, limit=25)
            is None
        )
