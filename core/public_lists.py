"""Each public list declared once: the page, the API, the exports and their help derive from it.

A ``PublicList`` names a list's rows, its filters, its export and its API shape. From it:

- its page (``core.list_views.FilteredListView`` or ``PublicListView`` with ``public_list = ...``)
  takes its rows, filters, export and heading;
- the API (``core.api_lists.list_router``) answers ``/api/<name>/`` and ``/api/<name>/{key}/``
  with the same rows, its schema giving the OpenAPI shape;
- its import (``core.imports.PortalResource`` with ``public_list = ...``) knows the export's columns;
- /about/exports/ lists the columns of every registered list that has an export.

Page and API share one cached total per filter combination, kept under the list's ``name``
(as are the page's facet counts). Each app declares its lists in ``<app>/lists.py`` and registers them in its
``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class RecordKey:
    """How the API names one record in its address: ``/api/partnerships/{slug}/``."""

    # The address's parameter, and its type (int gives ``{int:outcome_id}``).
    parameter: str = "slug"
    type: type = str
    # The field it matches, which is also the export column (or attribute) the API link is made of.
    field: str = "slug"
    # Turns what was typed into the stored value (``uk`` into ``GB``); None when it names nothing.
    normalise: Callable[[Any], Any] = lambda value: value


@dataclass(frozen=True, kw_only=True)
class PublicList:
    # Its key: /api/<name>/, the API's URL name api:<name>, and its cached counts.
    name: str
    # Its page's heading, and its section on /about/exports/.
    title: str | Promise
    # The published rows, with what the page shows of each loaded. A function, called per
    # request, so that what other apps register in their ready() counts (countries in use).
    rows: Callable[[], QuerySet]
    # Its page's URL name, "partnerships:partnership-list".
    page_url_name: str = ""
    filterset_class: type | None = None
    export_class: type | None = None
    # The API: a list without a schema has none. Its rows are the export's columns, plus
    # api_url; without an export, its records, each with url (its page) and api_url.
    schema: type | None = None
    summary: str | Promise = ""
    # One record: /api/<name>/{key}/, URL name api:<item_name>, 404 message ``not_found``
    # (what was asked for fills its placeholder, named as the key's parameter: %(slug)s).
    item_name: str = ""
    item_summary: str | Promise = ""
    key: RecordKey = field(default_factory=RecordKey)
    not_found: str | Promise = ""
    # Where one record is looked up, where not among ``rows``.
    item_rows: Callable[[], QuerySet] | None = None

    def __post_init__(self):
        if self.schema is not None and not (self.item_name and self.not_found):
            raise ImproperlyConfigured(
                f"The list “{self.name}” is in the API: give its item_name and not_found message."
            )

    @property
    def model(self) -> type[Model]:
        return self.rows().model

    def find(self, value) -> QuerySet:
        """The record ``value`` names, as a queryset of one row or none."""
        rows = (self.item_rows or self.rows)()
        return rows.filter(**{self.key.field: self.key.normalise(value)})


_registered: dict[str, PublicList] = {}


def register(*public_lists: PublicList) -> None:
    """Called from an app's ``AppConfig.ready``: the lists appear in the API and on /about/exports/."""
    for public_list in public_lists:
        if _registered.get(public_list.name, public_list) is not public_list:
            raise ImproperlyConfigured(f"Two public lists are named “{public_list.name}”.")
        _registered[public_list.name] = public_list


def unregister(public_list: PublicList) -> None:
    _registered.pop(public_list.name, None)


def registered() -> list[PublicList]:
    """Every registered list, in the order the apps registered them (INSTALLED_APPS)."""
    return list(_registered.values())
