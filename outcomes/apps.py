from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from django.apps import apps

        from core import data_cache, public_lists
        from outcomes import filters, lists
        from outcomes import types as outcome_types
        from outcomes.models import Outcome, Suggestion, describe_engagements, engagement_rows
        from partnerships.models import Engagements, register_country_use, register_engagements

        # Any change to this app's records (typed proxies and organisations included) starts a
        # new generation of the cached pages and figures; visitors' suggestions are never public.
        data_cache.register_app(self, private=[Suggestion])
        # And the proxy of a type registered after start-up (in a test).
        outcome_types.for_each_type(
            lambda kind: data_cache.register_model(apps.get_model(self.label, kind.model_name))
        )
        data_cache.register_dated(Outcome.objects.published)
        # The partnership list's "Has outcomes of type" facet, and the countries published outcomes name.
        filters.extend_partnership_filter()
        register_country_use(lambda: Outcome.objects.published().values("country"))
        # A country where a partnership has a published outcome is one it works with (its engagement).
        register_engagements(Engagements(engagement_rows, describe_engagements))
        # Its list in the API and on /about/exports/.
        public_lists.register(*lists.PUBLIC_LISTS)
