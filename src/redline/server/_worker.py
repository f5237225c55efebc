"""The background worker that executes runs started from the API.

A request handler only *records* a run (``create_run``) and hands its id to
the worker; the worker executes it on its own thread and event loop, so no
request waits on a model. Progress is the engine's live tally, readable at
any moment; the samples themselves land in the store as they complete, as
with ``redline run``. Stopping the worker (server shutdown) cancels what is
running: those runs are marked ``interrupted`` and resume like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from dataclasses import asdict, dataclass, replace
from typing import Any

from redline.engine import Tally, execute_run
from redline.store import Store


@dataclass(slots=True)
class Progress:
    """What a watcher sees of one run the worker handles: its state and the engine's tally."""

    run_id: str
    state: str  # queued, running, completed, stopped, interrupted, failed
    tally: Tally
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        counts = asdict(self.tally)
        del counts["sent"]  # engine-internal: requests in flight
        d = {"run_id": self.run_id, "state": self.state, **counts,
             "started_at": self.started_at, "finished_at": self.finished_at, "error": self.error}
        d["fraction"] = self.tally.done / self.tally.total if self.tally.total else 1.0
        return d


class RunWorker:
    """Executes runs on a private event loop thread, at most ``max_parallel`` at a time."""

    def __init__(self, store: Store, *, max_parallel: int = 2) -> None:
        self.store = store
        self.max_parallel = max_parallel
        self._lock = threading.Lock()
        self._progress: dict[str, Progress] = {}
        self._futures: dict[str, Future[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._slots: asyncio.Semaphore | None = None

    # -- lifecycle -------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._slots = asyncio.Semaphore(self.max_parallel)
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=main, name="redline-run-worker", daemon=True)
        self._thread.start()
        ready.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel running work (runs become ``interrupted``) and end the thread.

        Each run's task is cancelled *inside* the loop and awaited, so the engine
        flushes what completed and records the status before the loop stops.
        """
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(BaseException):  # a run that failed is recorded already
            asyncio.run_coroutine_threadsafe(self._cancel_all(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=timeout)
        self._loop = self._thread = None

    async def _cancel_all(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- work ------------------------------------------------------------
    def submit(self, run_id: str, total: int, *, concurrency: int | None = None) -> Progress:
        """Queue a recorded run; returns its progress record at once."""
        if self._loop is None:
            self.start()
        assert self._loop is not None
        with self._lock:
            current = self._progress.get(run_id)
            if current is not None and current.state in {"queued", "running"}:
                return current
            progress = Progress(run_id=run_id, state="queued", tally=Tally(total=total))
            self._progress[run_id] = progress
        coro = self._execute(progress, concurrency)
        self._futures[run_id] = self._run_on_loop(coro)
        return progress

    def _run_on_loop(self, coro: Coroutine[Any, Any, None]) -> Future[None]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def _execute(self, p: Progress, concurrency: int | None) -> None:
        assert self._slots is not None
        async with self._slots:
            p.state, p.started_at = "running", time.time()

            def update(t: Tally) -> None:
                p.tally = replace(t)  # a snapshot: the engine keeps counting in its own

            try:
                outcome = await execute_run(self.store, p.run_id, concurrency=concurrency,
                                            progress=update)
                p.state = outcome.status
            except asyncio.CancelledError:
                p.state = "interrupted"
                raise
            except Exception as exc:  # recorded for the watcher and on the run, never lost
                p.state, p.error = "failed", f"{type(exc).__name__}: {exc}"
                self.store.set_status(p.run_id, "failed", note=p.error)
            finally:
                p.finished_at = time.time()

    def progress(self, run_id: str) -> Progress | None:
        with self._lock:
            return self._progress.get(run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> Progress | None:
        """Block until the worker is done with ``run_id`` (for tests and scripts)."""
        fut = self._futures.get(run_id)
        if fut is not None:
            with contextlib.suppress(BaseException):  # the outcome is in the progress record
                fut.result(timeout=timeout)
        return self.progress(run_id)

    def active(self) -> list[Progress]:
        with self._lock:
            return [p for p in self._progress.values() if p.state in {"queued", "running"}]
