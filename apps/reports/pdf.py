"""HTML → PDF with WeasyPrint, in memory, static files read from disk
(apps.reports.fetcher). Fonts are the system's (DejaVu).

WeasyPrint is imported when a PDF is laid out, not with this module: the web processes
import the reports app (its views queue reports) and would otherwise each spend over a
second loading a renderer only the workers use."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

# Relative URLs in the PDF templates ("/static/...", from {% static %}) resolve against this.
BASE_URL = "file:///"


class ReportRenderError(Exception):
    """The PDF could not be made (e.g. a stylesheet is missing)."""


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str, on_laid_out: Callable[[int], None] | None = None) -> RenderedPdf:
    """Lay out and write the PDF (the slow part: all of it in WeasyPrint). `on_laid_out` is
    told the number of pages between layout (most of the time) and writing."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from apps.reports.fetcher import StaticFileFetcher

    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher()).render()
    except FatalURLFetchingError as exc:
        # WeasyPrint's fatal fetch error is a BaseException; make it an ordinary failure.
        raise ReportRenderError(f"{exc}: {exc.__cause__}") from exc
    if on_laid_out is not None:
        on_laid_out(len(document.pages))
    return RenderedPdf(data=document.write_pdf(), pages=len(document.pages))
