"""What can be read from an uploaded document: its type by its first bytes, its pages' text.

These read files and are CPU-bound: the ingestion job calls them in a worker thread.
There is no OCR engine, so a TIFF (a scan) gives a page count and no text.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from scribe.errors import BadRequestError, ScribeError

logger = logging.getLogger(__name__)

PDF = "application/pdf"
TIFF = "image/tiff"
_MAGIC = {PDF: (b"%PDF-",), TIFF: (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")}
# Enough pages for any record; a cycle in a corrupt TIFF's IFD chain stops here too.
_MAX_TIFF_PAGES = 10_000


class UnreadableDocumentError(ScribeError):
    status_code = 422
    code = "unreadable_document"


class InvalidFileError(BadRequestError):
    """An upload whose first bytes are not the type it claims to be."""

    code = "invalid_file"


@dataclass(frozen=True, slots=True)
class ExtractedText:
    pages: tuple[str, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def check_magic(content_type: str, head: bytes) -> None:
    """Refuse a file whose first bytes are not the type it claims to be."""
    if not head.startswith(_MAGIC[content_type]):
        label = "PDF" if content_type == PDF else "TIFF"
        raise InvalidFileError(f"The file is not a {label} file")


def extract(path: Path, content_type: str) -> ExtractedText:
    """Each page's text (PDF), or as many empty pages as the TIFF holds."""
    if content_type == PDF:
        return _pdf_text(path)
    return ExtractedText(("",) * tiff_page_count(path))


def _pdf_text(path: Path) -> ExtractedText:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableDocumentError("The PDF is encrypted")
        return ExtractedText(tuple(_page_text(page.extract_text()) for page in reader.pages))
    except (PyPdfError, ValueError, KeyError, TypeError, struct.error) as exc:
        logger.warning("pdf extraction failed", extra={"error_type": type(exc).__name__})
        raise UnreadableDocumentError("The PDF could not be read") from exc


def _page_text(text: str | None) -> str:
    return " ".join((text or "").split())


def tiff_page_count(path: Path) -> int:
    """Count the image file directories (one per page) by following the TIFF's IFD chain."""
    with path.open("rb") as handle:
        header = handle.read(16)
        order = "<" if header[:2] == b"II" else ">"
        big = header[2:4] in (b"+\x00", b"\x00+")
        offset = _unpack(order, "Q" if big else "I", header[8:16] if big else header[4:8])
        pages, seen = 0, set()
        while offset and offset not in seen and pages < _MAX_TIFF_PAGES:
            seen.add(offset)
            offset = _next_ifd(handle, order, big, offset)
            pages += 1
        return pages


def _next_ifd(handle: BinaryIO, order: str, big: bool, offset: int) -> int:
    handle.seek(offset)
    count_size, entry_size, pointer = (8, 20, "Q") if big else (2, 12, "I")
    count = _unpack(order, "Q" if big else "H", handle.read(count_size))
    handle.seek(offset + count_size + count * entry_size)
    return _unpack(order, pointer, handle.read(8 if big else 4))


def _unpack(order: str, fmt: str, data: bytes) -> int:
    if len(data) != struct.calcsize(fmt):
        raise UnreadableDocumentError("The TIFF file is truncated")
    value: int = struct.unpack(order + fmt, data)[0]
    return value
