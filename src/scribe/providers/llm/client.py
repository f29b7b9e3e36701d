"""A chat-completions client for any compatible server: retried POSTs and SSE streaming.

Where requests go (``SCRIBE_LLM__BASE_URL``):

- a bare origin gets ``/v1`` appended: ``http://localhost:11434`` → ``…/v1/chat/completions``;
- a URL with a path is used as given: ``https://api.openai.com/v1``, or for Azure
  ``https://<resource>.openai.azure.com/openai/deployments/<deployment>``;
- a URL already ending in ``/chat/completions`` is used as is.

Connect errors, timeouts, 408, 429 and 5xx are retried ``max_retries`` times with exponential
backoff and jitter (honouring a numeric ``Retry-After``); other 4xx fail at once. Every failure
leaves as a ``ProviderError`` subclass; httpx exceptions never escape.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import anyio
import httpx
from pydantic import BaseModel, ValidationError

from scribe.config import LLMSettings
from scribe.providers.base import ProviderError
from scribe.providers.llm.errors import (
    EmptyOutputError,
    InvalidOutputError,
    ProviderRejectedError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from scribe.providers.llm.prompts import Message

_CONNECT_TIMEOUT = 10.0
_MAX_DELAY = 30.0
_RETRY_STATUSES = frozenset({408, 429})


class _Message(BaseModel):
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message


class _Completion(BaseModel):
    choices: list[_Choice]


class _Delta(BaseModel):
    content: str | None = None


class _ChunkChoice(BaseModel):
    delta: _Delta = _Delta()


class _Chunk(BaseModel):
    choices: list[_ChunkChoice] = []
    error: Any = None


def chat_completions_url(base_url: str) -> str:
    """The endpoint for a configured base URL (rule in the module docstring)."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if httpx.URL(base).path in ("", "/"):
        base += "/v1"
    return base + "/chat/completions"


class ChatCompletionsClient:
    """Sends chat-completions requests; built once, closed with ``aclose``."""

    def __init__(
        self, settings: LLMSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        if not settings.base_url:
            raise ValueError("SCRIBE_LLM__BASE_URL is required when SCRIBE_LLM__PROVIDER=openai")
        if not settings.model:
            raise ValueError("SCRIBE_LLM__MODEL is required when SCRIBE_LLM__PROVIDER=openai")
        self._url = chat_completions_url(settings.base_url)
        self._defaults = _defaults(settings, settings.model)
        self._max_retries = settings.max_retries
        self._backoff = settings.retry_backoff_seconds
        self._random = random.Random()
        self._http = httpx.AsyncClient(
            headers=_headers(settings),
            params={"api-version": settings.api_version} if settings.api_version else None,
            timeout=httpx.Timeout(
                settings.timeout_seconds, connect=min(settings.timeout_seconds, _CONNECT_TIMEOUT)
            ),
            transport=transport,
        )

    async def complete(
        self, messages: Sequence[Message], *, response_format: dict[str, Any] | None = None
    ) -> str:
        """Return the answer's text (the first choice's message content)."""
        body = {**self._defaults, "messages": list(messages)}
        if response_format is not None:
            body["response_format"] = response_format
        response = await self._send(body, stream=False)
        return _content(response)

    async def stream(self, messages: Sequence[Message]) -> AsyncGenerator[str, None]:
        """Yield the answer's text increments as the server streams them."""
        body = {**self._defaults, "messages": list(messages), "stream": True}
        response = await self._send(body, stream=True)
        try:
            async for data in _events(response):
                chunk = _chunk(data)
                text = chunk.choices[0].delta.content if chunk.choices else None
                if text:
                    yield text
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, body: dict[str, Any], *, stream: bool) -> httpx.Response:
        attempt = 0
        while True:
            outcome = await self._attempt(body, stream=stream)
            if isinstance(outcome, httpx.Response):
                return outcome
            if not _retryable(outcome) or attempt >= self._max_retries:
                raise outcome
            await anyio.sleep(self._delay(attempt, outcome))
            attempt += 1

    async def _attempt(
        self, body: dict[str, Any], *, stream: bool
    ) -> httpx.Response | ProviderError:
        """The successful response, or the failure to retry or raise."""
        request = self._http.build_request("POST", self._url, json=body)
        try:
            response = await self._http.send(request, stream=stream)
        except httpx.TimeoutException:
            return ProviderTimeoutError("the text provider timed out")
        except httpx.HTTPError as exc:
            return ProviderUnavailableError(f"the text provider is unreachable ({exc!r})")
        if response.is_success:
            return response
        await response.aclose()
        return _status_error(response)

    def _delay(self, attempt: int, failure: ProviderError) -> float:
        delay: float = self._backoff * 2.0**attempt * self._random.uniform(0.5, 1.5)
        retry_after = float(failure.details.get("retry_after", 0.0))
        return min(max(delay, retry_after), _MAX_DELAY)


def _defaults(settings: LLMSettings, model: str) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "temperature": settings.temperature}
    if settings.max_tokens is not None:
        body["max_tokens"] = settings.max_tokens
    return body


def _headers(settings: LLMSettings) -> dict[str, str]:
    if settings.api_key is None:
        return {}
    key = settings.api_key.get_secret_value()
    # Azure OpenAI authenticates API keys with its own header.
    return {"api-key": key} if settings.api_version else {"Authorization": f"Bearer {key}"}


def _status_error(response: httpx.Response) -> ProviderError:
    status = response.status_code
    if status in _RETRY_STATUSES or status >= 500:
        return ProviderUnavailableError(
            f"the text provider answered HTTP {status}",
            status=status,
            retry_after=_retry_after(response),
        )
    return ProviderRejectedError(f"the text provider refused the request (HTTP {status})")


def _retryable(failure: ProviderError) -> bool:
    return isinstance(failure, ProviderTimeoutError | ProviderUnavailableError)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("retry-after", "")), 0.0)
    except ValueError:
        return 0.0


def _content(response: httpx.Response) -> str:
    try:
        completion = _Completion.model_validate(response.json())
    except (json.JSONDecodeError, ValidationError):
        raise InvalidOutputError("the response is not a chat completion") from None
    if not completion.choices:
        raise EmptyOutputError("the response has no choices")
    message = completion.choices[0].message
    if message.content is None:
        reason = "the model refused" if message.refusal else "the response has no content"
        raise EmptyOutputError(reason)
    return message.content


async def _events(response: httpx.Response) -> AsyncIterator[str]:
    """The ``data:`` payloads of an SSE response, up to ``[DONE]``."""
    try:
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                return
            yield data
    except httpx.TimeoutException:
        raise ProviderTimeoutError("the text provider's stream timed out") from None
    except httpx.HTTPError as exc:
        raise ProviderUnavailableError(f"the text provider's stream broke ({exc!r})") from None


def _chunk(data: str) -> _Chunk:
    try:
        chunk = _Chunk.model_validate_json(data)
    except ValidationError:
        raise InvalidOutputError("a stream event is not a chat completion chunk") from None
    if chunk.error is not None:
        raise ProviderUnavailableError("the text provider reported an error mid-stream")
    return chunk
