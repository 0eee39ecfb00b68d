"""Reading and validating the KEV feed (pure apart from fetching the bytes)."""

import json
import urllib.request
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator

from apps.core.errors import ImportRejected
from apps.core.fixtures import fixture_path

FETCH_TIMEOUT_SECONDS = 60
MAX_FEED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class KevEntry:
    cve_id: str
    vendor_project: str
    product: str
    name: str
    date_added: date
    short_description: str
    required_action: str
    due_date: date
    known_ransomware_use: bool
    notes: str
    cwes: list[str]


@dataclass(frozen=True)
class KevCatalog:
    catalog_version: str
    entries: list[KevEntry]


@cache
def _validator() -> Draft7Validator:
    schema = json.loads(fixture_path("known_exploited_vulnerabilities_schema.json").read_text())
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def fetch_feed(source: str) -> bytes:
    """The feed's bytes from an http(s) URL or a file path."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT_SECONDS) as response:
                data = response.read(MAX_FEED_BYTES + 1)
        else:
            data = Path(source.removeprefix("file://")).read_bytes()
    except OSError as exc:
        raise ImportRejected(f"Cannot read the feed at {source}: {exc}") from exc
    if len(data) > MAX_FEED_BYTES:
        raise ImportRejected(f"The feed is larger than {MAX_FEED_BYTES} bytes.")
    return data


def _where(error) -> str:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "vulnerabilities":
        text = f"entry {path[1]}"
        if len(path) > 2:
            text += f" field {'.'.join(str(p) for p in path[2:])}"
        return text
    return "field " + ".".join(str(p) for p in path) if path else "top level"


def parse_kev(data: bytes) -> KevCatalog:
    """Validate a KEV catalog against its published schema and return its entries.

    Raises ImportRejected naming the entry (index and cveID) and the field at fault."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected(f"The feed is not valid JSON: {exc}") from exc
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = _where(first)
        path = list(first.absolute_path)
        if len(path) >= 2 and path[0] == "vulnerabilities":
            cve = (
                document["vulnerabilities"][path[1]].get("cveID", "?")
                if isinstance(document["vulnerabilities"][path[1]], dict)
                else "?"
            )
            where += f" ({cve})"
        more = f" ({len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise ImportRejected(f"Schema check failed at {where}: {first.message}{more}")

    items = document["vulnerabilities"]
    if document["count"] != len(items):
        raise ImportRejected(
            f"The catalog says count={document['count']} but holds {len(items)} entries "
            "(truncated or altered file)."
        )
    seen: dict[str, int] = {}
    entries = []
    for index, item in enumerate(items):
        cve = item["cveID"]
        if cve in seen:
            raise ImportRejected(f"entry {index} ({cve}) repeats entry {seen[cve]}.")
        seen[cve] = index
        entries.append(
            KevEntry(
                cve_id=cve,
                vendor_project=item["vendorProject"],
                product=item["product"],
                name=item["vulnerabilityName"],
                date_added=date.fromisoformat(item["dateAdded"]),
                short_description=item["shortDescription"],
                required_action=item["requiredAction"],
                due_date=date.fromisoformat(item["dueDate"]),
                known_ransomware_use=item.get("knownRansomwareCampaignUse", "") == "Known",
                notes=item.get("notes", ""),
                cwes=list(item.get("cwes", [])),
            )
        )
    return KevCatalog(catalog_version=document["catalogVersion"], entries=entries)
