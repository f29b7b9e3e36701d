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

from starlette.requests import Request

from scribe.api.multipart import StreamingForm, boundary_of, is_multipart
from scribe.errors import BadRequestError

FIELD_BYTES = 1024 * 1024


def _is_file(name: str, filename: str | None, content_type: str | None) -> bool:
    return name == "file" or filename is not None


async def open_form(request: Request) -> StreamingForm:
    """Start reading a ``/listen`` body; refuses anything but multipart with a file part."""
    content_type = request.headers.get("content-type") or ""
    if not is_multipart(content_type):
        raise BadRequestError("The body must be multipart/form-data (request_parameters, file)")
    form = StreamingForm(
        request.stream(), boundary_of(content_type), is_file=_is_file, field_bytes=FIELD_BYTES
    )
    await form.find_file("file is required (a multipart part with the audio)")
    return form
