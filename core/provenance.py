"""Where a table's data comes from, for the files and documents made of it: the "information as
of" date, the source's citation and the licence. The core knows no source: the app that holds
them registers a ``Provenance`` maker in its ``AppConfig.ready`` (partnerships/apps.py)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Provenance:
    as_of: datetime.date | None
    source: str
    licence: str | Promise


NONE_KNOWN = Provenance(as_of=None, source="", licence="")
_maker: Callable[[], Provenance] | None = None


def register(maker: Callable[[], Provenance]) -> None:
    global _maker
    _maker = maker


def current() -> Provenance:
    return _maker() if _maker is not None else NONE_KNOWN
