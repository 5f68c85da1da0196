from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _uninstall_triggers(sender, using, **kwargs):
    from django.db import connections

    from partnerships import db_triggers

    db_triggers.uninstall(connections[using])


def _install_triggers(sender, using, **kwargs):
    from django.db import connections

    from partnerships import db_triggers

    db_triggers.install(connections[using])


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        # See partnerships/db_triggers.py for why the triggers live outside the migrations.
        pre_migrate.connect(_uninstall_triggers, sender=self)
        post_migrate.connect(_install_triggers, sender=self)
