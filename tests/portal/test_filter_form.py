"""The filter forms' checkboxes: written in Python, the same markup as crispy-bootstrap5's template."""

import re
from pathlib import Path

import crispy_bootstrap5
import pytest
from django.http import QueryDict
from django.template import engines

from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership, TargetMarket
from tests.factories import PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db
TEMPLATE = "bootstrap5/layout/radio_checkbox_select.html"


def crispy_bootstrap5_template():
    """The library's own template, which templates/bootstrap5/ overrides."""
    path = Path(crispy_bootstrap5.__file__).parent / "templates" / TEMPLATE
    return engines["django"].from_string(path.read_text())


def normalised(html):
    """Whitespace between and inside tags means nothing to a browser here: compare without it."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


@pytest.fixture
def filterset():
    water = SectorFactory(name="Water & <b>wells</b>", slug="water")
    food = SectorFactory(name="Food", slug="food")
    for sector in (water, food):
        partnership = PartnershipFactory(sectors=[sector])
        TargetMarket.objects.create(partnership=partnership, country_id="US")
    data = {"sector": ["water"], "kind": ["bogus"], "target_country": ["us"]}
    filters = PartnershipFilter(_query(data), queryset=Partnership.objects.published())
    filters.label_options_with_counts(filters.facet_counts())
    filters.is_valid()
    return filters


def _query(data):
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


@pytest.mark.parametrize("name", ["kind", "sector", "target_country"])
def test_checkboxes_are_the_markup_crispy_bootstrap5_writes(filterset, name):
    context = {"field": filterset.form[name], "form_show_errors": True}
    ours = engines["django"].get_template(TEMPLATE).render(context)
    assert normalised(ours) == normalised(crispy_bootstrap5_template().render(context))


def test_a_group_without_options_is_not_shown(filterset):
    # No outcome of any type here: no checkbox, and no heading over nothing.
    assert filterset.form["outcome_type"].is_hidden
    assert str(filterset.form["outcome_type"]) == ""


def test_a_chosen_option_stays_checked_and_a_bad_one_is_marked(client, filterset):
    response = client.get("/partnerships/", {"sector": "water", "kind": "bogus"})
    assert response.status_code == 400
    # The chosen option comes first.
    assert (
        '<input type="checkbox" class="form-check-input"  name="sector" value="water" '
        ' id="id_sector_0" checked>'
    ) in response.text
    assert 'value="food"  id="id_sector_1">' in response.text
    assert (
        '<label for="id_sector_0" class="form-check-label">Water &amp; &lt;b&gt;wells&lt;/b&gt; (1)</label>'
        in response.text
    )
    assert 'class="form-check-input is-invalid"  name="kind" value="escp"' in response.text
    assert "“bogus” is not a kind of partnership on this portal." in response.text


def test_a_filtersets_form_class_is_made_once_and_its_forms_do_not_share_options(filterset):
    other = PartnershipFilter(QueryDict(""), queryset=Partnership.objects.published())
    assert type(other.form) is type(filterset.form)
    assert filterset.form.fields["sector"] is not other.form.fields["sector"]
    # The fixture's form labelled its options with counts; another form's are its own.
    assert "Food (1)" in [str(label) for _value, label in filterset.form.fields["sector"].choices]
    assert "Food" in [str(label) for _value, label in other.form.fields["sector"].choices]
    bad = PartnershipFilter(_query({"sector": ["zzz"]}), queryset=Partnership.objects.published())
    assert not bad.is_valid() and "sector" in bad.errors
