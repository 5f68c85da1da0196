"""The outcome tables (outcomes/rows.py): the same rows whether read as values or from outcome
objects, and the cells as the pages showed them, in each language."""

import datetime

import pytest
from django.utils import translation

from outcomes.models import Outcome
from outcomes.rows import table_rows
from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes():
    planet = PartnershipFactory(
        name="Feeding the Planet", name_fr="Nourrir la planète", acronym="FTP", slug="planet"
    )
    textile = PartnershipFactory(name="Textile 2020", slug="textile")
    return [
        OutcomeFactory(
            partnership=planet,
            title="MoU with Chile & <co>",
            title_fr="Protocole avec le Chili",
            country_id="CL",
            level="c2c",
            date=datetime.date(2019, 3, 5),
        ),
        OutcomeFactory(
            partnership=textile,
            type=Outcome.Type.OFFICE,
            subtype="joint_office",
            title="Joint Office in Europe",
            city="Brussels",
            country_id="BE",
            year=2020,
        ),
        OutcomeFactory(
            partnership=textile, type=Outcome.Type.ROADMAP, title="Roadmap", country=None
        ),
    ]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_row_is_the_same_read_as_values_or_from_outcome_objects(outcomes, language):
    shown = Outcome.objects.published().order_by("pk")
    with translation.override(language):
        from_values = table_rows(shown)
        assert from_values == table_rows(list(shown.with_related()))
        assert table_rows(from_values) == from_values
    assert [row.pk for row in from_values] == [outcome.pk for outcome in outcomes]


def test_the_french_list_shows_each_cell_as_before(client, outcomes):
    mou, office, _roadmap = outcomes
    page = client.get("/fr/outcomes/").content.decode()
    assert (
        f'<td data-label="Résultat"><a href="/fr/outcomes/{mou.pk}/">Protocole avec le Chili</a></td>'
        in page
    )
    # A title not translated: the English one, marked, and escaped.
    assert (
        f'<a href="/fr/outcomes/{office.pk}/"><span lang="en">Joint Office in Europe</span> '
        '<small class="text-body-secondary fallback-note">(en anglais)</small></a>'
        '<div class="small text-body-secondary">Brussels</div>'
    ) in page
    assert '<td data-label="Type">Protocole d\u2019accord · Cluster à cluster (C2C)</td>' in page
    assert (
        '<td data-label="Type">Bureau<div class="small text-body-secondary">Bureau commun</div>'
        in page
    )
    assert (
        '<td data-label="Partenariat"><a href="/fr/partnerships/planet/">Nourrir la planète - FTP</a>'
        in page
    )
    assert (
        '<a href="/fr/countries/CL/">Chili</a> <span class="text-body-secondary">(CL)</span>'
        in page
    )
    assert '<td data-label="Date"><time datetime="2019-03-05">5 mars 2019</time></td>' in page
    assert '<td data-label="Date">2020</td>' in page
    assert '<td data-label="Pays">—</td>' in page
    assert "Date non indiquée dans la source" in page


def test_an_english_title_is_escaped(client, outcomes):
    page = client.get("/outcomes/").content.decode()
    assert ">MoU with Chile &amp; &lt;co&gt;</a>" in page
    assert "fallback-note" not in page
