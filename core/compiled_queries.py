"""Small queries asked on every page with other ids, compiled to SQL once per process.

A table of 25 rows reads its related rows (sectors, countries) with a few ``values_list()``
queries filtered by the rows' ids. Building and compiling each query through the ORM cost about
1.4 ms of CPU a query, several times what the database took to answer it. The SQL of such a
query depends on the schema, the database's kind, the number of ids and what the caller says it
varies with (the language of its columns), never on the data: it is compiled once for each of
these and run again with other ids.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Any number of ids a page asks for, in any of its variants (languages): a few hundred entries.
_COMPILED = 512


def rows_for_ids(
    query: Callable[[list[int]], QuerySet],
    ids: Sequence[int],
    *,
    using: str,
    variant: Hashable = None,
) -> list[tuple]:
    """What ``list(query(ids))`` reads, on the database ``using``: ``query`` is a module-level
    function making a ``values_list()`` query filtered by ``ids`` alone (``field__in=ids``), whose
    SQL otherwise depends only on ``variant``. The values come as the database driver gives
    them: columns whose Python value needs no conversion (text, integers, booleans on
    PostgreSQL), the ids unique."""
    if not ids:
        return []
    sql = _sql(query, len(ids), using, variant)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(ids))
        return cursor.fetchall()


@lru_cache(maxsize=_COMPILED)
def _sql(query: Callable[[list[int]], QuerySet], count: int, using: str, variant) -> str:
    """The SQL of ``query`` for ``count`` ids, whose parameters are the ids alone, in order."""
    sample = list(range(-1, -count - 1, -1))  # no row has these ids: nothing else equals them
    sql, params = query(sample).query.get_compiler(using=using).as_sql()
    if list(params) != sample:
        raise ValueError(f"{query.__name__}()'s parameters are not the ids alone: {params!r}")
    return sql


def rows_for(
    query: Callable[..., QuerySet],
    args: Sequence[str | int],
    *,
    using: str,
    variant: Hashable = None,
) -> list[tuple]:
    """What ``list(query(*args))`` reads, on the database ``using``: ``query`` is a module-level
    function making a ``values_list()`` query of plain columns whose parameters are the texts or
    integers ``args`` (a code, a slug, ids; each may be used more than once) and constants of the
    code (``True`` for a published row on SQLite), and whose SQL otherwise depends only on
    ``variant``. The values are converted as the ORM converts them (a date on SQLite)."""
    sql, parameters, convert = _compiled(query, tuple(map(type, args)), using, variant)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [args[n] if isinstance(n, int) else n.value for n in parameters])
        return convert(cursor.fetchall())


@dataclass(frozen=True)
class _Constant:
    value: object


@lru_cache(maxsize=_COMPILED)
def _compiled(query: Callable[..., QuerySet], types: tuple[type, ...], using: str, variant):
    """The SQL of ``query`` for arguments of ``types``; each of its parameters, as the index of
    the argument it is or a ``_Constant``; and what converts its rows (the converters depend on
    the database's kind, not on the data). Compiled with two samples of arguments: a parameter
    that differs between them is an argument, one that does not is a constant of the query."""

    def sample(version: int) -> list:
        return [
            -(n + 1 + 1000 * version) if kind is int else f"compiled-query-argument-{version}-{n}"
            for n, kind in enumerate(types)
        ]

    first, second = sample(0), sample(1)
    compiler = query(*first).query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    other_sql, other_params = query(*second).query.get_compiler(using=using).as_sql()
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError(f"{query.__name__}()'s SQL depends on its arguments' values")
    parameters: list[int | _Constant] = []
    for param, other in zip(params, other_params, strict=True):
        if param == other and param not in first:
            parameters.append(_Constant(param))
        elif param in first and first.index(param) == second.index(other):
            parameters.append(first.index(param))
        else:
            raise ValueError(f"{query.__name__}()'s parameter {param!r} is not an argument")
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])

    def convert(rows: list[Any]) -> list[tuple]:
        if not converters:
            return rows
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]

    return sql, parameters, convert
