"""What can go wrong reaching a client-given URL; each is a ScribeError with a stable code.

A request handler lets them become a 400 in its dialect's shape; a job turns them into a failed
job or an error callback. Messages name the reason and at most the host, never the query string
(it may carry a token or a patient id).
"""

from __future__ import annotations

from scribe.errors import BadRequestError


class URLNotAllowedError(BadRequestError):
    """The URL is not http(s), or its host is (or resolves to) a non-public address."""

    code = "url_not_allowed"


class TooManyRedirectsError(BadRequestError):
    code = "too_many_redirects"


class DownloadError(BadRequestError):
    """The file could not be fetched: an error status, a dropped connection, a timeout."""

    code = "download_failed"


class DownloadTimeoutError(DownloadError):
    code = "download_timeout"


class NotAudioError(DownloadError):
    status_code = 415
    code = "not_audio"


class FileTooLargeError(DownloadError):
    status_code = 413
    code = "file_too_large"
