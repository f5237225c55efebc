"""`redline serve` as a user starts it: a real uvicorn process on a loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def test_redline_serve_answers_and_stops_cleanly(db_url: str, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    redline = Path(sys.executable).with_name("redline")
    proc = subprocess.Popen([str(redline), "serve", "--port", str(port)], env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout
                time.sleep(0.1)
        assert r.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/releases").status_code == 401
        login = httpx.get(f"http://127.0.0.1:{port}/login")
        assert login.status_code == 200 and 'id="token"' in login.text
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert f"serving on http://127.0.0.1:{port}/" in out
