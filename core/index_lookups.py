"""Conditions written in the shape PostgreSQL's planner and parser handle best."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """``column = ANY(%s)`` with the values as one array: a search's keys, up to 10,000 of them.

    ``pk__in=[...]`` writes one placeholder per value, which Django then compiles, and
    PostgreSQL parses, once per facet's count of a page. Other databases get ``IN``.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", ()
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)

    def as_postgresql(self, compiler, connection) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
