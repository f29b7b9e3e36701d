"""Recording upload bodies, read as a stream: raw audio, or the file part of a multipart form.

Corti's SDK sends the audio as the raw body (``application/octet-stream`` with a
``Content-Disposition: attachment; filename=...``); curl and browser forms send
``multipart/form-data``. Either way the bytes go to storage chunk by chunk as they arrive::

    body = await open_upload(request)
    await blobs.save(key, body.chunks, max_bytes=limit)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from scribe.api.multipart import (
    FILENAME_CHARS,
    StreamingForm,
    boundary_of,
    check_content_type,
    is_multipart,
)
from scribe.api.types import text_problem
from scribe.errors import BadRequestError

# Form fields before the file are read and dropped; this bounds how much of that we accept.
MAX_BYTES_BEFORE_FILE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class UploadBody:
    chunks: AsyncIterator[bytes]
    content_type: str | None
    filename: str | None


async def open_upload(request: Request) -> UploadBody:
    """The upload's bytes and what the client said about them (type, file name)."""
    content_type = request.headers.get("content-type")
    if not is_multipart(content_type):
        filename = _filename(request.headers.get("content-disposition", ""))
        return UploadBody(request.stream(), check_content_type(content_type), filename)
    form = StreamingForm(
        request.stream(),
        boundary_of(content_type or ""),
        is_file=_carries_file,
        field_bytes=MAX_BYTES_BEFORE_FILE,
    )
    await form.find_file("The multipart body has no file part")
    return UploadBody(form.chunks(), form.content_type, form.filename)


def _carries_file(name: str, filename: str | None, content_type: str | None) -> bool:
    """A file is a part with a file name, or one that says it is not plain text."""
    return bool(filename) or bool(content_type and not content_type.startswith("text/plain"))


def _filename(disposition: str) -> str | None:
    _, options = parse_options_header(disposition)
    name = options.get(b"filename")
    filename = name.decode("utf-8", "replace")[:FILENAME_CHARS] if name else None
    if filename and text_problem(filename):
        raise BadRequestError("The file name must not contain NUL characters")
    return filename
