"""A4 PDF documents of any page's selection, made with WeasyPrint from the portal's own HTML.

A ``Document`` is what a page puts on paper: its title, the filters in words
(its ``About``), headline figures, maps and charts (the server's own SVG, as on
the page), and tables. ``pdf_response`` renders templates/pdf/document.html
with the print stylesheet static/css/report.css: the source and date in every
page's footer, page numbers. WeasyPrint fetches nothing from outside: the
stylesheet is read from disk and any other address in the HTML is refused, so
stored text cannot make the server request a URL.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.exports import About, refuse_beyond

FORMAT = "pdf"
# More rows than this make a PDF nobody reads (40 pages) and a wait; a file is the answer.
PDF_ROW_LIMIT = 2000
STYLESHEET = "css/report.css"
SVG_STYLESHEET = "css/report-svg.css"


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    """A chart as templates/includes/_bar_chart.html draws it."""

    slug: str
    title: str
    unit: str
    rows: list[Bar]

    @property
    def maximum(self) -> int:
        return max((row.value for row in self.rows), default=0)


@dataclass(frozen=True)
class Document:
    about: About
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (label, number)
    maps: list[dict] = field(default_factory=list)  # each as _world_map.html takes it
    charts: list[Any] = field(default_factory=list)  # each as _bar_chart.html takes it
    tables: list[Table] = field(default_factory=list)
    lead: str = ""


PDF_TOO_LONG = gettext_lazy(
    "A PDF holds at most %(limit)s rows and this selection has %(count)s. "
    "Download it as XLSX or CSV (export=xlsx or export=csv), or narrow the filters."
)


def check_rows(count: int) -> None:
    """Refuse a PDF of more than PDF_ROW_LIMIT rows, saying what to do instead."""
    refuse_beyond(PDF_ROW_LIMIT, count, PDF_TOO_LONG)


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"A report fetches nothing: {url[:80]}")


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=_refuse_fetch)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[stylesheet])


def pdf_response(request: HttpRequest, document: Document, stem: str) -> HttpResponse:
    with open(finders.find(SVG_STYLESHEET), encoding="utf-8") as svg_style:
        context = {"document": document, "svg_style": svg_style.read()}
    html = render_to_string("pdf/document.html", context, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    filename = f"{stem}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
