"""Reading what the reports made: the stored bytes, parsed by pypdf."""

import io
import re
import subprocess
import time
from pathlib import Path

from pypdf import PdfReader

from apps.portal.formatting import pct as portal_pct
from apps.portal.formatting import ratio
from apps.reports.builders.common import PCT_DIGITS
from apps.reports.models import Report

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "reports"


def pct(value: float | None) -> str:
    """A percentage as the reports print it: the portal's filter, with one decimal."""
    return portal_pct(value, PCT_DIGITS)


spi = ratio  # SPI as the reports print it: the portal's, truncated (0.748 reads 0.74)


def pdf_bytes(report: Report) -> bytes:
    report.refresh_from_db()
    with report.file.open("rb") as f:
        return f.read()


def page_texts(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    # Extracted text breaks lines at layout; collapse whitespace so phrases match.
    return reader, [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def outline_titles(reader: PdfReader) -> list[str]:
    """The top-level bookmarks (the sections), in order; nested ones are left out."""
    return [item.title for item in reader.outline if not isinstance(item, list)]


def nested_titles(reader: PdfReader) -> list[str]:
    return [i.title for items in reader.outline if isinstance(items, list) for i in items]


def save_pngs(data: bytes, name: str, pages: list[int], dpi: int = 70) -> list[Path]:
    """Page images for looking at (tests/artifacts/reports/, git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    made = []
    for page in pages:
        prefix = ARTIFACTS / f"{name}-p{page}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
             "-singlefile", str(pdf), str(prefix)],
            check=True, timeout=60,
        )  # fmt: skip
        made.append(prefix.with_suffix(".png"))
    return made


def wait_for_status(report: Report, statuses: set[str], timeout: float = 60) -> Report:
    """The report once a worker has brought it to one of `statuses`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report #{report.pk} still {report.status} after {timeout} s")
