"""Kill a real `redline run` process at random moments and resume it.

The bound checked is the issue's: a resume re-sends only what was in flight or
completed-but-not-flushed when the process died — at most the concurrency
limit plus one flush window (200 ms) of completions.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from redline.store import Store
from tests.targets.loopback_openai import LoopbackOpenAI, Reply, last_user

N = 600
CONCURRENCY = 16
LATENCY = 0.02
FLUSH_WINDOW_S = 0.2

pytestmark = pytest.mark.slow


def refuse_by_hash(body: Any) -> Reply | None:
    text = last_user(body)
    if hashlib.sha256(text.encode()).digest()[0] % 3 == 0:
        return Reply(text="I'm sorry, but I can't help with that.")
    return None


def make_suite(path: Path) -> Path:
    with path.open("w") as fh:
        for i in range(N):
            fh.write(json.dumps({"id": f"q{i:04d}", "prompt": f"probe number {i} please"}) + "\n")
    return path


# `python -m redline`, with Ctrl-C delivered as a terminal delivers it even when this suite
# runs where SIGINT is ignored (a background job of a non-interactive shell, as under nohup):
# the child would inherit that, and Python installs no KeyboardInterrupt handler then.
_REDLINE = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "runpy.run_module('redline', run_name='__main__', alter_sys=True)")


def redline(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _REDLINE, *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_args(suite: Path, url: str, *extra: str) -> list[str]:
    return ["run", "--suite", str(suite), "--target", "openai:loopback", "--base-url", url,
            "--concurrency", str(CONCURRENCY), "--json", *extra]


def verdicts(store: Store, run_id: str) -> dict[str, str | None]:
    return {r.key: r.verdict for r in store.iter_samples(run_id)}


@pytest.mark.parametrize("trial", range(3))
def test_kill9_at_a_random_moment_then_resume(db_url: str, tmp_path: Path, trial: int) -> None:
    rng = random.Random(1000 + trial)
    env = {**os.environ, "REDLINE_DB_URL": db_url}
    suite = make_suite(tmp_path / "s.jsonl")
    with LoopbackOpenAI(latency=LATENCY) as server, Store.open(db_url) as store:
        server.script = refuse_by_hash
        proc = redline(*start_args(suite, server.base_url), env=env, cwd=tmp_path)
        kill_at = rng.randint(CONCURRENCY, N // 2)
        while server.count == 0:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.001)
        t0 = time.monotonic()
        while server.count < kill_at:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.1))  # not aligned with anything
        proc.send_signal(signal.SIGKILL)
        elapsed = time.monotonic() - t0
        proc.communicate()
        time.sleep(2 * LATENCY)
        first_sent = server.count  # requests that reached the server before it died
        (info,) = store.list_runs()
        assert info.status == "running"  # it never got to say anything else
        stored = info.n_samples
        assert 0 < stored < N

        resume = redline("run", "--resume", info.id, "--json", env=env, cwd=tmp_path)
        out, err = resume.communicate(timeout=120)
        assert resume.returncode == 0, err
        assert json.loads(out)["run_id"] == info.id

        resent = server.count - N
        lost = first_sent - stored
        rate = first_sent / elapsed
        assert resent == lost  # exactly the unstored ones were asked again
        assert resent <= CONCURRENCY + rate * FLUSH_WINDOW_S, (resent, rate)

        keys = [r.key for r in store.iter_samples(info.id)]
        assert len(keys) == len(set(keys)) == N
        assert store.get_run(info.id).status == "completed"

        reference = redline(*start_args(suite, server.base_url, "--no-cache"), env=env,
                            cwd=tmp_path)
        out, err = reference.communicate(timeout=120)
        assert reference.returncode == 0, err
        ref_id = json.loads(out)["run_id"]
        assert verdicts(store, info.id) == verdicts(store, ref_id)
        resumed, ref = store.summary(info.id), store.summary(ref_id)
        assert (resumed.refused, resumed.complied, resumed.errors) == (
            ref.refused, ref.complied, ref.errors)


def test_ctrl_c_stores_what_completed_and_exits_130(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "REDLINE_DB_URL": db_url}
    suite = make_suite(tmp_path / "s.jsonl")
    with LoopbackOpenAI(latency=LATENCY) as server, Store.open(db_url) as store:
        proc = redline(*start_args(suite, server.base_url), env=env, cwd=tmp_path)
        while server.count < N // 3:
            time.sleep(0.002)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        (info,) = store.list_runs()
        assert info.status == "interrupted"
        sent = server.count
        # Everything that completed before Ctrl-C was flushed on the way out.
        assert sent - info.n_samples <= CONCURRENCY
        resume = redline("run", "--resume", info.id, "--json", env=env, cwd=tmp_path)
        _, err = resume.communicate(timeout=120)
        assert resume.returncode == 0, err
        assert store.summary(info.id).n_samples == N
        assert server.count - N <= CONCURRENCY
