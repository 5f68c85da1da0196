"""Drafts as their public pages would show them, for the curators who may open them.

Each public page of one record (a partnership's, a cluster's, an outcome's) is drawn for the
record the admin found in the curator's scope (core/curated_admin.py ``PreviewMixin`` checks the
scope and sets the headers), with "Preview — not public" above it. What the page shows with the
record is what would be public once it is published: a draft partnership's published outcomes and
published member clusters, say. Nothing else unpublished is shown, and nothing of the page is kept
in any cache. Registered in ``PortalConfig.ready``.
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.generic import DetailView

from core.curated_admin import register_preview
from outcomes.models import Outcome
from outcomes.views import OutcomeDetailView
from partnerships.models import Cluster, Membership, Partnership
from partnerships.views import ClusterDetailView
from portal.detail_pages import PartnershipDetailView, first_outcomes_of_each_type
from portal.partnership_page import member_columns


class AsPreview:
    """The public view, for ``record`` whether published or not, marked as a preview."""

    record = None
    related: tuple[str, ...] = ()

    def get_object(self, queryset=None) -> Model:
        # Read again with the related rows the public page reads, without its published() filter.
        model = type(self.record)._meta.concrete_model
        return model.objects.select_related(*self.related).get(pk=self.record.pk)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(preview=True, **kwargs)


def first_outcomes_published_on_their_own(partnership: int) -> QuerySet:
    """A draft partnership's outcomes that are published on their own: public once it is."""
    return first_outcomes_of_each_type(
        Outcome.objects.filter(partnership=partnership, is_published=True)
    )


def members_published_on_their_own(partnership: int) -> QuerySet:
    """A draft partnership's named members whose cluster is published: public once it is."""
    return member_columns(
        Membership.objects.filter(partnership=partnership, cluster__is_published=True)
    )


class PartnershipPreview(AsPreview, PartnershipDetailView):
    related = ("related_partnership", "source")
    first_outcomes = staticmethod(first_outcomes_published_on_their_own)
    members = staticmethod(members_published_on_their_own)
    keeps_related_rows = False  # The public page's kept rows are the published ones.


class ClusterPreview(AsPreview, ClusterDetailView):
    related = ("country", "cross_border_country")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Its memberships of published partnerships: public once the cluster is.
        context["memberships"] = self.object.memberships.filter(
            partnership__is_published=True
        ).select_related("partnership")
        return context


class OutcomePreview(AsPreview, OutcomeDetailView):
    related = ("partnership", "country", "counterpart", "source")


def _preview(view_class: type[DetailView]):
    def render(request: HttpRequest, record) -> HttpResponse:
        view = view_class.as_view(record=record)
        response = view(request, pk=record.pk, slug=getattr(record, "slug", None))
        response.render()
        return response

    return render


def register() -> None:
    register_preview(Partnership, _preview(PartnershipPreview))
    register_preview(Cluster, _preview(ClusterPreview))
    register_preview(Outcome, _preview(OutcomePreview))
