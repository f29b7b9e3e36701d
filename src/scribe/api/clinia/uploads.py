"""The multipart form of POST /ai/v1/ingest, read as a stream: ``patientId`` plus a ``file``.

The file goes to storage chunk by chunk as it arrives; ``patientId`` may come before or after it
(clients order form fields as they like), so the form is read to its end before the ingestion
is recorded, and the stored file is dropped again if the form turns out to be incomplete::

    form = MultipartForm(request.stream(), boundary)
    await form.find_file()
    await blobs.save(key, form.file_chunks(), max_bytes=limit)
    await form.finish()
    form.fields["patientId"]
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from scribe.errors import BadRequestError, PayloadTooLargeError

# Text fields are short (an id); this bounds what the form may hold besides the file.
MAX_FIELD_BYTES = 64 * 1024


def boundary_of(content_type: str) -> bytes:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequestError("The multipart body has no boundary")
    return boundary


class MultipartForm:
    """Text fields into ``fields``; the first part carrying a file streamed through."""

    def __init__(self, stream: AsyncIterator[bytes], boundary: bytes) -> None:
        self._stream = stream.__aiter__()
        self._pending: deque[bytes] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]
        self._part: str | None = None  # a field's name, "\0file" for the file part
        self._value = bytearray()
        self._file_state = "searching"  # then "file", then "done"
        self._field_bytes = 0
        self.fields: dict[str, str] = {}
        self.content_type: str | None = None
        self.filename: str | None = None
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
            },
        )

    async def find_file(self) -> None:
        """Read up to the file part's first bytes; a form without a file is a 400."""
        while self._file_state == "searching":
            if not await self._feed():
                raise BadRequestError("The multipart body has no file part (field 'file')")

    async def file_chunks(self) -> AsyncIterator[bytes]:
        while True:
            while self._pending:
                yield self._pending.popleft()
            if self._file_state == "done":
                return
            if not await self._feed():
                raise BadRequestError("The multipart body ended in the middle of the file")

    async def finish(self) -> None:
        """Read the rest of the form, for fields sent after the file."""
        while await self._feed():
            self._pending.clear()

    async def _feed(self) -> bool:
        chunk = await anext(self._stream, None)
        if not chunk:
            return chunk is not None
        try:
            self._parser.write(chunk)
        except MultipartParseError:
            raise BadRequestError("The multipart body is malformed") from None
        return True

    def _on_part_begin(self) -> None:
        self._headers.clear()
        self._part = None
        self._value.clear()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._header[0].lower()] = self._header[1]
        self._header = [b"", b""]

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if filename is not None and self._file_state == "searching":
            self._part, self._file_state = "\0file", "file"
            self.filename = filename.decode("utf-8", "replace")[:512] or None
            self.content_type = self._headers.get(b"content-type", b"").decode("latin-1") or None
        elif filename is None:
            self._part = options.get(b"name", b"").decode("utf-8", "replace")

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "\0file":
            self._pending.append(data[start:end])
        elif self._part is not None:
            self._field_bytes += end - start
            if self._field_bytes > MAX_FIELD_BYTES:
                raise PayloadTooLargeError("The form's text fields are too large")
            self._value += data[start:end]

    def _on_part_end(self) -> None:
        if self._part == "\0file":
            self._file_state = "done"
        elif self._part:
            self.fields[self._part] = self._value.decode("utf-8", "replace")
