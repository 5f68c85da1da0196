"""Where the portal's tables come from, for the files and documents made of them
(core/provenance.py): the sources that published partnerships name, the newest of them dating
the information, and the licence under which they may be reused."""

from django.utils.translation import gettext_lazy as _

from core import data_cache
from core.provenance import Provenance
from partnerships.models import Source

# The sources are European Commission documents, reusable under the Commission's reuse policy.
LICENCE = _(
    "Reuse is authorised provided the source is acknowledged "
    "(European Commission reuse policy, Decision 2011/833/EU)."
)


def citation(source: Source) -> str:
    """ "Jose Freitas, EU Cluster Internationalisation with 3rd-countries …, European Commission, …" """
    parts = [source.author, str(source), source.publisher, source.event, source.url]
    return ", ".join(part for part in parts if part)


def _read() -> tuple:
    sources = list(
        Source.objects.filter(partnership__is_published=True).distinct().order_by("-date", "title")
    )
    newest = max((source.date for source in sources if source.date), default=None)
    return newest, "; ".join(citation(source) for source in sources)


def provenance() -> Provenance:
    """Read once until the data changes."""
    as_of, source = data_cache.cached("provenance", (), _read)
    return Provenance(as_of=as_of, source=source, licence=LICENCE)
