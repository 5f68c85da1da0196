"""The seed data reproduces the source document, loads idempotently, and refuses bad files.

The ESCP overview table is parsed out of the source document itself
(docs/source/), and its tokens are mapped to codes by this test's own tables,
independently of the seed file and the loader.
"""

import hashlib
from collections import Counter
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from outcomes.models import Outcome
from partnerships.models import (
    MemberCountry,
    Partnership,
    Region,
    Sector,
    Source,
    TargetMarket,
)
from portal.seed import DEFAULT_SEED_PATH
from tests.source_document import (
    SOURCE_DOCUMENT,
    SOURCE_SHA256,
    SOURCE_SLUG,
    TARGET_REGIONS,
    expected_members,
    expected_targets,
    overview_rows,
)

# (project, outcome type, country) -> how many, from "Examples from 6 CIP Cluster
# Internationalisation Projects". BioXClusters' "6 MoUs (3 USA, China, 1 India)"
# leaves two for China.
PROJECT_OUTCOMES = {
    ("feeding-the-planet", "mou", "CL"): 1,
    ("wiintech", "mou", "US"): 1,
    ("wiintech", "mou", "JP"): 1,
    ("wiintech", "mou", "BR"): 1,
    ("wiintech", "mou", "IN"): 1,
    ("wiintech", "roadmap", None): 1,
    ("textile-2020", "office", "BE"): 1,
    ("textile-2020", "mission", "TN"): 1,
    ("eu4sports", "mission", "BR"): 1,
    ("eu4sports", "mission", "RU"): 1,
    ("eu4sports", "roadmap", None): 1,
    ("bioxclusters", "mou", "US"): 3,
    ("bioxclusters", "mou", "CN"): 2,
    ("bioxclusters", "mou", "IN"): 1,
    ("bioxclusters", "office", "CN"): 1,
    ("bioxclusters", "exchange", "CN"): 1,
    ("reina", "mission", "TN"): 1,
    ("reina", "roadmap", None): 1,
}

PROJECTS = {
    "feeding-the-planet": ("Feeding The Planet", "Agro-food"),
    "wiintech": ("Wiintech", "Green Chemicals & Bio-Based Products"),
    "textile-2020": ("Textile 2020", "Advanced Fibres"),
    "eu4sports": ("EU4Sports", "Sports Goods"),
    "bioxclusters": ("BioXClusters", "Biotech for Human health"),
    "reina": ("REINA", "Renewable Energy and Energy Efficiency"),
}

SEEDED_TABLES = [
    Source,
    Sector,
    Region,
    Region.countries.through,
    Partnership,
    Partnership.sectors.through,
    MemberCountry,
    TargetMarket,
    Outcome,
    Revision,
    Version,
]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SEEDED_TABLES
    }


def test_the_repository_copy_of_the_source_is_the_original():
    assert hashlib.sha256(SOURCE_DOCUMENT.read_bytes()).hexdigest() == SOURCE_SHA256


def test_the_overview_table_is_found_in_the_source():
    rows = overview_rows()
    assert len(rows) == 13
    assert all(len(row) == 4 for row in rows)


@pytest.mark.django_db
def test_the_seed_reproduces_the_overview_table_row_by_row():
    load()
    escps = {p.display_name: p for p in Partnership.objects.escps().with_related()}
    rows = overview_rows()
    assert sorted(escps) == sorted(row[0] for row in rows)
    for name, sector, members, targets in rows:
        partnership = escps[name]
        partner_count, country_count, entries = expected_members(members)
        assert [s.name for s in partnership.sectors.all()] == [sector], name
        assert (partnership.partner_count, partnership.country_count) == (
            partner_count,
            country_count,
        ), name
        stored_members = partnership.member_countries.values_list(
            "country_id", "cross_border_country_id"
        )
        assert list(stored_members) == entries, name
        stored_targets = partnership.targets.values_list("country_id", "region__slug", "tentative")
        assert list(stored_targets) == expected_targets(targets), name


@pytest.mark.django_db
def test_the_split_names_and_the_name_kept_whole():
    load()
    elca = Partnership.objects.get(slug="elca")
    assert (elca.name, elca.acronym) == ("European Lighting Cluster Alliance", "ELCA")
    mind_the_gap = Partnership.objects.get(slug="mind-the-gap")
    assert (mind_the_gap.name, mind_the_gap.acronym) == (
        "Mind the Gap – Health and Wellbeing for elderly",
        "",
    )


@pytest.mark.django_db
def test_the_regions_and_the_source():
    load()
    source = Source.objects.get(slug=SOURCE_SLUG)
    assert source.title == (
        "EU Cluster Internationalisation with 3rd-countries - Some Findings from 6 Pilot Projects"
    )
    assert (source.author, source.date.isoformat()) == ("Jose Freitas", "2014-01-21")
    assert source.url == ""
    regions = {region.slug: region for region in Region.objects.prefetch_related("countries")}
    assert set(regions) == set(TARGET_REGIONS.values())
    north_africa = {country.code for country in regions["north-africa"].countries.all()}
    assert north_africa == {"DZ", "EG", "LY", "MA", "SD", "TN", "EH"}
    assert all(region.description for region in regions.values())


