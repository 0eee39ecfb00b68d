"""What an evidence file is, judged by its content (DESIGN: "size and type limited").

The name a browser sends and the type it claims are the uploader's word; here the bytes
decide. A file is accepted only if its content is one of the accepted kinds *and* its name
ends with an extension of that kind, so an executable renamed ``report.pdf`` is refused, and
so is a real PNG named ``report.pdf`` (it would download under a misleading name).
"""

import codecs
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat

from apps.core.errors import DomainError

CHUNK = 64 * 1024
# filetype looks at most at the first 8 KiB.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG", "image/png", (".png",))
JPEG = Kind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
TXT = Kind("TXT", "text/plain; charset=utf-8", (".txt",))
CSV = Kind("CSV", "text/csv; charset=utf-8", (".csv",))
DOCX = Kind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ACCEPTED = (PDF, PNG, JPEG, TXT, CSV, DOCX, XLSX)
ACCEPTED_LABELS = ", ".join(k.label for k in ACCEPTED)
ACCEPT_ATTRIBUTE = ",".join(ext for k in ACCEPTED for ext in k.extensions)
_BY_MIME = {"application/pdf": PDF, "image/png": PNG, "image/jpeg": JPEG}
_ZIP_MIMES = {"application/zip", DOCX.content_type, XLSX.content_type}
# An Office Open XML package keeps its main part in word/ (documents) or xl/ (workbooks).
_OOXML_FOLDER = {DOCX: "word/", XLSX: "xl/"}


@dataclass(frozen=True)
class CheckedFile:
    """An accepted upload: its kind, a safe original name, size and SHA-256."""

    kind: Kind
    original_name: str
    size: int
    sha256: str


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="file")


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def _sniff(upload: UploadedFile) -> tuple[bytes, str]:
    """The first bytes and the SHA-256 of the whole file, read once in chunks."""
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    upload.seek(0)
    return head, digest.hexdigest()


def _is_utf8_text(upload: UploadedFile) -> bool:
    """Plain text: the whole file decodes as UTF-8 and holds no NUL byte (binary formats
    nearly always do; text never should)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in upload.chunks(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _ooxml_kind(upload: UploadedFile) -> Kind | None:
    """DOCX or XLSX for a ZIP holding a word/ or xl/ part; None for any other ZIP."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    for kind, folder in _OOXML_FOLDER.items():
        if "[Content_Types].xml" in names and any(n.startswith(folder) for n in names):
            return kind
    return None


def _content_kind(upload: UploadedFile, head: bytes, extension: str) -> Kind | None:
    guessed = filetype.guess(head)
    if guessed is None:
        # Text has no magic number: trust the .txt/.csv name only if the bytes are text.
        if extension in TXT.extensions + CSV.extensions and _is_utf8_text(upload):
            return TXT if extension in TXT.extensions else CSV
        return None
    if guessed.mime in _ZIP_MIMES:
        return _ooxml_kind(upload)
    return _BY_MIME.get(guessed.mime)


def _describe(head: bytes) -> str:
    guessed = filetype.guess(head)
    if guessed is None:
        return "not one of the accepted types"
    if guessed.extension in ("exe", "elf"):
        return f"an executable program ({guessed.extension.upper()})"
    return f"{guessed.extension.upper()} ({guessed.mime})"


def _size(n: int) -> str:
    """Both readable and exact, so "10.0 MB" over a 10.0 MB limit still makes sense."""
    return f"{filesizeformat(n)} ({n:,} bytes)".replace("\xa0", " ")


def clean_original_name(name: str) -> str:
    """The upload's base name without any path, control characters or quotes, kept short
    enough for the column (with its extension)."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"\\/')
    if len(base) > 200:
        stem, ext = base[: 200 - len(_extension(base))], _extension(base)
        base = stem + ext
    return base.strip() or "evidence"


def evidence_file_check(upload: UploadedFile) -> CheckedFile:
    """Accept the upload or raise DomainError(field="file") saying why, in words a CISO can
    act on: too big, empty, or not one of the accepted types (by content and name)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise _refuse("The file is empty.")
    if upload.size > limit:
        raise _refuse(
            f"The file is too big: {_size(upload.size)}. Evidence files may be at most "
            f"{_size(limit)}."
        )
    name = clean_original_name(upload.name or "")
    extension = _extension(name)
    accepted_extensions = {ext for k in ACCEPTED for ext in k.extensions}
    if extension not in accepted_extensions:
        raise _refuse(
            f"“{name}” is not an accepted type. Accepted: {ACCEPTED_LABELS} (up to {_size(limit)})."
        )
    head, sha256 = _sniff(upload)
    kind = _content_kind(upload, head, extension)
    if kind is None:
        raise _refuse(
            f"“{name}” is named like a {extension[1:].upper()} file, but its content is "
            f"{_describe(head)}. Accepted: {ACCEPTED_LABELS}."
        )
    if extension not in kind.extensions:
        raise _refuse(
            f"“{name}” contains a {kind.label} file but is named {extension}. Rename it "
            f"to end with {kind.extensions[0]} and upload it again."
        )
    return CheckedFile(kind=kind, original_name=name, size=upload.size, sha256=sha256)


_WEB_URL = URLValidator(schemes=["http", "https"])


def evidence_url_check(url: str) -> str:
    """A link is evidence only over http or https (no javascript:, file: or data: URLs,
    which a download page would turn into an attack), to a host that can exist: Django's
    URLValidator checks the host is a valid domain name or IP address (no spaces)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise DomainError("Links must start with http:// or https://.", field="url")
    if len(url) > 500:
        raise DomainError("Links may be at most 500 characters.", field="url")
    try:
        _WEB_URL(url)
    except ValidationError as exc:
        raise DomainError(
            f"“{url}” is not a valid web address: it needs a host such as www.agency.gov or "
            "an IP address after the scheme, and no spaces (write a space in a path as %20).",
            field="url",
        ) from exc
    return url
