"""The source document, parsed for tests: its ESCP overview table, row by row, with codes.

The tokens of the table are mapped to ISO codes and region slugs by this
module's own tables, independently of the seed file and its loader, so that
tests compare the portal with the document itself.
"""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_NAME = "eu-cluster-internationalisation-findings-2014.md"
SOURCE_DOCUMENT = REPO / "docs" / "source" / SOURCE_NAME
# The SHA-256 of the original as the project received it: the repository's copy is checked against
# it, so no test reads anything outside the repository.
SOURCE_SHA256 = "1477e00ec1fc4b49a41481f5f3315886d92cf7a000f6c6f2eac3b24de5d47e9e"
SOURCE_SLUG = "ec-cluster-internationalisation-findings-2014"
TABLE_HEADER = "Name\tSector\tPartners/Countries\tTarget Countries"

# The source's member-country tokens that are not ISO codes: EU aliases and a cross-border member.
MEMBER_TOKENS = {"UK": ("GB", None), "ROK": ("KR", None), "SE-DK": ("SE", "DK")}

# The source's target names, with its slip "Taiwa" for Taiwan.
TARGET_COUNTRIES = {
    "Argentina": "AR",
    "Australia": "AU",
    "Brazil": "BR",
    "Canada": "CA",
    "Chile": "CL",
    "China": "CN",
    "India": "IN",
    "Israel": "IL",
    "Japan": "JP",
    "Korea": "KR",
    "Morocco": "MA",
    "New Zealand": "NZ",
    "Russia": "RU",
    "Singapore": "SG",
    "South Korea": "KR",
    "Taiwa": "TW",
    "Tunisia": "TN",
    "USA": "US",
}
TARGET_REGIONS = {
    "Mediterranean Region": "mediterranean-region",
    "Baltic Sea Region": "baltic-sea-region",
    "North Africa": "north-africa",
    "South America": "south-america",
}


def overview_rows() -> list[list[str]]:
    """The tab-separated rows under the overview table's header in the source document."""
    lines = SOURCE_DOCUMENT.read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADER) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line.split("\t"))
    return rows


def expected_members(column: str) -> tuple[int, int, list[tuple[str, str | None]]]:
    match = re.fullmatch(r"(\d+) from (\d+) countries \((.*)\)", column)
    assert match, column
    tokens = match[3].split(", ")
    entries = [MEMBER_TOKENS.get(token, (token, None)) for token in tokens]
    return int(match[1]), int(match[2]), entries


def expected_targets(column: str) -> list[tuple[str | None, str | None, bool]]:
    """The column's targets in order, as (country, region slug, tentative); "-" is none."""
    if column == "-":
        return []
    firm, _, possible = column.partition(" + possibly ")
    names = [(name, False) for name in firm.split(", ")]
    names += [(name, True) for name in possible.split(", ") if possible]
    return [expected_target(name, tentative) for name, tentative in names]


def expected_target(name: str, tentative: bool) -> tuple[str | None, str | None, bool]:
    assert name in TARGET_COUNTRIES or name in TARGET_REGIONS, f"unmapped target {name!r}"
    return TARGET_COUNTRIES.get(name), TARGET_REGIONS.get(name), tentative


def overview_entries() -> list[dict]:
    """Each overview row as {name, sector, partners, countries, members, targets}."""
    entries = []
    for name, sector, members, targets in overview_rows():
        partners, countries, member_entries = expected_members(members)
        entries.append(
            {
                "name": name,
                "sector": sector,
                "partners": partners,
                "countries": countries,
                "members": member_entries,
                "targets": expected_targets(targets),
            }
        )
    return entries
