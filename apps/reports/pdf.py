"""HTML → PDF with WeasyPrint, in memory.

A worker has no request and must never fetch over HTTP (DESIGN: failures): stylesheets are
read from disk through the staticfiles finders, and any other URL fails the render rather
than producing a report without its styles. Fonts are the system's (DejaVu)."""

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Relative URLs in the PDF templates ("/static/...", from {% static %}) resolve against this.
BASE_URL = "file:///"


class StaticFileFetcher(URLFetcher):
    """Serves `STATIC_URL` paths from the static files on disk; refuses everything else."""

    def __init__(self):
        # fail_on_errors: a missing stylesheet stops the render (the report fails with the
        # reason) instead of leaving an unstyled document.
        super().__init__(fail_on_errors=True, allowed_protocols=("file",))

    def fetch(self, url, headers=None):
        path = unquote(urlsplit(url).path)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if urlsplit(url).scheme != "file" or not path.startswith(prefix):
            raise ValueError(f"PDF reports read static files only, not {url}")
        relative = path.removeprefix(prefix)
        if ".." in Path(relative).parts:
            raise ValueError(f"Refused path {url}")
        found = finders.find(relative)
        if not found:
            raise FileNotFoundError(f"Static file not found: {relative}")
        mime, _ = mimetypes.guess_type(found)
        return URLFetcherResponse(
            url,
            Path(found).read_bytes(),
            headers={"Content-Type": mime or "application/octet-stream"},
        )


class ReportRenderError(Exception):
    """The PDF could not be made (e.g. a stylesheet is missing)."""


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> RenderedPdf:
    """Lay out and write the PDF (the slow part: all of it in WeasyPrint)."""
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFileFetcher()).render()
    except FatalURLFetchingError as exc:
        # WeasyPrint's fatal fetch error is a BaseException; make it an ordinary failure.
        raise ReportRenderError(f"{exc}: {exc.__cause__}") from exc
    return RenderedPdf(data=document.write_pdf(), pages=len(document.pages))
