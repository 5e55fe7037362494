"""An HTTP transport that holds every model call to the turn's deadline, byte by byte.

A read timeout only bounds the silence between bytes: a gateway that sends SSE keep-alive
comments while the model stalls, or a model that drips a token every few seconds, never
trips it. This transport checks the deadline of the turn in progress before a request and
on every chunk of the response, and ends the call with a read timeout (which the openai
client reports as `APITimeoutError`) once it has passed, so no answer waits past its budget.

The deadline travels in a context variable set around each model call; the call runs in the
thread that set it (the agent's model node is synchronous), so concurrent turns in other
threads each see their own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx2
import openai

_DEADLINE: ContextVar[float | None] = ContextVar("partnerops_model_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Model calls made inside the block must finish by `at` (`time.monotonic()`)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _check(request: httpx2.Request) -> None:
    at = _DEADLINE.get()
    if at is not None and time.monotonic() >= at:
        raise httpx2.ReadTimeout("the turn's time for the model ran out", request=request)


class _DeadlineStream(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, request: httpx2.Request) -> None:
        self.inner = inner
        self.request = request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            _check(self.request)
            yield chunk

    def close(self) -> None:
        self.inner.close()


class DeadlineTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport | None = None) -> None:
        self.inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        _check(request)
        response = self.inner.handle_request(request)
        stream = response.stream
        assert isinstance(stream, httpx2.SyncByteStream)
        response.stream = _DeadlineStream(stream, request)
        return response

    def close(self) -> None:
        self.inner.close()


def http_client() -> httpx2.Client:
    """The openai SDK's default client (its timeouts and limits) over the deadline transport."""
    return openai.DefaultHttpxClient(transport=DeadlineTransport())
