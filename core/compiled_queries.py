"""Small queries asked on every page with other ids, compiled to SQL once per process.

A table of 25 rows reads its related rows (sectors, countries) with a few ``values_list()``
queries filtered by the rows' ids. Building and compiling each query through the ORM cost about
1.4 ms of CPU a query, several times what the database took to answer it. The SQL of such a
query depends on the schema, the database's kind, the number of ids and what the caller says it
varies with (the language of its columns), never on the data: it is compiled once for each of
these and run again with other ids.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col

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


# Filtered pages' queries: one entry per list, shape of its filters, sort, language and database.
_SHAPED = 512
_shaped: OrderedDict[Hashable, "_ShapedQuery | None"] = OrderedDict()
_shaped_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _ShapedQuery:
    model: type[Model]
    sql: str  # without its LIMIT and OFFSET, which are added as parameters
    # Per parameter of ``sql``: the index of a value among all given, or (a constant,).
    slots: tuple[int | tuple[Any], ...]
    # The attribute of each column selected, in order.
    attnames: tuple[str, ...]


def model_rows(
    query: Callable[[list[list[str]]], QuerySet],
    values: Sequence[Sequence[str]],
    *,
    key: Hashable,
    using: str,
    offset: int,
    limit: int,
) -> list[Model] | None:
    """The model objects of ``query(values)[offset:offset + limit]``, its SQL compiled once per
    process for each ``key`` and number of each list's values; None where the query is not one
    that can be. ``key`` names everything but the values that the SQL depends on.

    ``query`` makes a queryset of whole model objects (no select_related, no annotation) from
    lists of text values, each value a parameter of its SQL as it is: a list page whose filters
    only put the chosen values in their subqueries. Building and compiling such a query through
    the ORM cost 2 to 5 ms of CPU a page; its SQL depends on how many values each filter has,
    never on which, nor on the data. Two compilations with different stand-ins for the values
    must give the same SQL with each stand-in in the same places, else None is kept for the
    shape. A query whose SQL changes with particular values (``none`` for "not given") must not
    be given: stand-ins cannot show that.
    """
    shape = (key, tuple(len(group) for group in values), using)
    with _shaped_lock:
        known = shape in _shaped
        compiled = _shaped.get(shape)
        if known:
            _shaped.move_to_end(shape)
    if not known:
        compiled = _compile_shaped(query, shape[1], using)
        with _shaped_lock:
            _shaped[shape] = compiled
            if len(_shaped) > _SHAPED:
                _shaped.popitem(last=False)
    if compiled is None:
        return None
    given = [value for group in values for value in group]
    params = [given[slot] if isinstance(slot, int) else slot[0] for slot in compiled.slots]
    with connections[using].cursor() as cursor:
        cursor.execute(f"{compiled.sql} LIMIT %s OFFSET %s", [*params, limit, offset])
        found = cursor.fetchall()
    return [compiled.model.from_db(using, compiled.attnames, row) for row in found]


def _compile_shaped(
    query: Callable[[list[list[str]]], QuerySet], counts: tuple[int, ...], using: str
) -> _ShapedQuery | None:
    compiled = []
    for mark in ("a", "b"):
        stand_ins = [[f"\x1f{mark}{i}.{j}\x1f" for j in range(n)] for i, n in enumerate(counts)]
        queryset = query(stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select]
        if (
            queryset.query.select_related
            or queryset.query.is_sliced
            or compiler.annotation_col_map
            or compiler.klass_info is None
            or compiler.get_converters(columns)
            or not all(isinstance(column, Col) for column in columns)
        ):
            return None
        flat = [value for group in stand_ins for value in group]
        compiled.append((sql, list(params), {value: i for i, value in enumerate(flat)}))
    (sql, params, index), (other_sql, other_params, other_index) = compiled
    if sql != other_sql or len(params) != len(other_params):
        return None
    slots = []
    for param, other in zip(params, other_params, strict=True):
        if param in index and other in other_index and index[param] == other_index[other]:
            slots.append(index[param])
        elif param == other and not (isinstance(param, str) and "\x1f" in param):
            slots.append((param,))  # the same whatever the values: part of the query
        else:
            return None
    return _ShapedQuery(
        model=queryset.model,
        sql=sql,
        slots=tuple(slots),
        attnames=tuple(column.target.attname for column in columns),
    )
