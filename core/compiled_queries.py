"""Queries asked on every page with other values, compiled to SQL once per process.

A table of 25 rows reads its related rows (sectors, countries) with a few ``values_list()``
queries filtered by the rows' ids; a record's page reads its own by its slug or code; a filtered
list reads a page of its rows. Building and compiling each query through the ORM cost 1 to 5 ms
of CPU, several times what the database took to answer it. The SQL of such a query depends on
the schema, the database's kind, how many values it is given and what the caller says it varies
with (the language of its columns, the form of the filters), never on the values nor on the
data: it is compiled once for each of these and run again with other values.

A query is compiled twice, with two sets of stand-ins for its values (``_compile``): the SQL must
be the same, and each of its parameters either the same stand-in's place in both (a value
given) or the same in both and no stand-in (a constant of the code, as ``True`` for "published"
on SQLite). A value the ORM transforms (``%word%`` for a text search) or whose value changes
the SQL fails that test: such a query is refused, never compiled wrongly.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.compiler import SQLCompiler

# Any number of values a page asks for, in any of its variants (languages): a few hundred entries.
_COMPILED = 512


class NotCompilable(ValueError):
    """A query whose SQL depends on its values, or whose parameters are not its values."""


@dataclass(frozen=True)
class _Constant:
    value: object


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter of ``sql``: the index of the value it is, or a constant of the query.
    slots: tuple[int | _Constant, ...]
    compiler: SQLCompiler

    def parameters(self, values: Sequence) -> list:
        return [values[s] if isinstance(s, int) else s.value for s in self.slots]


def _stand_ins(types: Sequence[type], version: int) -> list[str | int]:
    """Values no row has and no query holds otherwise, different in each ``version``."""
    return [
        -(n + 1 + 1000 * version) if kind is int else f"\x1fcompiled-{version}-{n}\x1f"
        for n, kind in enumerate(types)
    ]


def _compile(make: Callable[[list], QuerySet], types: Sequence[type], using: str) -> _Compiled:
    """``make(values)``'s SQL on ``using`` for values of ``types``, and where each goes."""
    first, second = _stand_ins(types, 0), _stand_ins(types, 1)
    compiler = make(first).query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    other_sql, other_params = make(second).query.get_compiler(using=using).as_sql()
    if sql != other_sql or len(params) != len(other_params):
        raise NotCompilable("its SQL depends on its values")
    places, other_places = {v: n for n, v in enumerate(first)}, {v: n for n, v in enumerate(second)}
    slots: list[int | _Constant] = []
    for param, other in zip(params, other_params, strict=True):
        if param in places and places[param] == other_places.get(other):
            slots.append(places[param])
        elif param == other and not (isinstance(param, str) and "\x1f" in param):
            slots.append(_Constant(param))
        else:
            raise NotCompilable(f"its parameter {param!r} is not one of its values")
    return _Compiled(sql, tuple(slots), compiler)


def rows_for(
    query: Callable[..., QuerySet],
    args: Sequence[str | int],
    *,
    using: str,
    variant: Hashable = None,
) -> list[tuple]:
    """What ``list(query(*args))`` reads, on the database ``using``: ``query`` is a module-level
    function making a ``values_list()`` query whose parameters are the texts or integers
    ``args`` (a code, a slug, ids; each may be used more than once) and constants of the code,
    and whose SQL otherwise depends only on ``variant`` and on how many ``args`` there are. The
    values are converted as the ORM converts them (a date on SQLite)."""
    compiled, convert = _compiled(query, tuple(map(type, args)), using, variant)
    if compiled is None:
        return []  # as the ORM reads ``field__in=[]``: no row, no query
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, compiled.parameters(args))
        return convert(cursor.fetchall())


@lru_cache(maxsize=_COMPILED)
def _compiled(query: Callable[..., QuerySet], types: tuple[type, ...], using: str, variant):
    """``query``'s compiled SQL for arguments of ``types``, and what converts its rows (the
    converters depend on the database's kind, not on the data); None for a query that selects
    nothing whatever its values (no ids given)."""
    try:
        compiled = _compile(lambda values: query(*values), types, using)
    except EmptyResultSet:
        return None, None
    except NotCompilable as refused:
        raise NotCompilable(f"{query.__name__}(): {refused}") from None
    compiler = compiled.compiler
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])

    def convert(rows: list[Any]) -> list[tuple]:
        if not converters:
            return rows
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]

    return compiled, convert


# Filtered pages' queries: one entry per list, form of its filters, sort, language and database.
_SHAPED = 512
_shaped: OrderedDict[Hashable, "_ShapedQuery | None"] = OrderedDict()
_shaped_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _ShapedQuery:
    model: type[Model]
    compiled: _Compiled  # its SQL without the LIMIT and OFFSET, which are added as parameters
    # The attribute of each column selected, in order.
    attnames: tuple[str, ...]
    converters: dict  # as the ORM converts the columns' values (dates, booleans on SQLite)


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
    that can be (``_compile``), and the ORM reads the page. ``key`` names everything but the
    values that the SQL depends on (``query`` is made anew for each page: it cannot be the key).

    ``query`` makes a queryset of whole model objects (no select_related, no annotation) from
    lists of text values: a list page whose filters only put the chosen values in their
    subqueries. A query whose SQL changes with particular values (``none`` for "not given")
    must not be given: stand-ins cannot show that.
    """
    counts = tuple(len(group) for group in values)
    shape = (key, counts, using)
    with _shaped_lock:
        known = shape in _shaped
        shaped = _shaped.get(shape)
        if known:
            _shaped.move_to_end(shape)
    if not known:
        shaped = _compile_shaped(query, counts, using)
        with _shaped_lock:
            _shaped[shape] = shaped
            if len(_shaped) > _SHAPED:
                _shaped.popitem(last=False)
    if shaped is None:
        return None
    params = shaped.compiled.parameters([value for group in values for value in group])
    with connections[using].cursor() as cursor:
        cursor.execute(f"{shaped.compiled.sql} LIMIT %s OFFSET %s", [*params, limit, offset])
        found = cursor.fetchall()
    if shaped.converters:
        found = shaped.compiled.compiler.apply_converters(found, shaped.converters)
    return [shaped.model.from_db(using, shaped.attnames, row) for row in found]


def _compile_shaped(
    query: Callable[[list[list[str]]], QuerySet], counts: tuple[int, ...], using: str
) -> _ShapedQuery | None:
    def grouped(flat: list) -> list[list]:
        groups, start = [], 0
        for n in counts:
            groups.append(flat[start : start + n])
            start += n
        return groups

    try:
        compiled = _compile(lambda flat: query(grouped(flat)), [str] * sum(counts), using)
    except NotCompilable:
        return None
    queryset_query, compiler = compiled.compiler.query, compiled.compiler
    columns = [column for column, _sql, _alias in compiler.select]
    if (
        queryset_query.select_related
        or queryset_query.is_sliced
        or compiler.annotation_col_map
        or compiler.klass_info is None
        or not all(isinstance(column, Col) for column in columns)
    ):
        return None
    return _ShapedQuery(
        model=queryset_query.model,
        compiled=compiled,
        attnames=tuple(column.target.attname for column in columns),
        converters=compiler.get_converters(columns),
    )
