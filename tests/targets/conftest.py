"""Fixtures for the HTTP provider tests: loopback servers in background threads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.targets.loopback_anthropic import LoopbackAnthropic
from tests.targets.loopback_openai import LoopbackOpenAI


@pytest.fixture
def openai_server() -> Iterator[LoopbackOpenAI]:
    """A fresh OpenAI-compatible server on 127.0.0.1, served from its own thread."""
    with LoopbackOpenAI() as server:
        yield server


@pytest.fixture
def anthropic_server() -> Iterator[LoopbackAnthropic]:
    """A fresh Anthropic Messages server on 127.0.0.1, served from its own thread."""
    with LoopbackAnthropic() as server:
        yield server