@pytest.mark.django_db
def test_the_cip_projects():
    load()
    projects = Partnership.objects.filter(kind=Partnership.Kind.PROJECT).prefetch_related("sectors")
    assert {p.slug: (p.name, *[s.name for s in p.sectors.all()]) for p in projects} == PROJECTS
    for project in projects:
        assert project.programme == "Competitiveness and Innovation Programme (CIP)"
        assert (project.call, project.funding) == ("CIP 2012/2013", "co_funded")
        assert (project.partner_count, project.country_count) == (None, None)
    textile = projects.get(slug="textile-2020")
    assert textile.related_partnership == Partnership.objects.get(slug="textile2020")


@pytest.mark.django_db
def test_the_cip_projects_outcomes_by_type_and_country():
    load()
    outcomes = Outcome.objects.all()
    found = Counter(outcomes.values_list("partnership__slug", "type", "country_id"))
    assert found == PROJECT_OUTCOMES
    mous = outcomes.filter(type=Outcome.Type.MOU)
    assert mous.count() == 11
    assert mous.filter(country="US").count() == 4
    assert list(mous.exclude(level="").values_list("partnership__slug", "level")) == [
        ("feeding-the-planet", "c2c")
    ]
    assert all(outcome.is_published for outcome in outcomes)
    assert set(outcomes.values_list("source__slug", flat=True)) == {SOURCE_SLUG}
    assert set(Partnership.objects.values_list("source__slug", flat=True)) == {SOURCE_SLUG}
    assert Outcome.objects.published().count() == len(outcomes) == 21


@pytest.mark.django_db
def test_the_outcomes_kinds_directions_and_places():
    load()
    rows = Outcome.objects.values_list("source_locator", "subtype", "direction", "city")
    by_key = {key: rest for key, *rest in rows}
    assert by_key["textile-2020/office-be-1"] == ["joint_office", "", "Brussels"]
    assert by_key["textile-2020/mission-tn-1"] == ["business_trip", "outgoing", "Tunis"]
    assert by_key["reina/mission-tn-1"] == ["business_trip", "outgoing", "Tunis"]
    assert by_key["eu4sports/mission-br-1"] == ["matchmaking_event", "", ""]
    assert by_key["bioxclusters/office-cn-1"] == ["", "", ""]
    assert by_key["bioxclusters/exchange-cn-1"] == ["consultant", "incoming", ""]
    roadmaps = Outcome.objects.filter(type=Outcome.Type.ROADMAP)
    assert set(roadmaps.values_list("subtype", flat=True)) == {"joint_strategy"}


def test_every_outcome_quotes_a_line_of_the_source():
    document = SOURCE_DOCUMENT.read_text(encoding="utf-8")
    outcomes = yaml.safe_load(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))["outcomes"]
    assert [o["key"] for o in outcomes if o["source_text"] not in document] == []


@pytest.mark.django_db
def test_a_second_load_changes_no_row():
    first = load()
    assert "21 created" in first
    before = snapshot()
    second = load()
    assert second.strip() == "Seed data already loaded: nothing changed."
    after = snapshot()
    assert after == before
    for model in (Partnership, Outcome):
        stamps = model.objects.order_by("pk").values_list("updated_at", "version")
        assert list(stamps) == [(r["updated_at"], r["version"]) for r in before[model._meta.label]]


@pytest.mark.django_db
def test_a_load_puts_back_what_differs_and_only_that():
    load()
    Partnership.objects.filter(slug="elca").update(name="Renamed")
    MemberCountry.objects.filter(partnership__slug="icn", country="NO").delete()
    untouched = Partnership.objects.get(slug="eacp").updated_at
    output = load("-v2")
    assert "Partnerships: 0 created, 2 updated, 17 unchanged" in output
    assert Partnership.objects.get(slug="elca").name == "European Lighting Cluster Alliance"
    icn_members = MemberCountry.objects.filter(partnership__slug="icn").values_list("country_id")
    assert [code for (code,) in icn_members][3:6] == ["DE", "NO", "ES"]
    assert Partnership.objects.get(slug="eacp").updated_at == untouched


@pytest.mark.django_db
def test_a_dry_run_writes_nothing():
    before = snapshot()
    output = load("--dry-run")
    assert "Partnerships: 19 created" in output
    assert "nothing was written" in output
    assert snapshot() == before
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_verbosity_0_prints_nothing():
    assert load("-v0") == ""


BAD_SEED = """
source: {slug: a-source, title: A source}
sectors:
  - {slug: food, name: Food}
partnerships:
  - slug: a-partnership
    name: A partnership
    kind: escp
    sectors: [%(sector)s]
    member_countries: [FR, %(member)s]
"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sector", "member", "named"),
    [
        ("food", "XX", "unknown country code 'XX'"),
        ("foood", "DE", "unknown sector 'foood'"),
        ("food", "NO", "quote country codes"),
    ],
)
def test_a_bad_seed_file_is_refused_and_writes_nothing(tmp_path, sector, member, named):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_SEED % {"sector": sector, "member": member}, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=named) as refused:
        load("--path", str(path))
    assert "partnership 'a-partnership'" in str(refused.value)
    assert snapshot() == before


def test_a_missing_seed_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read the seed file"):
        load("--path", str(tmp_path / "missing.yaml"))
