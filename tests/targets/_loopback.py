"""A scriptable loopback HTTP model server, shared by the protocol modules.

See :mod:`tests.targets.loopback_openai` for the usage summary. A server
answers each request with a :class:`Reply`, chosen in this order:

1. the next reply pushed with :meth:`LoopbackServer.push` (a FIFO queue);
2. the first rule added with :meth:`LoopbackServer.on` whose substring
   occurs in the last user message;
3. :attr:`LoopbackServer.script`, a callable ``body -> Reply | None``;
4. the default: ``Reply()``, which echoes ``"echo: <last user message>"``.

It records every request (:attr:`requests`, :attr:`count`) and the most
requests it had in flight at once (:attr:`max_in_flight`). It runs in the
caller's event loop (``async with``) or in a thread with its own loop
(``with``), so other threads and subprocesses can reach it at :attr:`url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import orjson
from aiohttp import web


@dataclass
class Reply:
    """What the server does with one request."""

    status: int = 200
    #: Text of a successful reply; None echoes the last user message.
    text: str | None = None
    #: (input, output) token counts; None counts words.
    usage: tuple[int, int] | None = None
    finish_reason: str | None = None
    #: Error message; with a non-2xx status it is rendered as the protocol's error body.
    error: str | None = None
    error_type: str | None = None
    #: Sent verbatim as the body (overrides everything above).
    raw: bytes | None = None
    #: Replaces the usual JSON reply object.
    json: Any = None
    #: Raw SSE event blocks (``"data: ..."``), replacing the rendered stream.
    sse: list[str] | None = None
    #: In a stream: after the first text chunk, send an error event of this type.
    stream_error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (on top of the server's ``latency``).
    delay: float = 0.0
    #: Close the connection without answering.
    drop: bool = False

    @classmethod
    def fail(cls, status: int, message: str = "boom", *, error_type: str | None = None,
             retry_after: str | None = None) -> Reply:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls(status=status, error=message, error_type=error_type, headers=headers)


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    body: Any
    #: (host, port) of the client socket: equal ports mean a reused connection.
    peer: Any = None


def last_user(body: Any) -> str:
    """Content of the last user message of a chat request, or ''."""
    messages = body.get("messages") if isinstance(body, dict) else None
    for message in reversed(messages or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else str(content)
    return ""


def words(body: Any) -> int:
    """A crude token count: words in all message contents."""
    messages = body.get("messages") if isinstance(body, dict) else None
    return sum(len(str(m.get("content", "")).split()) for m in messages or [])


class LoopbackServer:
    """Protocol-neutral core; subclasses render replies for one API."""

    path = "/"

    def __init__(self, *, latency: float = 0.0, model: str = "loopback-model") -> None:
        self.latency = latency
        self.model = model
        self.script: Callable[[Any], Reply | None] | None = None
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._rules: list[tuple[str, Reply]] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- scripting ---------------------------------------------------------
    def push(self, *replies: Reply) -> None:
        """Queue replies; each is used once, in order, before rules and script."""
        with self._lock:
            self._queue.extend(replies)

    def on(self, substring: str, reply: Reply) -> None:
        """Answer every request whose last user message contains ``substring``."""
        with self._lock:
            self._rules.append((substring, reply))

    @property
    def count(self) -> int:
        """How many requests reached the handler."""
        with self._lock:
            return len(self.requests)

    @property
    def url(self) -> str:
        """The base URL a target spec should use."""
        return f"http://127.0.0.1:{self._port}"

    def _choose(self, body: Any) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            prompt = last_user(body)
            for substring, reply in self._rules:
                if substring in prompt:
                    return reply
        if self.script is not None:
            chosen = self.script(body)
            if chosen is not None:
                return chosen
        return Reply()

    # -- rendering (per protocol) -----------------------------------------
    def reply_text(self, reply: Reply, body: Any) -> str:
        return reply.text if reply.text is not None else f"echo: {last_user(body)}"

    def reply_usage(self, reply: Reply, body: Any) -> tuple[int, int]:
        if reply.usage is not None:
            return reply.usage
        return words(body), len(self.reply_text(reply, body).split())

    def render_ok(self, reply: Reply, body: Any) -> Any:
        raise NotImplementedError

    def render_error(self, reply: Reply) -> Any:
        raise NotImplementedError

    def render_stream(self, reply: Reply, body: Any) -> list[str]:
        raise NotImplementedError

    # -- serving -------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            body = None
        reply = self._choose(body)
        with self._lock:
            peer = request.transport.get_extra_info("peername") if request.transport else None
            self.requests.append(Recorded(request.method, request.path,
                                          dict(request.headers), raw, body, peer))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency or reply.delay:
                await asyncio.sleep(self.latency + reply.delay)
            return await self._respond(request, reply, body)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _respond(self, request: web.Request, reply: Reply, body: Any) -> web.StreamResponse:
        if reply.drop:
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        if reply.raw is not None:
            return web.Response(status=reply.status, body=reply.raw, headers=reply.headers,
                                content_type="application/json")
        if reply.status >= 300:
            doc = reply.json if reply.json is not None else self.render_error(reply)
            return web.Response(status=reply.status, body=orjson.dumps(doc),
                                headers=reply.headers, content_type="application/json")
        if reply.json is None and isinstance(body, dict) and body.get("stream") is True:
            events = reply.sse if reply.sse is not None else self.render_stream(reply, body)
            resp = web.StreamResponse(status=reply.status, headers=reply.headers)
            resp.content_type = "text/event-stream"
            await resp.prepare(request)
            for event in events:
                await resp.write(event.encode() + b"\n\n")
            await resp.write_eof()
            return resp
        doc = reply.json if reply.json is not None else self.render_ok(reply, body)
        return web.Response(status=reply.status, body=orjson.dumps(doc),
                            headers=reply.headers, content_type="application/json")

    async def start(self) -> None:
        """Listen on 127.0.0.1 at a free port, in the running loop."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True,
                               shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- thread mode -------------------------------------------------------
    def start_thread(self) -> None:
        """Serve from a background thread with its own event loop."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=main, name=f"loopback-{self.path}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        thread, loop = self._thread, self._loop
        self._thread = self._loop = None
        if thread is None or loop is None:
            return
        with contextlib.suppress(RuntimeError):  # loop already closed
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    def __enter__(self) -> Self:
        self.start_thread()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_thread()
