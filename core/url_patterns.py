"""Links to many records of one kind, made without ``reverse()`` per record."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

SAMPLE = "0"  # a value every converter the portal's detail URLs use accepts (str, slug, int)
SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in an argument


def url_of(viewname: str) -> Callable[[object], str]:
    """``url_of("partnerships:partnership-detail")(slug)`` is ``reverse(viewname, args=[slug])``.

    The URL is reversed once, with a sample value, and each record's is the same text around its
    own value: a table of 25 partnerships asked ``reverse()`` a hundred times a page. Only for a
    URL with one argument whose values its converter accepts as they are (slugs, codes, ids).
    """
    before, after = reverse(viewname, args=[SAMPLE]).rsplit(SAMPLE, 1)
    return lambda value: f"{before}{quote(str(value), safe=SAFE)}{after}"
