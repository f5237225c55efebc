#!/usr/bin/env python3
"""Engine throughput against the physical limit (concurrency / latency).

Starts an OpenAI-compatible server with a fixed artificial latency (the
shared ``fake_llm.py`` when present, else a built-in equivalent), then measures,
side by side in one run:

- a real ``redline run`` process (storing and judging every sample, as a user
  runs it) for N = 2,000 and 20,000 at concurrency 64;
- a bare aiohttp loop that stores nothing, as the ceiling a Python client reaches.

It prints achieved requests/s as a ratio of the limit, harness CPU per request
(user + system time of the client process / N), start-up time (process start
to first request), and max RSS. Targets (issue 2): ratio >= 0.85 at N = 20,000,
CPU < 0.5 ms per request, start-up < 0.5 s, max RSS < 150 MB and flat in N.

    .venv/bin/python bench/engine_throughput.py [--n 2000 20000] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_SERVER = ROOT.parent / "shared" / "bench" / "fake_llm.py"
BARE_LOOP = r'''
import asyncio, sys, time, aiohttp, orjson
url, n, conc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
async def main():
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn) as s:
        it = iter(range(n))
        async def worker():
            for i in it:
                body = {"model": "m", "messages": [{"role": "user", "content": f"probe {i}"}]}
                async with s.post(url, data=orjson.dumps(body),
                                  headers={"Content-Type": "application/json"}) as r:
                    orjson.loads(await r.read())
        await asyncio.gather(*(worker() for _ in range(conc)))
asyncio.run(main())
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def start_server(latency_ms: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    script = SHARED_SERVER if SHARED_SERVER.exists() else ROOT / "bench" / "_fake_openai.py"
    proc = subprocess.Popen([sys.executable, str(script), "--port", str(port),
                             "--latency-ms", str(latency_ms)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            get_json(base + "/stats")
            return proc, base
        except OSError:
            time.sleep(0.05)
    raise SystemExit("fake server did not start")


def measure(cmd: list[str], base: str, env: dict[str, str]) -> dict[str, float]:
    urllib.request.urlopen(urllib.request.Request(base + "/stats/reset", method="POST"))
    t0 = time.time()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone
        proc.returncode = status
        if status != 0:
            err.seek(0)
            raise SystemExit(f"{cmd[:4]} failed:\n{err.read().decode()[-2000:]}")
    stats = get_json(base + "/stats")
    n = int(stats["requests"])  # type: ignore[call-overload]
    first, last = float(stats["first_ts"]), float(stats["last_ts"])  # type: ignore[arg-type]
    return {
        "requests": n,
        "rps": n / (last - first) if last > first else 0.0,
        "cpu_ms_per_req": (usage.ru_utime + usage.ru_stime) * 1000 / max(n, 1),
        "startup_s": first - t0,
        "max_rss_mb": usage.ru_maxrss / 1024,
        "wall_s": time.time() - t0,
    }


def write_suite(path: Path, n: int) -> None:
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"b{i:06d}", "prompt": f"benchmark probe {i}: tell me "
                                 "something about the number"}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--latency-ms", type=int, default=50)
    args = ap.parse_args()
    limit = args.concurrency / (args.latency_ms / 1000)
    server, base = start_server(args.latency_ms)
    redline = [sys.executable, "-m", "redline"]
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "REDLINE_HOME": tmp}
            env.pop("REDLINE_DB_URL", None)
            for n in args.n:
                suite = Path(tmp) / f"bench{n}.jsonl"
                write_suite(suite, n)
                bare = measure([sys.executable, "-c", BARE_LOOP, base + "/v1/chat/completions",
                                str(n), str(args.concurrency)], base, env)
                red = measure([*redline, "run", "--suite", str(suite), "--target",
                               "openai:fake-model", "--base-url", base + "/v1",
                               "--concurrency", str(args.concurrency), "--no-cache",
                               "--no-progress", "--json"], base, env)
                rows.append((n, bare, red))
        startup = measure_startup(redline)
    finally:
        server.terminate()
        server.wait()
    report(rows, limit, args, startup)


def measure_startup(redline: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([*redline, "targets", "list", "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def report(rows: list[tuple[int, dict[str, float], dict[str, float]]], limit: float,
           args: argparse.Namespace, startup: float) -> None:
    print(f"limit = concurrency {args.concurrency} / latency {args.latency_ms} ms "
          f"= {limit:.0f} req/s")
    print(f"{'N':>7} {'client':<12} {'req/s':>8} {'ratio':>6} {'CPU ms/req':>11} "
          f"{'first req s':>12} {'max RSS MB':>11}")
    for n, bare, red in rows:
        for name, m in (("bare aiohttp", bare), ("redline run", red)):
            print(f"{n:>7} {name:<12} {m['rps']:>8.0f} {m['rps'] / limit:>6.2f} "
                  f"{m['cpu_ms_per_req']:>11.3f} {m['startup_s']:>12.2f} "
                  f"{m['max_rss_mb']:>11.0f}")
        print(f"{'':>7} redline / bare = {red['rps'] / bare['rps']:.2f}")
    print(f"CLI start-up (`redline targets list`, best of 3): {startup:.2f} s")
    rss = [red["max_rss_mb"] for _, _, red in rows]
    if len(rss) > 1:
        print(f"max RSS growth from N={rows[0][0]} to N={rows[-1][0]}: {rss[-1] / rss[0]:.2f}x")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
