import json
import re
import weakref
from base64 import b32encode
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import segno
from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from core import data_cache, exports
from core import translated as translation
from core.citation import Citation
from core.translated import escaped
from outcomes.rows import table_rows as outcome_table_rows_of
from portal import i18n, structured_data

register = template.Library()

# The tags that write markup in Python escape every value they place with ``escaped`` (as
# ``{{ value }}`` does: markup kept, anything else escaped, without the lazy-string wrappers of
# Django's escape functions), and mark the whole markup safe once, when they return it.

QR_MODULE = 5  # pixels per module of a QR code: a 2FA address (version 6, 49 modules) is 245 px


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict[str, str]]:
    """This page in every language, for the switcher and the hreflang links (portal/i18n.py)."""
    request = context.get("request")
    return i18n.language_versions(request) if request is not None else []


# The addresses in every page's header and footer, by the name base.html reads them by.
SITE_URLS = {
    "home": "home",
    "favicon": "favicon",
    "manifest": "web-manifest",
    "feed": "feeds:outcomes",
    "partnerships": "partnerships:partnership-list",
    "outcomes": "outcomes:outcome-list",
    "sectors": "partnerships:sector-list",
    "countries": "partnerships:country-list",
    "clusters": "partnerships:cluster-list",
    "statistics": "statistics",
    "escp_overview": "partnerships:escp-overview",
    "exports_help": "exports-help",
}


@register.simple_tag
def site_urls() -> dict[str, str]:
    """``SITE_URLS`` reversed in the current language: the same for every page, so reversed once
    per language rather than a dozen times a page."""
    return _site_urls(get_language(), get_script_prefix(), settings.ROOT_URLCONF)


@lru_cache(maxsize=64)
def _site_urls(language, prefix, urlconf) -> dict[str, str]:
    # The arguments are only the key: reverse() reads them itself.
    return {key: reverse(name) for key, name in SITE_URLS.items()}


# The header's sections, by their key in SITE_URLS, and whether the pages under a section's address
# are in it too (a list's records are; the statistics page has none).
HEADER_SECTIONS = {
    "partnerships": True,
    "outcomes": True,
    "sectors": True,
    "countries": True,
    "clusters": True,
    "statistics": False,
}


@register.simple_tag(takes_context=True)
def header_section(context) -> str:
    """The key of the header's section this page is in (``aria-current``), "" for none."""
    request = context.get("request")
    if request is None:
        return ""
    urls = site_urls()
    for key, below in HEADER_SECTIONS.items():
        if request.path == urls[key] or (below and request.path.startswith(urls[key])):
            return key
    return ""


@register.simple_tag(takes_context=True)
def site_origin(context) -> str:
    """``https://host``: the scheme and host of this request, read once for the page's absolute
    addresses (canonical, Open Graph, hreflang)."""
    request = context.get("request")
    return f"{request.scheme}://{request.get_host()}" if request is not None else ""


@register.simple_tag
def qr_code(data, label) -> str:
    """``data`` as a QR code in inline SVG, drawn here on the server: no script, no image request.

    segno writes colours as attributes, never as ``style``, so the Content-Security-Policy lets it
    through; dark on a white square, so it scans on the admin's dark theme too.
    """
    svg = segno.make(data).svg_inline(
        scale=QR_MODULE, dark="#000", light="#fff", title=label, svgclass="qr-code"
    )
    return format_html(
        '<svg role="img" aria-label="{}"{}', label, mark_safe(svg.removeprefix("<svg"))
    )


@register.simple_tag
def export_formats() -> list[tuple[str, str]]:
    """(``csv``, ``CSV``), ...: every export format with its name, from ``core.exports.FORMATS``."""
    return list(exports.FORMATS.items())


