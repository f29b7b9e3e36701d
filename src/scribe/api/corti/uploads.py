"""Recording upload bodies, read as a stream: raw audio, or the file part of a multipart form.

Corti's SDK sends the audio as the raw body (``application/octet-stream`` with a
``Content-Disposition: attachment; filename=...``); curl and browser forms send
``multipart/form-data``. Either way the bytes go to storage chunk by chunk as they arrive::

    body = await open_upload(request)
    await blobs.save(key, body.chunks, max_bytes=limit)
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

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
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data":
        filename = _filename(request.headers.get("content-disposition", ""))
        return UploadBody(request.stream(), content_type, filename)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequestError("The multipart body has no boundary")
    part = _FilePart(request.stream(), boundary)
    await part.find()
    return UploadBody(part.chunks(), part.content_type, part.filename)


def _filename(disposition: str | bytes) -> str | None:
    _, options = parse_options_header(disposition)
    name = options.get(b"filename")
    return name.decode("utf-8", "replace")[:512] if name else None


class _FilePart:
    """The first part of a multipart body that carries a file, whatever its field name."""

    def __init__(self, stream: AsyncIterator[bytes], boundary: bytes) -> None:
        self._stream = stream.__aiter__()
        self._pending: deque[bytes] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._field = self._value = b""
        self._state = "searching"  # then "file", then "done"
        self._seen = 0
        self.content_type: str | None = None
        self.filename: str | None = None
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._headers.clear,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
            },
        )

    async def find(self) -> None:
        """Read up to the file part's first bytes; a body without a file part is a 400."""
        while self._state == "searching":
            if self._seen > MAX_BYTES_BEFORE_FILE or not await self._feed():
                raise BadRequestError("The multipart body has no file part")

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            while self._pending:
                yield self._pending.popleft()
            if self._state == "done":
                return
            if not await self._feed():
                raise BadRequestError("The multipart body ended in the middle of the file")

    async def _feed(self) -> bool:
        chunk = await anext(self._stream, None)
        if chunk is None:
            return False
        self._seen += len(chunk)
        try:
            self._parser.write(chunk)
        except MultipartParseError as exc:
            raise BadRequestError("The multipart body is malformed") from exc
        return True

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def _on_headers_finished(self) -> None:
        if self._state != "searching":
            return
        filename = _filename(self._headers.get(b"content-disposition", b""))
        part_type = self._headers.get(b"content-type", b"").decode("latin-1") or None
        # A file is a part with a file name, or one that says it is not plain text.
        if filename or (part_type and not part_type.startswith("text/plain")):
            self._state = "file"
            self.filename, self.content_type = filename, part_type

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._state == "file":
            self._pending.append(data[start:end])

    def _on_part_end(self) -> None:
        if self._state == "file":
            self._state = "done"
