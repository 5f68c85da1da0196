"""Counts per value (facets, charts, figures), several read together in one query.

A list page shows how many results each option of each filter would give: a
GROUP BY query per filter. Each ``tally_by_*`` QuerySet method describes such a
count without running it, and ``count_together`` reads all of a page's counts
in at most two queries: one UNION ALL of (tally, value, n) rows for the
grouped counts, one UNION ALL of the counts of distinct items over several
lists, such as the partnerships that target a country directly or through a
region (a pair in two lists is counted once).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import CharField, Count, Expression, F, QuerySet, Value
from django.db.models.functions import Cast


@dataclass(frozen=True)
class Tally:
    """How many ``count`` (rows by default) of ``queryset`` there are per ``value``.

    ``value`` is a field name or an expression; a constant (``Value("mou")``) counts
    all the rows under that one value.
    """

    queryset: QuerySet
    value: str | Expression
    count: Expression | None = None  # Count("pk")

    def rows(self, name: str) -> QuerySet:
        return (
            self.queryset.order_by()
            .annotate(tally=Value(name), tally_value=Cast(self.value, CharField()))
            .values("tally", "tally_value")
            .annotate(tally_n=self.count or Count("pk"))
            .values_list("tally", "tally_value", "tally_n")
        )

    def counts(self) -> dict[str, int]:
        return count_together({"": self})[""]


@dataclass(frozen=True)
class DistinctTally:
    """How many distinct items per value over several ``(queryset, value, item)`` lists.

    UNION (not UNION ALL) drops the pairs the lists share, such as a country targeted both
    directly and through a region, so each partnership counts once per value.
    """

    lists: tuple[tuple[QuerySet, str, str], ...]

    def rows(self, name: str) -> tuple[str, list]:
        """SQL and parameters of the (tally, value, n) rows: each list's distinct (item, value)
        pairs read in their own types, the lists' pairs united (a pair in two lists counts once),
        then counted per value, and only the value turned to text. Deduplicated before the text, a
        list of partnerships' engagements (200,000 outcomes of 2,000 partnerships, 26,000 pairs) is
        read along the outcomes' (partnership, country) index, not sorted as 200,000 rows of text;
        counted in the database, a broad search's 60,000 pairs are not sent to Python to be
        counted there (0.2 s of CPU)."""
        parts, params = [], []
        for queryset, value, item in self.lists:
            pairs = (
                queryset.order_by()
                .annotate(tally_item=F(item), tally_value=F(value))
                .values_list("tally_item", "tally_value")
                .distinct()
            )
            sql, pair_params = pairs.query.get_compiler(using=pairs.db).as_sql()
            # SELECT * FROM (...): SQLite accepts no parenthesised member of a UNION.
            parts.append(f"SELECT * FROM ({sql}) AS pairs_{len(parts)}")
            params.extend(pair_params)
        return (
            "SELECT %s AS tally, CAST(pairs.tally_value AS varchar) AS tally_value, "
            f"COUNT(*) AS tally_n FROM ({' UNION '.join(parts)}) AS pairs "
            "GROUP BY pairs.tally_value",
            [name, *params],
        )

    def counts(self) -> dict[str, int]:
        return count_together({"": self})[""]


@dataclass(frozen=True)
class Sample:
    """Count over ``percent`` of ``table``'s pages, picked at random but the same every time
    (PostgreSQL's ``TABLESAMPLE SYSTEM ... REPEATABLE``), and scale the counts up: an estimate
    that reads a hundredth of a million rows instead of all that match.

    Every reading of the table in the query reads the sample, subqueries included. PostgreSQL
    only; Django's SQL has no TABLESAMPLE, so it is written into the compiled query after the
    table's name (and alias).
    """

    table: str
    percent: float = 1.0

    @property
    def factor(self) -> float:
        return 100 / self.percent

    def rewrite(self, sql: str) -> str:
        reading = re.compile(
            rf'((?:FROM|JOIN) "{re.escape(self.table)}")(\s+"?[A-Z]\d+"?)?(?=[\s)]|$)'
        )
        clause = f"TABLESAMPLE SYSTEM ({self.percent:g}) REPEATABLE (0)"
        return reading.sub(lambda m: f"{m.group(1)}{m.group(2) or ''} {clause}", sql)

    def rows(self, queryset: QuerySet) -> list[tuple]:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        return self.rows_of_sql(sql, params, queryset.db)

    def rows_of_sql(self, sql: str, params, using: str) -> list[tuple]:
        return _fetch(self.rewrite(sql), params, using)


def _fetch(sql: str, params, using: str) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count_upto(queryset: QuerySet, limit: int) -> int:
    """How many rows, counting no further than ``limit + 1``: cheap however many match."""
    return queryset.order_by()[: limit + 1].count()


def estimated(n: float) -> int:
    """A count scaled up from a sample, to two significant figures (12,345 is 12,000)."""
    n = round(n)
    digits = len(str(n))
    return round(n, 2 - digits) if digits > 2 else n


def count_together(tallies: dict, *, sample: Sample | None = None) -> dict[str, dict[str, int]]:
    """``{name: {value: n}}`` for ``{name: tally}`` (a tally, or a list of tallies that add up).

    Values that are empty (NULL or "") or counted 0 times are left out. With ``sample``, the
    counts are estimated from it (``Sample``), rounded to two significant figures.
    """
    grouped, distinct, using = [], [], None
    for name, parts in tallies.items():
        for tally in parts if isinstance(parts, list | tuple) else [parts]:
            if isinstance(tally, DistinctTally):
                distinct.append(tally.rows(name))
                using = using or tally.lists[0][0].db
            else:
                grouped.append(tally.rows(name))
    read = sample.rows if sample else list
    counts = {name: {} for name in tallies}
    if grouped:
        for name, value, n in read(combined(grouped, all=True)):
            if value not in (None, "") and n:
                counts[name][value] = counts[name].get(value, 0) + n
    if distinct:
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({part}) AS counted_{i}" for i, (part, _) in enumerate(distinct)
        )
        params = [param for _, part_params in distinct for param in part_params]
        fetch = sample.rows_of_sql if sample else _fetch
        for name, value, n in fetch(sql, params, using):
            if value not in (None, "") and n:
                counts[name][value] = counts[name].get(value, 0) + n
    if sample:
        counts = {
            name: {value: estimated(n * sample.factor) for value, n in by_value.items()}
            for name, by_value in counts.items()
        }
    return counts


def combined(queries: Sequence[QuerySet], *, all: bool) -> QuerySet:
    """The queries' rows as one query: UNION, or UNION ALL to keep repeated rows."""
    first, *others = queries
    return first.union(*others, all=all).order_by() if others else first
