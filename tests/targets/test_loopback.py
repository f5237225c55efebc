"""The loopback servers themselves, as other test packages will use them."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

from redline.targets import TargetSpec, build_target
from tests.targets._util import ask, run
from tests.targets.loopback_anthropic import LoopbackAnthropic
from tests.targets.loopback_openai import LoopbackOpenAI, Reply, last_user


def test_in_loop_mode_and_choice_order() -> None:
    async def go() -> list[str]:
        async with LoopbackOpenAI() as server:
            server.on("bomb", Reply(text="I can't help with that."))
            server.script = lambda body: (Reply(text="scripted")
                                          if last_user(body) == "s" else None)
            server.push(Reply(text="queued"))
            spec = TargetSpec(provider="openai", model="m", base_url=server.base_url)
            async with build_target(spec) as target:
                texts = [(await target.complete([{"role": "user", "content": c}])).text
                         for c in ("bomb", "bomb", "s", "plain")]
            assert server.count == 4
            return texts

    assert run(go()) == ["queued", "I can't help with that.", "scripted", "echo: plain"]


def test_latency_and_in_flight() -> None:
    with LoopbackOpenAI(latency=0.2) as server:
        spec = TargetSpec(provider="openai", model="m", base_url=server.base_url)
        started = time.monotonic()
        ask(spec)
        assert time.monotonic() - started >= 0.2
        assert server.count == 1 and server.in_flight == 0 and server.max_in_flight == 1


def test_anthropic_server_counts_too() -> None:
    with LoopbackAnthropic() as server:
        spec = TargetSpec(provider="anthropic", model="m", base_url=server.base_url)
        assert ask(spec).text == "echo: hello there"
        assert server.count == 1


CLIENT = """
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=json.dumps({"model": "m", "messages":
    [{"role": "user", "content": "from a subprocess"}]}).encode(),
    headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=10))["choices"][0]["message"]["content"])
"""


@pytest.mark.slow
def test_subprocess_reaches_thread_server(openai_server: LoopbackOpenAI) -> None:
    url = openai_server.base_url + "/chat/completions"
    out = subprocess.run([sys.executable, "-c", CLIENT, url], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "echo: from a subprocess"
    assert openai_server.count == 1
    body: Any = openai_server.requests[0].body
    assert body["messages"][0]["content"] == "from a subprocess"
