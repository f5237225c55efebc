from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.targets import list_providers, parse_param, parse_target, resolve_target


def test_digest_covers_everything_but_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    base = parse_target("openai:m", base_url="http://x/v1", api_key_env="K",
                        system_prompt="s", params={"temperature": 0})
    monkeypatch.setenv("K", "secret-1")
    d1 = base.digest
    monkeypatch.setenv("K", "secret-2")
    assert base.digest == d1  # the key's value is not part of the identity
    assert "secret" not in base.model_dump_json()
    for change in [dict(base_url="http://y/v1"), dict(system_prompt="t"),
                   dict(params={"temperature": 1}), dict(api_key_env="OTHER")]:
        other = parse_target("openai:m", **{**dict(base_url="http://x/v1", api_key_env="K",
                                                  system_prompt="s",
                                                  params={"temperature": 0}), **change})
        assert other.digest != d1, change
    assert parse_target("openai:n", base_url="http://x/v1", api_key_env="K", system_prompt="s",
                        params={"temperature": 0}).digest != d1
    throughput = parse_target("openai:m", base_url="http://x/v1", api_key_env="K",
                              system_prompt="s", params={"temperature": 0}, rpm=10,
                              concurrency=3)
    assert throughput.digest == d1


def test_parse_param_types() -> None:
    assert parse_param("temperature=0.5") == ("temperature", 0.5)
    assert parse_param("max_tokens=64") == ("max_tokens", 64)
    assert parse_param("stream=true") == ("stream", True)
    assert parse_param("stop=[\"x\"]") == ("stop", ["x"])
    assert parse_param("name=hello world") == ("name", "hello world")
    with pytest.raises(ConfigError, match="key=value"):
        parse_param("temperature")


def test_bad_target_text() -> None:
    with pytest.raises(ConfigError, match="provider:model"):
        parse_target("gpt-4")


def test_missing_api_key_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_KEY", raising=False)
    spec = parse_target("openai:m", api_key_env="NOPE_KEY")
    with pytest.raises(ConfigError, match=r"export NOPE_KEY="):
        spec.api_key()


def test_targets_yaml_names_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text(
        "targets:\n  prod:\n    target: openai:gpt-x\n    base_url: http://127.0.0.1:9/v1\n"
        "    params: {temperature: 0, max_tokens: 10}\n    rpm: 60\n"
        "  refuser:\n    target: mock:refuser\n")
    spec = resolve_target("prod")
    assert (spec.provider, spec.model, spec.name, spec.rpm) == ("openai", "gpt-x", "prod", 60)
    over = resolve_target("prod", params={"max_tokens": 20})
    assert over.params == {"temperature": 0, "max_tokens": 20}
    assert resolve_target("mock:complier").model == "complier"


def test_targets_yaml_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("targets:\n  a:\n    target: mock:refuser\n    temprature: 0\n")
    with pytest.raises(ConfigError, match=r"t.yaml:4: field 'targets.a.temprature': unknown key"):
        resolve_target("a", targets_file=path)
    path.write_text("targets:\n  a:\n    target: nocolon\n")
    with pytest.raises(ConfigError, match=r"t.yaml:3: field 'targets.a.target'"):
        resolve_target("a", targets_file=path)
    path.write_text("targets:\n  a: [\n")
    with pytest.raises(ConfigError, match=r"t.yaml:\d+: invalid YAML"):
        resolve_target("a", targets_file=path)


def test_every_builtin_provider_is_registered() -> None:
    names = {n for n, _ in list_providers()}
    assert {"openai", "anthropic", "local", "hf", "mock"} <= names
