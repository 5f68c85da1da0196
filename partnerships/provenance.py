"""Where the portal's tables come from, for the files and documents made of them
(core/provenance.py): the sources that published partnerships name, the newest "as of" of those
partnerships (their provenance fields) dating the information, and the licence under which they
may be reused."""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core import data_cache
from core.provenance import Provenance
from partnerships.models import Partnership, Source

# The sources are European Commission documents, reusable under the Commission's reuse policy.
LICENCE = _(
    "Reuse is authorised provided the source is acknowledged "
    "(European Commission reuse policy, Decision 2011/833/EU)."
)


def _read() -> tuple:
    """The newest "as of" of the published partnerships (the newest source's date where none gives
    one), and the citations of the sources they name, worded as on the pages: two queries."""
    sources = list(
        Source.objects.filter(partnership__is_published=True).distinct().order_by("-date", "title")
    )
    as_of = Partnership.objects.published().aggregate(newest=Max("as_of"))["newest"]
    newest = as_of or max((source.date for source in sources if source.date), default=None)
    return newest, "; ".join(source.citation() for source in sources)


def provenance() -> Provenance:
    """Read once until the data changes."""
    as_of, source = data_cache.cached("provenance", (), _read)
    return Provenance(as_of=as_of, source=source, licence=LICENCE)
