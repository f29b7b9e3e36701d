"""Corti API v2, its OpenID login and the audio stream.

The stream is a WebSocket, so its errors are close frames; a handshake the edge refuses (431,
429) is answered as HTTP, in Corti's error shape like the rest of the API.
"""

from scribe.api.corti.auth import has_valid_credentials, login_router, render_login_error
from scribe.api.corti.errors import render
from scribe.api.corti.router import router
from scribe.api.corti.stream import router as stream_router
from scribe.api.dialects import Dialect, Mount

DIALECT = Dialect(
    "corti",
    (
        Mount(login_router, render_login_error),
        Mount(router, render, has_valid_credentials),
        Mount(stream_router, render),
    ),
)
