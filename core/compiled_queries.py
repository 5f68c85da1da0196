"""Small queries asked on every page with other ids, compiled to SQL once per process.

A table of 25 rows reads its related rows (sectors, countries) with a few ``values_list()``
queries filtered by the rows' ids. Building and compiling each query through the ORM cost about
1.4 ms of CPU a query, several times what the database took to answer it. The SQL of such a
query depends on the schema, the database's kind, the number of ids and what the caller says it
varies with (the language of its columns), never on the data: it is compiled once for each of
these and run again with other ids.
"""

from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache

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
