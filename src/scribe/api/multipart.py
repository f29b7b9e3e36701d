"""Multipart uploads read as a stream: text fields kept (within a cap), one file part passed on.

Every dialect that takes audio or documents as ``multipart/form-data`` (Corti recordings, Nabla
``/listen``, Clinia ingestion) reads it with this, so the file goes to storage chunk by chunk
and never sits whole in memory. Dialects differ only in which part is "the file"::

    form = StreamingForm(request.stream(), boundary_of(content_type), is_file=named("file"))
    await form.find_file("file is required")
    await blobs.save(key, form.chunks(), max_bytes=limit)
    fields = await form.rest()   # text fields sent before or after the file
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Callable

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MAX_BOUNDARY_LENGTH, MultipartParser, parse_options_header

from scribe.api.types import column_length, text_problem
from scribe.errors import BadRequestError, ScribeError
from scribe.recordings.models import Recording

# Which part carries the file: (field name, file name or None, part content type or None).
FilePredicate = Callable[[str, str | None, str | None], bool]
# A file's Content-Type is stored with it (recordings, documents): it must fit the column.
CONTENT_TYPE_CHARS = column_length(Recording.content_type)
FILENAME_CHARS = column_length(Recording.filename)


def boundary_of(content_type: str) -> bytes:
    """The multipart boundary of a Content-Type header; a 400 when there is none."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequestError("The multipart body has no boundary")
    if len(boundary) > MAX_BOUNDARY_LENGTH:  # RFC 2046 allows 70; the parser takes 256
        raise BadRequestError(f"The multipart boundary is over {MAX_BOUNDARY_LENGTH} characters")
    return boundary


def check_content_type(content_type: str | None) -> str | None:
    """A file's declared Content-Type, or a 400 when it could not be stored with the file."""
    if content_type is None:
        return None
    if len(content_type) > CONTENT_TYPE_CHARS or text_problem(content_type):
        raise BadRequestError(
            f"The file's Content-Type must be at most {CONTENT_TYPE_CHARS} characters"
        )
    return content_type


def is_multipart(content_type: str | None) -> bool:
    media_type, _ = parse_options_header(content_type or "")
    return bool(media_type == b"multipart/form-data")


def has_filename(name: str, filename: str | None, content_type: str | None) -> bool:
    return filename is not None


class StreamingForm:
    """A multipart body being read: text fields into ``fields``, the first file part streamed."""

    def __init__(
        self,
        stream: AsyncIterator[bytes],
        boundary: bytes,
        *,
        is_file: FilePredicate = has_filename,
        field_bytes: int = 64 * 1024,
        too_large: type[ScribeError] = BadRequestError,
    ) -> None:
        self._stream = stream.__aiter__()
        self._is_file = is_file
        self._field_limit, self._field_bytes, self._too_large = field_bytes, 0, too_large
        self._pending: deque[bytes] = deque()
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]
        self._part: str | None = None  # a text field's name, "" for the file, None: dropped
        self._value = bytearray()
        self._state = "before"  # then "file", then "after"
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

    async def find_file(self, missing: str) -> None:
        """Read up to the file part's first bytes; a body without one is a 400 (``missing``)."""
        while self._state == "before":
            if not await self._feed():
                raise BadRequestError(missing)

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
            self._pending.clear()
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

    def _on_part_begin(self) -> None:
        self._headers.clear()
        self._part, self._value = None, bytearray()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header[0] += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header[1] += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._header[0].lower()] = self._header[1]
        self._header = [b"", b""]

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        filename = (
            raw_filename.decode("utf-8", "replace")[:FILENAME_CHARS] if raw_filename else None
        )
        if filename and text_problem(filename):
            raise BadRequestError("The file name must not contain NUL characters")
        part_type = self._headers.get(b"content-type", b"").decode("latin-1").strip() or None
        if self._is_file(name, filename if raw_filename is not None else None, part_type):
            if self._state == "before":
                self._state, self._part = "file", ""
                self.filename, self.content_type = filename or None, check_content_type(part_type)
            # A second file is read and dropped.
        else:
            self._part = name

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "":
            self._pending.append(data[start:end])
        elif self._part is not None:
            self._field_bytes += end - start
            if self._field_bytes > self._field_limit:
                raise self._too_large(f"The form's text fields exceed {self._field_limit} bytes")
            self._value += data[start:end]

    def _on_part_end(self) -> None:
        if self._part == "":
            self._state = "after"
        elif self._part:
            value = self._value.decode("utf-8", "replace")
            if text_problem(self._part) or text_problem(value):
                raise BadRequestError("Form fields must not contain NUL characters")
            self.fields[self._part] = value
        self._part = None
