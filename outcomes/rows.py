"""The rows of an outcome table (the list, the home page, a partnership's, sector's or country's
page), prepared with what the table shows.

Each row asked Django for its type's, level's and kind's names (a dictionary of every choice,
translated, per call: 2,700 gettext calls on a partnership's page) and reverse()d up to three
links; here the names are read once per table and the links made from one reverse() each.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from core.url_patterns import url_of
from outcomes.models import Outcome


@dataclass(frozen=True, slots=True)
class Cells:
    url: str
    type: str
    level: str
    subtype: str
    partnership_url: str
    country_url: str


def table_rows(outcomes: Iterable[Outcome], *, with_partnership: bool = True) -> list[Outcome]:
    """``outcomes`` (with their country, and their partnership if ``with_partnership``, read),
    each with its ``cells``."""
    names = {
        field: {value: str(label) for value, label in Outcome._meta.get_field(field).flatchoices}
        for field in ("type", "level", "subtype")
    }
    outcome_url = url_of("outcomes:outcome-detail")
    partnership_url = url_of("partnerships:partnership-detail")
    country_url = url_of("partnerships:country-detail")
    rows = list(outcomes)
    for outcome in rows:
        outcome.cells = Cells(
            url=outcome_url(outcome.pk),
            type=names["type"].get(outcome.type, outcome.type),
            level=names["level"].get(outcome.level, outcome.level),
            subtype=names["subtype"].get(outcome.subtype, outcome.subtype),
            partnership_url=partnership_url(outcome.partnership.slug) if with_partnership else "",
            country_url=country_url(outcome.country_id) if outcome.country_id else "",
        )
    return rows
