"""The rows of an outcome table (the list, the home page, a partnership's, sector's or country's
page), prepared with what the table shows.

The table used to show model objects: each row's outcome, partnership, country and counterpart
read whole, then in the template's loop its title's translation looked up, the partnership's name
made, two dates formatted, names and links looked up (12 ms of a list page's 22). Here the columns
the table shows are read as values (``read``), and each row's cells made once, in Python
(``table_rows``), with what is the same for every row (the reader's language, the choices' names,
the links' patterns) worked out once a table: the template only places them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.translated import in_language, in_reader_language, reader_language
from core.url_patterns import url_of
from outcomes.models import Outcome
from partnerships.models import display_name

COLUMNS = ("pk", "type", "level", "subtype", "city", "date", "year", "country_id")
# Shown in the reader's language: read in English and in that language (in_language()).
TRANSLATED = ("title", "country__name")
PARTNERSHIP_COLUMNS = ("partnership__slug", "partnership__acronym")
PARTNERSHIP_TRANSLATED = ("partnership__name",)


@dataclass(slots=True)
class OutcomeRow:
    """What a table row shows of one outcome; ``title_html`` is escaped here, the rest where the
    row is written (portal_tags.outcome_table_rows). Not frozen: a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, a third of the cost of making a hundred rows."""

    pk: int
    url: str
    title: str  # in the reader's language, or the English one
    title_html: SafeString  # the same, escaped, the English one marked ("(in English)")
    city: str
    type: str  # the names of its type, level and subtype, "" where there is none
    level: str
    subtype: str
    partnership: str  # its partnership's display name and page, "" where the table has no column
    partnership_url: str
    country_code: str  # "" where no country is given
    country: str
    country_url: str
    date: str  # ISO 8601 for <time datetime>, "" where only the year, or nothing, is known
    date_text: str  # in the reader's language's DATE_FORMAT
    year: int | None


def columns(*, with_partnership: bool = True) -> list[str]:
    """The columns ``read`` reads: the English text and the reader's language's."""
    translated = TRANSLATED + (PARTNERSHIP_TRANSLATED if with_partnership else ())
    return list(
        dict.fromkeys(
            [
                *COLUMNS,
                *(PARTNERSHIP_COLUMNS if with_partnership else ()),
                *translated,
                *(in_language(field) for field in translated),
            ]
        )
    )


def read(outcomes: QuerySet, *, with_partnership: bool = True) -> list[dict[str, Any]]:
    """The columns an outcome table shows of ``outcomes``, in their order: one query, no model
    object (a queryset's ``select_related`` is not read)."""
    return list(outcomes.values(*columns(with_partnership=with_partnership)))


def values_of(outcome: Outcome, columns: list[str]) -> dict[str, Any]:
    """An outcome object (its country and partnership read with it) as ``read`` reads its
    ``columns``: for the pages that still give the table model objects."""
    values = {}
    for column in columns:
        value = outcome
        for name in column.split("__"):
            value = getattr(value, name) if value is not None else None
        values[column] = value
    return values


def table_rows(
    outcomes: Iterable[Mapping[str, Any] | Outcome | OutcomeRow] | QuerySet,
    *,
    with_partnership: bool = True,
) -> list[OutcomeRow]:
    """The rows of ``outcomes``: values as ``read`` reads them, a queryset (read here), outcome
    objects, or rows made already (kept as they are)."""
    if isinstance(outcomes, QuerySet):
        outcomes = read(outcomes, with_partnership=with_partnership)
    outcomes = list(outcomes)
    if all(isinstance(row, OutcomeRow) for row in outcomes):
        return outcomes  # made already, by the view
    shown = columns(with_partnership=with_partnership)
    outcomes = [values_of(row, shown) if isinstance(row, Outcome) else row for row in outcomes]
    choices = {
        field: dict(Outcome._meta.get_field(field).flatchoices)
        for field in ("type", "level", "subtype")
    }
    names: dict[tuple[str, str], str] = {}  # the names shown, translated once a table

    def name_of(field: str, value: str) -> str:
        if (field, value) not in names:
            names[field, value] = str(choices[field].get(value, value)) if value else ""
        return names[field, value]

    outcome_url = url_of("outcomes:outcome-detail")
    partnership_url = url_of("partnerships:partnership-detail")
    country_url = url_of("partnerships:country-detail")
    language, date_language = reader_language(), get_language()
    title, country, partnership = (
        in_language(field, language) for field in ("title", "country__name", "partnership__name")
    )
    rows = []
    for row in outcomes:
        code, date = row["country_id"], row["date"]
        name = url = ""
        if with_partnership:
            # Its name in the reader's language, and its acronym.
            name = display_name(
                row[partnership] or row["partnership__name"], row["partnership__acronym"]
            )
            url = partnership_url(row["partnership__slug"])
        rows.append(
            OutcomeRow(
                pk=row["pk"],
                url=outcome_url(row["pk"]),
                title=row[title] or row["title"],
                title_html=in_reader_language(row[title], row["title"], language=language),
                city=row["city"],
                type=name_of("type", row["type"]),
                level=name_of("level", row["level"]),
                subtype=name_of("subtype", row["subtype"]),
                partnership=name,
                partnership_url=url,
                country_code=code or "",
                country=(row[country] or row["country__name"]) if code else "",
                country_url=country_url(code) if code else "",
                date=date.isoformat() if date else "",
                date_text=_date_text(date, date_language) if date else "",
                year=row["year"],
            )
        )
    return rows


@lru_cache(maxsize=10_000)
def _date_text(date: datetime.date, language: str) -> str:
    """``date`` as the active language, ``language``, writes it (its DATE_FORMAT): formatted once,
    not in every table that shows it."""
    return date_format(date, "DATE_FORMAT")
