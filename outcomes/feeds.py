"""Atom feeds of newly published outcomes: site-wide, and per partnership, country and sector.

Readers subscribe to "what is new", so entries come newest-published first and
carry the publication time, not the signing date. Only published outcomes of
published partnerships appear: a draft enters the feed when an editor publishes it.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core import data_cache
from core.country_codes import normalise_country_code
from outcomes.models import Outcome
from partnerships.models import Country, Partnership, Sector

ENTRIES = 50
# When nothing was ever published: an empty feed's <updated> must not move at each request.
NEVER = datetime.datetime(2014, 1, 1, tzinfo=datetime.UTC)


class PortalAtom1Feed(Atom1Feed):
    """Atom whose <updated>, and so the Last-Modified header, of a feed without entries is the last
    change of the public data rather than the time of the request (Django's default): a reader
    polling it gets 304 until something changes."""

    def latest_post_date(self) -> datetime.datetime:
        if self.items:
            return super().latest_post_date()
        return self.feed["updated_when_empty"]() or NEVER


class OutcomeFeed(Feed):
    """Every newly published outcome; the subclasses narrow it to one partnership, country or sector."""

    feed_type = PortalAtom1Feed
    title = _("EU Cluster Internationalisation Portal: new outcomes")
    subtitle = _("MoUs, roadmaps, offices, missions and exchanges newly published on the portal.")

    # Django's Feed answers every method alike; like the pages, a feed answers GET and HEAD only
    # (TRACE, OPTIONS and the writing methods get 405 with Allow).
    @method_decorator(require_safe)
    def __call__(self, request: HttpRequest, *args, **kwargs):
        return super().__call__(request, *args, **kwargs)

    def link(self, obj=None) -> str:
        return reverse("outcomes:outcome-list")

    def feed_extra_kwargs(self, obj) -> dict:
        # Read only for a feed without entries: a feed with some costs no query for it.
        return {"updated_when_empty": data_cache.data_updated_at}

    def outcomes(self, obj) -> QuerySet:
        return Outcome.objects.published()

    def items(self, obj=None) -> QuerySet:
        return self.outcomes(obj).with_related().newest_published_first()[:ENTRIES]

    def item_title(self, item) -> str:
        return gettext("%(type)s: %(title)s") % {
            "type": item.get_type_display(),
            "title": item.title,
        }

    def item_description(self, item) -> str:
        # Atom readers render the summary as HTML: curators' text is escaped first.
        facts = [item.partnership.display_name]
        if item.country:
            facts.append(item.country.name)
        if item.date:
            facts.append(date_format(item.date))
        elif item.year:
            facts.append(str(item.year))
        summary = f"<p>{escape(' · '.join(facts))}</p>"
        if item.description:
            summary += linebreaks(escape(item.description))
        return summary

    def item_pubdate(self, item) -> datetime.datetime:
        return item.published_at or item.created_at

    def item_updateddate(self, item) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item) -> str:
        return item.partnership.display_name

    def item_categories(self, item) -> list[str]:
        return [item.get_type_display()]


class PartnershipOutcomeFeed(OutcomeFeed):
    def get_object(self, request: HttpRequest, slug) -> Partnership:
        return get_object_or_404(Partnership.objects.published(), slug=slug)

    def title(self, obj) -> str:
        return gettext("%(name)s: new outcomes") % {"name": obj.display_name}

    def subtitle(self, obj) -> str:
        return gettext("Outcomes of %(name)s newly published on the portal.") % {
            "name": obj.display_name
        }

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def outcomes(self, obj) -> QuerySet:
        return Outcome.objects.published().filter(partnership=obj)


class CountryOutcomeFeed(OutcomeFeed):
    def get_object(self, request: HttpRequest, code) -> Country:
        # The same codes and aliases as the country pages: gb, UK and GB are one feed.
        return get_object_or_404(Country, code=normalise_country_code(code) or "")

    def title(self, obj) -> str:
        return gettext("%(name)s: new outcomes") % {"name": obj.name}

    def subtitle(self, obj) -> str:
        return gettext("Outcomes with %(name)s newly published on the portal.") % {"name": obj.name}

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def outcomes(self, obj) -> QuerySet:
        return Outcome.objects.published().with_country([obj.code])


class SectorOutcomeFeed(OutcomeFeed):
    def get_object(self, request: HttpRequest, slug) -> Sector:
        return get_object_or_404(Sector.objects.published(), slug=slug)

    def title(self, obj) -> str:
        return gettext("%(name)s: new outcomes") % {"name": obj.name}

    def subtitle(self, obj) -> str:
        return gettext("Outcomes of partnerships in %(name)s newly published on the portal.") % {
            "name": obj.name
        }

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def outcomes(self, obj) -> QuerySet:
        return Outcome.objects.published().in_sectors([obj.slug])
