"""The URL fetcher of the PDF renderer: static files from disk, nothing else.

A worker has no request and must never fetch over HTTP (DESIGN: failures): stylesheets are
read through the staticfiles finders, and any other URL fails the render rather than
producing a report without its styles. Imported by `apps.reports.pdf.html_to_pdf` only, in
the worker: it loads WeasyPrint, which a web process never needs."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse


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
