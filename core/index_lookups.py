"""Conditions written in the shape PostgreSQL's planner needs to use an index."""

from django.db.models import Lookup


class EqualsAnyOf(Lookup):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, and inside an OR the column's
    own index answers the condition beside the other arms' indexes (a BitmapOr).

    ``column IN (subquery)`` inside an OR becomes a test of every row instead: a scan of a
    million outcomes for each search. Other databases get ``IN``.
    """

    lookup_name = "equals_any_of"

    def as_sql(self, compiler, connection, template="{lhs} IN {rhs}") -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return template.format(lhs=lhs, rhs=rhs), (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection) -> tuple[str, tuple]:
        return self.as_sql(compiler, connection, template="{lhs} = ANY(ARRAY{rhs})")
