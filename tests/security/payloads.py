"""Hostile values and hypothesis strategies shared by the security tests.

Every XSS payload carries a fragment that must never appear in an HTML response as it was sent:
if it does, the page reflects input unescaped.
"""

from urllib.parse import quote

from hypothesis import strategies as st

# (payload, fragment that is only dangerous unescaped)
XSS = [
    ("<script>alert(1)</script>", "<script>alert"),
    ('"><svg onload=alert(1)>', "<svg onload"),
    ("'><img src=x onerror=alert(1)>", "<img src=x"),
    ('" onmouseover="alert(1)', '" onmouseover="'),
    ("<iframe srcdoc='<b>x</b>'></iframe>", "<iframe"),
    ("</textarea></title><script>alert(2)</script>", "</title><script>"),
]
XSS_PAYLOADS = [payload for payload, _ in XSS]
XSS_FRAGMENTS = [fragment for _, fragment in XSS]

# The payload a curator could store, and the javascript: link for URL fields.
STORED_XSS = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
JAVASCRIPT_URL = "javascript:alert(1)"

SQL = [
    "'; DROP TABLE partnerships_partnership; --",
    "' OR '1'='1",
    "1 UNION SELECT password FROM auth_user --",
    '"; SELECT pg_sleep(5); --',
    "%' AND 1=1 --",
    "\\'; --",
]
TEMPLATE = ["{{ 7|add:7 }}", "{% debug %}", "{{ settings.SECRET_KEY }}", "${7*7}", "#{7*7}", "{{"]
NUMBERS = [
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999999999",
    "1e1000",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1.5",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "2013",
    "99999",
]
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb\u200d\ufeff",  # zero-width characters and a byte-order mark
    "\x00",
    "nul\x00in the middle",
    "\x1b[31m",
    "\U0001d518\U0001d52b \U0001f1ea\U0001f1fa",  # astral-plane letters and a flag
    "ÉLÈVE",
    "\u0130",  # Turkish dotted capital I: changes length when lower-cased
    "\ufffd",
    "\r\nSet-Cookie: x=1",
]
HUGE = ["A" * 10_000, "<script>" * 1250, "ü" * 5000]
# Real values, so that some filters hit rows of the seed.
REAL = [
    "CN",
    "cn",
    "UK",
    "EL",
    "ROK",
    "JP",
    "TN",
    "healthcare",
    "escp",
    "project",
    "mou",
    "office",
    "c2c",
    "gold",
    "name",
    "-name",
    "partners",
    "-countries",
    "date",
    "-date",
    "2013",
    "north-africa",
    "escp-energy-in-water",
    "csv",
    "json",
    "xlsx",
    "1",
    "2",
    "",
]

FIXED = XSS_PAYLOADS + SQL + TEMPLATE + NUMBERS + UNICODE + HUGE + REAL

# Percent-encoded bytes that are not UTF-8, or not percent-encoding at all, written raw in the query.
RAW_JUNK = [
    "%FF%FE",
    "%ED%A0%80",  # a UTF-16 surrogate, encoded as UTF-8 would not allow
    "%C0%AF",  # an overlong "/"
    "%",
    "%Z9",
    "%00",
    "%%%",
    "&&&",
    "=",
    "==x",
    ";",
    "+",
]

text_values = st.one_of(
    st.sampled_from(FIXED),
    # Any Unicode text that UTF-8 can carry (no lone surrogates: they cannot be sent at all).
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.integers().map(str),
)


def encoded(value: str) -> str:
    return quote(value, safe="")


def query_strings(names):
    """A raw query string: known and unknown names, repeated, with hostile values and raw junk."""
    name = st.one_of(st.sampled_from(names), st.sampled_from(["", "x", "<b>", "q[]", "%00"]))
    pair = st.one_of(
        st.tuples(name, text_values).map(lambda p: f"{encoded(p[0])}={encoded(p[1])}"),
        st.tuples(name, st.sampled_from(RAW_JUNK)).map(lambda p: f"{encoded(p[0])}={p[1]}"),
    )
    return st.lists(pair, max_size=6).map("&".join)


def assert_nothing_reflected(response):
    """An HTML page never holds a payload's dangerous fragment; an error in plain text is text/plain."""
    assert response.status_code < 500, response.status_code
    content_type = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8", "replace")
    if content_type.startswith("text/html"):
        for fragment in XSS_FRAGMENTS:
            assert fragment not in body, f"{fragment!r} is reflected unescaped"
    elif 400 <= response.status_code < 500:
        assert content_type.startswith("text/plain"), content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    return body
