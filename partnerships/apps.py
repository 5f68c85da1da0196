from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _uninstall_triggers(sender, using, **kwargs) -> None:
    from django.db import connections

    from partnerships import db_triggers

    db_triggers.uninstall(connections[using])


def _install_triggers(sender, using, **kwargs) -> None:
    from django.db import connections

    from partnerships import db_triggers

    db_triggers.install(connections[using])


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from core import curated_admin, data_cache, provenance, public_lists
        from partnerships import db_triggers, lists
        from partnerships.models import Cluster, Partnership
        from partnerships.provenance import provenance as partnership_provenance

        # See partnerships/db_triggers.py for why the triggers live outside the migrations.
        pre_migrate.connect(_uninstall_triggers, sender=self)
        post_migrate.connect(_install_triggers, sender=self)
        # The trigger's refusal is shown to a curator in its own words, as the constraints' are.
        curated_admin.register_refusal_message(db_triggers.MESSAGE)
        # Any change to this app's records starts a new generation of the cached pages and figures.
        data_cache.register_app(self)
        data_cache.register_dated(Partnership.objects.published, Cluster.objects.published)
        # Its lists in the API and on /about/exports/.
        public_lists.register(*lists.PUBLIC_LISTS)
        # Where the tables come from, for the About sheet, PDFs and citations.
        provenance.register(partnership_provenance)
