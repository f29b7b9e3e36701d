"""The ``/listen`` body: ``multipart/form-data`` with ``request_parameters`` and ``file``.

Read as it arrives: text fields are kept (within a small cap) and the file's bytes are handed on
chunk by chunk, so the audio goes to storage without being held in memory. The parameters may
come before the file (then they are checked before any audio is stored) or after it::

    form = await open_form(request)
    form.fields.get("request_parameters")          # when sent before the file
    await blobs.save(key, form.chunks(), max_bytes=limit)
    fields = await form.rest()                      # every text field of the body
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from scribe.errors import BadRequestError

FIELD_BYTES = 1024 * 1024


def _options(header: bytes) -> dict[bytes, bytes]:
    _, options = parse_options_header(header)
    return options


class ListenForm:
    """A multipart body being read: text fields so far, then the file part's chunks."""

    def __init__(self, stream: AsyncIterator[bytes], boundary: bytes) -> None:
        self._stream = stream.__aiter__()
        self._pending: deque[bytes] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]
        self._part: str | None = None  # the text field being read, or "" for the file
        self._value = bytearray()
        self._state = "before"  # then "file", then "after"
        self.fields: dict[str, str] = {}
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

    async def find_file(self) -> None:
        """Read up to the file's first bytes; a body without a file part is a 400."""
        while self._state == "before":
            if not await self._feed():
                raise BadRequestError("file is required (a multipart part with the audio)")

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive."""
        while True:
            while self._pending:
                yield self._pending.popleft()
            if self._state == "after":
                return
            if not await self._feed():
                raise BadRequestError("The multipart body ended in the middle of the file")

    async def rest(self) -> dict[str, str]:
        """Read the body to its end; every text field, wherever it was."""
        while await self._feed():
            pass
        return self.fields

    async def _feed(self) -> bool:
        chunk = await anext(self._stream, None)
        if chunk is None:
            return False
        try:
            self._parser.write(chunk)
        except MultipartParseError as exc:
            raise BadRequestError("The multipart body is malformed") from exc
        return True

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._header[0].lower()] = self._header[1]
        self._header = [b"", b""]

    def _on_headers_finished(self) -> None:
        disposition = _options(self._headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        is_file = name == "file" or filename is not None
        if is_file and self._state == "before":
            self._state, self._part = "file", ""
            self.filename = filename.decode("utf-8", "replace")[:512] if filename else None
            part_type = self._headers.get(b"content-type", b"").decode("latin-1").strip()
            self.content_type = part_type or None
        else:
            # A second file, or an unknown part, is read and dropped like any extra field.
            self._part = None if is_file else name

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "":
            self._pending.append(data[start:end])
        elif self._part is not None:
            self._value += data[start:end]
            if len(self._value) > FIELD_BYTES:
                raise BadRequestError(f"A form field is larger than {FIELD_BYTES} bytes")

    def _on_part_end(self) -> None:
        if self._part == "":
            self._state = "after"
        elif self._part is not None:
            self.fields[self._part] = self._value.decode("utf-8", "replace")
        self._part, self._value = None, bytearray()


async def open_form(request: Request) -> ListenForm:
    """Start reading a ``/listen`` body; refuses anything but multipart with a file part."""
    media_type, options = parse_options_header(request.headers.get("content-type") or "")
    if media_type != b"multipart/form-data":
        raise BadRequestError("The body must be multipart/form-data (request_parameters, file)")
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequestError("The multipart body has no boundary")
    form = ListenForm(request.stream(), boundary)
    await form.find_file()
    return form