@register.filter
def base32(key: bytes) -> str:
    """A TOTP device's key as authenticator apps ask for it when it is typed in."""
    return b32encode(key).decode()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, e.g. a page link that keeps the filters.

    An empty value removes the parameter: ``{% query_with page="" export="csv" %}``.
    """
    return _query_with(context["request"].GET, changes)


def _query_with(query, changes) -> str:
    """``query`` (a QueryDict) with ``changes``, encoded as ``QueryDict.urlencode`` would: a
    replaced parameter keeps its place, a new one comes last. Without copying the QueryDict,
    which a page did a dozen times."""
    lists = dict(query.lists())
    for key, value in changes.items():
        if value == "":
            lists.pop(key, None)
        else:
            lists[key] = [value]
    return urlencode([(key, str(value)) for key, values in lists.items() for value in values])


@register.simple_tag(takes_context=True)
def page_links(context, page) -> dict[str, Any]:
    """The links of a list's pagination: ``previous`` and ``next`` (query strings, or None) and
    ``numbers``, each page to link with its query string, None where a gap is shown (1 … 4 5 6 … 20)."""
    query = context["request"].GET
    numbers = [
        None if number == page.paginator.ELLIPSIS else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return {
        "previous": _query_with(query, {"page": page.previous_page_number()})
        if page.has_previous()
        else None,
        "next": _query_with(query, {"page": page.next_page_number()}) if page.has_next() else None,
        "numbers": [
            {
                "number": number,
                "query": _query_with(query, {"page": number}),
                "current": number == page.number,
            }
            if number
            else None
            for number in numbers
        ],
    }


@register.simple_tag
def chart_table_rows(rows) -> str:
    """The rows of a statistics chart's table (portal/statistics.py), written in Python: the page
    has nine tables, some 400 rows, and a row through the template engine cost about 20 µs.
    Each figure (localized, as ``{{ row.value }}`` writes it) links to its rows when it can."""
    linked = '<tr><td><a href="{url}">{label}</a></td><td class="text-end"><a class="figure" data-figure="{value}" href="{url}">{value}</a></td></tr>'
    plain = '<tr><td>{label}</td><td class="text-end">{value}</td></tr>'
    language = get_language()
    return mark_safe(
        "".join(
            (linked if row.url else plain).format(
                url=escaped(row.url), label=escaped(row.label), value=_figure(row.value, language)
            )
            for row in rows
        )
    )


@lru_cache(maxsize=4096)
def _figure(value, language) -> str:
    """A figure localized in the active language, ``language`` (the key), and escaped: the same
    counts recur across a page's tables, and localizing one cost about 10 µs."""
    return escaped(localize(value))


# A partnership table's row (templates/partnerships/includes/_partnership_table.html): its cells
# come escaped from partnerships/rows.py, the labels are translated by the template.
PARTNERSHIP_ROW = """
      <tr>
        <td data-label="{partnership}">
          <a href="{url}">{name}</a>
          <div class="small text-body-secondary">{kind}</div>
        </td>
        <td data-label="{sectors_label}">{sectors}</td>
        <td data-label="{members}">{declared}</td>
        <td data-label="{targets_label}">{targets}</td>
        {why}
      </tr>
    """
NOT_STATED = '<span class="text-body-secondary">{}</span>'


