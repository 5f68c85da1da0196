"""Coordinators reach only the partnerships they are assigned to, and the records of those.

A coordinator (a partnership's own staff, the *Coordinators* group of portal/roles.py)
sees and chooses only the partnerships that name them in ``Partnership.coordinators``,
and the outcomes and members of those; another's records are not found, whatever URL
is typed. Editors and superusers see everything.
"""

from django.db.models import QuerySet
from django.http import HttpRequest

from partnerships.models import Partnership

# The group of a partnership's coordinators (its permissions: portal/roles.py).
COORDINATORS = "Coordinators"


def sees_all_partnerships(user) -> bool:
    """Editors and superusers; coordinators see only their own partnerships."""
    return user.has_perm("partnerships.publish_partnership")


class PartnershipScopeMixin:
    """For records that belong to a partnership: coordinators reach only their partnerships' records."""

    scope_field = "partnership"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if sees_all_partnerships(request.user):
            return queryset
        return queryset.filter(**{f"{self.scope_field}__coordinators": request.user})

    def may_restore(self, request: HttpRequest, record) -> bool:
        return (
            sees_all_partnerships(request.user)
            or Partnership.objects.filter(
                pk=getattr(record, f"{self.scope_field}_id"), coordinators=request.user
            ).exists()
        )
