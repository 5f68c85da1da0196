"""core/index_lookups.py: ``AnyOf`` selects exactly the rows whose column is one of the values,
whatever the values hold (an array literal on PostgreSQL, ``IN`` elsewhere)."""

import pytest
from django.db import connection
from django.db.models import F

from core.compiled_queries import NotCompilable
from core.index_lookups import AnyOf, KeyArray, array_literal
from outcomes.models import Organisation
from partnerships.models import Partnership
from tests.factories import OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

AWKWARD_NAMES = [
    "Comma, Ltd",
    'The "Quoted" Cluster',
    "Brace {1}",
    "Back\\slash",
    "O'Neill",
    "NULL",
]


def test_it_selects_rows_by_integer_keys():
    chosen, other = PartnershipFactory(), PartnershipFactory()
    rows = Partnership.objects.filter(AnyOf(F("pk"), [chosen.pk, other.pk + 1000]))
    assert list(rows) == [chosen]


def test_it_selects_rows_by_texts_that_an_array_literal_must_quote():
    for name in [*AWKWARD_NAMES, "Plain"]:
        OrganisationFactory(name=name)
    rows = Organisation.objects.filter(AnyOf(F("name"), AWKWARD_NAMES))
    assert sorted(rows.values_list("name", flat=True)) == sorted(AWKWARD_NAMES)


def test_no_values_select_no_row():
    PartnershipFactory()
    assert not Partnership.objects.filter(AnyOf(F("pk"), []))


def test_the_array_literal_keeps_each_value_whole():
    assert array_literal([2, 6, 8]) == "{2,6,8}"
    assert array_literal(["a,b", 'c"d']) == '{"a,b","c\\"d"}'


def test_keys_with_their_text_select_the_same_rows_on_any_database():
    chosen, other = PartnershipFactory(), PartnershipFactory()
    keys = KeyArray.of([chosen.pk, other.pk + 1000])
    assert keys == f"{{{chosen.pk},{other.pk + 1000}}}"
    assert list(Partnership.objects.filter(AnyOf(F("pk"), keys))) == [chosen]


def test_a_text_without_its_keys_is_postgresqls_only():
    rows = Partnership.objects.filter(AnyOf(F("pk"), KeyArray("{1,2}")))
    if connection.vendor == "postgresql":
        assert list(rows) == []
    else:
        with pytest.raises(NotCompilable):
            list(rows)