@register.simple_tag
def partnership_rows_html(partnerships, *labels, why_heading="") -> str:
    """The rows of a partnership table, written in Python: 25 rows through the template engine
    were 1.5 to 2.5 ms of a list page. ``labels``: the columns' (partnership, sectors, members,
    targets) and the words for a missing value (not stated, none stated), translated."""
    partnership, sectors, members, targets, not_stated, none_stated = map(escaped, labels)
    why_heading = escaped(why_heading or "")
    rows = []
    for row in partnerships:
        cells = row.cells
        declared = escaped(cells.declared) if cells.declared else ""
        if declared and cells.member_countries:
            declared += f" ({escaped(cells.member_countries)})"
        rows.append(
            PARTNERSHIP_ROW.format(
                partnership=partnership,
                url=escaped(cells.url),
                name=escaped(cells.name),
                kind=escaped(cells.kind),
                sectors_label=sectors,
                sectors=escaped(cells.sectors),
                members=members,
                declared=declared or NOT_STATED.format(not_stated),
                targets_label=targets,
                targets=escaped(cells.targets) if cells.targets else NOT_STATED.format(none_stated),
                why=f'<td data-label="{why_heading}">{escaped(row.why)}</td>'
                if why_heading
                else "",
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag
def outcome_table_labels() -> dict[str, str]:
    """An outcome table's column labels (and ``no_date``) in the active language, translated
    once per language rather than in each table: a partnership's page shows one per type. Safe,
    as ``{% translate "…" %}`` makes them."""
    return _outcome_table_labels(get_language())


@translation.kept_per_language(maxsize=16)
def _outcome_table_labels(language) -> dict[str, str]:
    # The argument is only the key: gettext() reads the active language itself.
    return {
        name: mark_safe(gettext(text))
        for name, text in (
            ("outcome", "Outcome"),
            ("type", "Type"),
            ("partnership", "Partnership"),
            ("country", "Country"),
            ("date", "Date"),
            ("no_date", "Date not given in the source"),
        )
    }


# An outcome table's row (templates/outcomes/includes/_outcome_table.html): its cells from
# outcomes/rows.py, its labels from ``outcome_table_labels``.
OUTCOME_ROW = """
      <tr>
        <td data-label="{outcome_label}"><a href="{url}">{title}</a>{city}</td>
        <td data-label="{type_label}">{type}{level}{subtype}</td>
        {partnership}
        <td data-label="{country_label}">{country}</td>
        <td data-label="{date_label}">{date}</td>
      </tr>
    """
SMALL = '<div class="small text-body-secondary">{}</div>'


@register.simple_tag
def outcome_table_rows(outcomes, show_partnership, labels) -> str:
    """The rows of an outcome table, written in Python from the cells of outcomes/rows.py: a row
    through the template engine cost about 50 µs, and a partnership's page shows a hundred.
    ``outcomes`` as ``table_rows()`` takes them; ``labels`` as ``outcome_table_labels`` gives
    them."""
    label = {name: escaped(text) for name, text in labels.items()}
    rows = []
    for row in outcome_table_rows_of(outcomes, with_partnership=bool(show_partnership)):
        if row.date:
            date = f'<time datetime="{escaped(row.date)}">{escaped(row.date_text)}</time>'
        else:
            # As {{ row.year }} writes it: localized.
            date = (
                escaped(localize(row.year))
                if row.year
                else f'<span class="text-body-secondary">{label["no_date"]}</span>'
            )
        rows.append(
            OUTCOME_ROW.format(
                outcome_label=label["outcome"],
                url=escaped(row.url),
                title=escaped(row.title_html),
                city=SMALL.format(escaped(row.city)) if row.city else "",
                type_label=label["type"],
                type=escaped(row.type),
                level=f" · {escaped(row.level)}" if row.level else "",
                subtype=SMALL.format(escaped(row.subtype)) if row.subtype else "",
                partnership=(
                    f'<td data-label="{label["partnership"]}">'
                    f'<a href="{escaped(row.partnership_url)}">{escaped(row.partnership)}</a>'
                    "</td>"
                )
                if show_partnership
                else "",
                country_label=label["country"],
                country=(
                    f'<a href="{escaped(row.country_url)}">{escaped(row.country)}</a> '
                    f'<span class="text-body-secondary">({escaped(row.country_code)})</span>'
                )
                if row.country_code
                else "—",
                date_label=label["date"],
                date=date,
            )
        )
    return mark_safe("".join(rows))


BAR_ROW = 22  # pixels per bar in the SVG bar charts
BAR_SPACE = 330  # pixels for the longest bar


@register.filter
def bar_y(index) -> int:
    return index * BAR_ROW


@register.filter
def bar_chart_height(rows) -> int:
    return max(rows, 1) * BAR_ROW + 4


@register.filter
def bar_width(value, maximum) -> float:
    return round(BAR_SPACE * value / maximum, 1) if maximum else 0


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes, for "blocked for 15 minutes"."""
    return round(duration.total_seconds() / 60)


@register.simple_tag
def link(url: str, text: str, **attrs: str) -> str:
    """An <a> to give a {% blocktranslate %} as a variable, so that its message holds no markup.

    `{% link url _("statistics") as statistics_link %}` then `{% blocktranslate %}the
    {{ statistics_link }} have the figures{% endblocktranslate %}`: the translator moves the link
    as one word. The text and attributes are escaped.
    """
    extra = format_html_join("", ' {}="{}"', ((k.replace("_", "-"), v) for k, v in attrs.items()))
    return format_html('<a href="{}"{}>{}</a>', url, extra, text)


@register.filter
def links(objects) -> str:
    """Objects as links to their pages, separated by commas, to give a {% blocktranslate %}."""
    return format_html_join(
        ", ", '<a href="{}">{}</a>', ((o.get_absolute_url(), o) for o in objects)
    )


WEB_URL = re.compile(r"https?://", re.IGNORECASE)


@register.inclusion_tag("includes/_external_link.html")
def external_link(url) -> dict[str, Any]:
    """A link to a stored web address; anything but http(s) is shown as text, never as a link.

    The forms and imports refuse other schemes, but a javascript: URL that reached the database
    some other way (a shell, a restore) must not become a live link on a public page.
    """
    return {"url": url, "is_web": bool(WEB_URL.match(url or ""))}


@register.simple_tag(takes_context=True)
def check_options(context, field, inline_class="") -> str:
    """The boxes of a checkbox or radio field, drawn as crispy-bootstrap5 draws them, in Python.

    crispy-bootstrap5's radio_checkbox_select.html renders each option through the template
    engine (a loop, an include for its attributes, a dozen lookups): about half a millisecond per
    box, and a list page shows a hundred or more. This writes the same markup for some
    tens of microseconds each; templates/bootstrap5/layout/radio_checkbox_select.html calls it.
    """
    invalid = bool(field.errors)
    box = (
        f'<div class="form-check{" form-check-inline" if inline_class else ""}">'
        ' <input type="{}"'
        f' class="form-check-input{" is-invalid" if invalid else ""}"'
        f'  name="{escaped(field.html_name)}" value="{{}}" {{}}>'
        ' <label for="{}" class="form-check-label">{}</label> '
    )
    groups = optgroups(field)
    boxes = []
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            boxes.append(f"<strong>{escaped(group)}</strong>")
        for number, option in enumerate(options, start=1):
            attrs = option["attrs"]
            html = box.format(
                escaped(option["type"]),
                escaped(option["value"]),
                _flat_attrs(attrs),
                escaped(attrs.get("id", "")),
                escaped(option["label"]),
            )
            # The field's messages go inside the last box, as in crispy-bootstrap5.
            if (
                invalid
                and not inline_class
                and (number, group_number) == (len(options), len(groups))
            ):
                html += get_template("bootstrap5/layout/field_errors_block.html").render(
                    {"form_show_errors": context.get("form_show_errors"), "field": field}
                )
            boxes.append(html + " </div>")
    return mark_safe(" ".join(boxes))


def _flat_attrs(attrs):
    """An option's attributes as crispy-bootstrap5's attrs.html writes them: ` id="…" checked`."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class CaptureNode(template.Node):
    def __init__(self, nodelist, name) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # Already rendered (and escaped) by the template: kept as the markup it is.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: what is inside, rendered once, as ``name``.

    base.html uses it to write a page's ``title`` and ``description`` blocks into the ``<title>``,
    the description and the Open Graph card without the page writing them twice (a block can be
    rendered only once).
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Write {% capture as name %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


# As json_script escapes: no "</script>" or "<!--" can end the block early.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context, obj) -> str:
    """The schema.org description of ``obj``'s page (portal/structured_data.py) as a JSON-LD block.

    A data block, never run: the Content-Security-Policy, which refuses inline scripts, does not
    apply to it.
    """
    description = structured_data.describe(obj, context["request"])
    if description is None:
        return ""
    data = json.dumps(description, ensure_ascii=False, cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(data.translate(JSON_ESCAPES))
    )


@register.inclusion_tag("includes/_cite.html", takes_context=True)
def cite_this(context, title) -> dict[str, Any]:
    """ "Cite this": the page's permanent address (its canonical state: filters in one order, nothing
    else) and its citation as text, BibTeX and CSL-JSON."""
    from portal.context_processors import SITE_NAME

    request = context["request"]
    key = getattr(request, "page_key", None) or request.path
    citation = Citation(
        title=str(title),
        publisher=str(SITE_NAME),
        address=request.build_absolute_uri(key),
        accessed=timezone.localdate(),
        # The day in the portal's time zone, as the footer's "Data last updated" says it.
        as_of=timezone.localdate(updated) if (updated := data_cache.data_updated_at()) else None,
    )
    return {"citation": citation}


@register.filter
def translated(obj, field: str) -> str:
    """``obj``'s curated ``field`` in the reader's language; the English fallback in
    ``<span lang="en">`` with a small "(in English)" (core/translated.py)."""
    return translation.translated(obj, field)


@register.filter
def translated_plain(obj, field: str) -> str:
    """The same as text, for a title, a meta description or an attribute: no markup."""
    return translation.translation_of(obj, field) or translation.original(obj, field)


@register.filter
def translated_block(obj, field: str) -> str:
    """A curated text of paragraphs (a description) in the reader's language, ``linebreaks``-ed;
    the English fallback in ``<div lang="en">`` followed by the note."""
    text = translation.translation_of(obj, field)
    english = translation.original(obj, field)
    if text or translation.reader_language() == translation.source_language() or not english:
        return linebreaks(text or english, autoescape=True)
    return format_html(
        '<div lang="{}">{}</div><p class="small text-body-secondary fallback-note">{}</p>',
        translation.source_language(),
        linebreaks(english, autoescape=True),
        translation.fallback_note(),
    )


# Markup kept per fragment: a page's address is among the values some fragments are kept for.
KEPT_PER_FRAGMENT = 1024
_fragments: "weakref.WeakSet[OncePerLanguageNode]" = weakref.WeakSet()


def forget_kept_markup(**kwargs) -> None:
    """Every fragment's kept markup, and the figures written: after a setting changes (the
    addresses, names and number formats they hold may have), and before each test."""
    for fragment in list(_fragments):
        fragment.kept.clear()
    _figure.cache_clear()  # A setting may change how numbers are written.


setting_changed.connect(forget_kept_markup, dispatch_uid="portal-forget-kept-markup")


class OncePerLanguageNode(template.Node):
    # Not searched for blocks by {% extends %} on every render (the tag refuses blocks inside).
    child_nodelists = ()

    def __init__(self, nodelist, values) -> None:
        self.nodelist, self.values = nodelist, values
        self.kept: dict[tuple, str] = {}
        _fragments.add(self)

    def render(self, context) -> str:
        key = (get_language(), *(value.resolve(context) for value in self.values))
        markup = self.kept.get(key)
        if markup is None:
            markup = self.nodelist.render(context)
            if len(self.kept) >= KEPT_PER_FRAGMENT:
                self.kept.pop(next(iter(self.kept)), None)
            self.kept[key] = markup
        return markup


@register.tag
def once_per_language(parser, token) -> OncePerLanguageNode:
    """``{% once_per_language value ... %}…{% endonce_per_language %}``: markup rendered once per
    process for each language and each set of the values named, then reused.

    For what depends on nothing else: no data (a value may be data only if it is what is shown, as
    the footer's date), no block, nothing set for later (``as name``). Every page's shell (its
    icons, header and footer) cost a millisecond a page rendered each time.
    """
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endonce_per_language",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% once_per_language %} cannot hold a {% block %}.")
    return OncePerLanguageNode(nodelist, values)
