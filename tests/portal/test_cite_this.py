""" "Cite this" against the page it cites: the permanent address opens the same selection, and the
dates are the page's own (accessed today, data as of the footer's "Data last updated"), both in
the portal's time zone."""

import datetime
import html
import re

from django.utils import timezone

from outcomes.models import Outcome
from partnerships.models import Cluster, Partnership

COUNT = re.compile(r'data-result-count="(\d+)"')


def test_cite_this_gives_the_pages_permanent_address_and_its_dates(client, seeded):
    # The newest edit late on 21 January 2014 in UTC: already the 22nd in Brussels.
    edited = datetime.datetime(2014, 1, 21, 23, 30, tzinfo=datetime.UTC)
    for model in (Partnership, Outcome, Cluster):
        model.objects.update(updated_at=edited - datetime.timedelta(days=1))
    Outcome.objects.filter(type="mou").update(updated_at=edited)

    page = client.get("/outcomes/?sort=title&country=cn&page=1&type=mou")
    assert page.status_code == 200
    citation = html.unescape(re.search(r'<pre class="[^"]*">([^<]*)</pre>', page.text).group(1))
    address = "http://testserver/outcomes/?type=mou&country=CN&sort=title"
    assert citation == (
        f"Outcomes. EU Cluster Internationalisation Portal. {address} "
        f"(accessed {timezone.localdate().isoformat()}). Data as of 2014-01-22."
    )
    assert '<time datetime="2014-01-22">' in page.text  # the footer's "Data last updated"
    cited = client.get(address.removeprefix("http://testserver"))
    assert COUNT.search(cited.text).group(1) == COUNT.search(page.text).group(1) == "2"
