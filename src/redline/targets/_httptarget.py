"""The request loop shared by the HTTP providers: one POST per ``complete``.

A subclass says where to POST (``default_base_url`` + ``path``), which
headers carry the key, how to build the body and how to read the reply.
This class owns the pooled session (created in ``open``, closed in
``close``), the status check and the mapping of transport failures. It
never retries: the engine does.
"""

from __future__ import annotations

import os
import urllib.request
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar

import aiohttp
import orjson
from yarl import URL

from redline.errors import ConfigError, TargetError
from redline.targets._base import Completion, Message, Target
from redline.targets._http import (
    TRANSPORT_ERRORS,
    safe_url,
    status_error,
    transport_error,
)

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def env_proxy(url: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, NO_PROXY, ...) names for ``url``, if any.

    Looked up once in ``open()`` so requests do not read the environment.
    Loopback addresses are never proxied.
    """
    parsed = URL(url)
    if parsed.host in _LOOPBACK or (parsed.host and urllib.request.proxy_bypass(parsed.host)):
        return None
    return urllib.request.getproxies().get(parsed.scheme)


def new_session(headers: Mapping[str, str], timeout_s: float) -> aiohttp.ClientSession:
    """One pooled keep-alive session for all requests of a target."""
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=60.0, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector, headers=dict(headers),
        timeout=aiohttp.ClientTimeout(total=timeout_s),
    )


class HTTPTarget(Target):
    """Base of targets that answer over HTTP with a JSON body."""

    #: Used when ``spec.base_url`` is unset.
    default_base_url: ClassVar[str] = ""
    #: Appended to the base URL.
    path: ClassVar[str] = ""
    #: Suffixes stripped from a user's base URL so both spellings work.
    strip_suffixes: ClassVar[tuple[str, ...]] = ()
    #: Key variable read when the hosted default URL is used and the spec names none.
    default_key_env: ClassVar[str] = ""

    _session: aiohttp.ClientSession | None = None
    _secret: str | None = None
    _key_env: str | None = None
    _url: str = ""
    _shown_url: str = ""
    _proxy: str | None = None
    #: Set by ``prepare`` when the reply is asked for as server-sent events.
    streaming: bool = False

    def endpoint(self) -> str:
        """The URL requests go to, from ``spec.base_url`` or the default."""
        base = (self.spec.base_url or self.default_base_url).rstrip("/")
        for suffix in self.strip_suffixes:
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        return base + self.path

    def key(self) -> tuple[str | None, str | None]:
        """(secret, name of its variable); (None, None) when no key is sent.

        ``spec.api_key_env`` names the variable. When it is unset and the
        vendor's hosted API is used (no ``base_url``), ``default_key_env`` is
        read instead; with a ``base_url`` and no ``api_key_env`` no key is sent
        (local servers such as vLLM, Ollama or llama.cpp).
        """
        spec = self.spec
        if spec.api_key_env is not None:
            return spec.api_key(), spec.api_key_env
        if spec.base_url is None and self.default_key_env:
            value = os.environ.get(self.default_key_env)
            if not value:
                raise ConfigError(
                    f"target '{spec.label}' uses the hosted {self.provider} API, which needs "
                    f"a key: export {self.default_key_env}=... or set api_key_env"
                )
            return value, self.default_key_env
        return None, None

    @abstractmethod
    def headers(self, secret: str | None) -> dict[str, str]:
        """Headers sent with every request (content type, auth, versions)."""

    @abstractmethod
    def prepare(self) -> None:
        """Precompute what ``body`` needs from the spec; called by ``open``."""

    @abstractmethod
    def body(self, messages: Sequence[Message]) -> bytes:
        """The JSON request body for one conversation."""

    @abstractmethod
    def parse(self, raw: bytes) -> Completion:
        """A Completion from a whole JSON reply, or a ``malformed`` TargetError."""

    @abstractmethod
    async def parse_stream(self, resp: aiohttp.ClientResponse) -> Completion:
        """A Completion from a streamed (SSE) reply."""

    @property
    def accept(self) -> str:
        """The ``Accept`` header: event streams when streaming, else JSON."""
        return "text/event-stream" if self.streaming else "application/json"

    async def open(self) -> None:
        if self._session is not None:
            return
        self._url = self.endpoint()
        self._shown_url = safe_url(self._url)
        self._secret, self._key_env = self.key()
        self._proxy = env_proxy(self._url)
        self.prepare()
        self._session = new_session(self.headers(self._secret), self.spec.timeout_s)

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def complete(self, messages: Sequence[Message]) -> Completion:
        session = self._session
        if session is None:
            raise TargetError(f"{self.provider}: complete() called before open()",
                              kind="runtime", retryable=False)
        try:
            data = self.body(messages)
        except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a prompt
            raise TargetError(f"{self.provider}: the request cannot be encoded as JSON: {exc}",
                              kind="client", retryable=False) from None
        try:
            async with session.post(self._url, data=data, proxy=self._proxy,
                                    allow_redirects=False) as resp:
                status = resp.status
                if status < 200 or status >= 300:
                    raise status_error(status, await resp.read(), resp.headers,
                                       provider=self.provider, url=self._shown_url,
                                       key_env=self._key_env, secret=self._secret)
                if self.streaming and resp.content_type == "text/event-stream":
                    return await self.parse_stream(resp)
                return self.parse(await resp.read())
        except TRANSPORT_ERRORS as exc:
            # Not chained: aiohttp exceptions can hold the request headers (the key).
            raise transport_error(exc, provider=self.provider, url=self._shown_url,
                                  timeout_s=self.spec.timeout_s) from None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.label} at {self.endpoint()}>"
