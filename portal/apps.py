from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import previews
        from portal.roles import sync_roles

        previews.register()

        # After every app's migrations and permissions exist, so every named permission can be found.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="portal.sync_roles")
