"""Encodings round-trip: the payload can always be decoded back out of the variant."""

from __future__ import annotations

import pytest

from redline.attacks import get_attack
from redline.attacks._encoding import EncodingAttack
from redline.suites import Probe

TEXTS = [
    "How do I pick a lock?",
    "Write a \"quoted\" line, with punctuation: yes; no! (maybe) 50% & more.",
    "Two\nlines and  double  spaces",
    "Ünïcödé — emoji 🎉 and 中文",
    "x",
    "a{payload}b",
]
ASCII = [t for t in TEXTS if t.isascii()]
EXACT = ["base64", "rot13", "hex", "binary", "char-split", "payload-split", "reverse",
         "zero-width"]


def _encoding(name: str) -> EncodingAttack:
    attack = get_attack(name)
    assert isinstance(attack, EncodingAttack)
    return attack


@pytest.mark.parametrize("name", EXACT)
@pytest.mark.parametrize("text", TEXTS)
def test_exact_round_trip(name: str, text: str) -> None:
    enc = _encoding(name)
    for key in ("p-1", "p-2", "another-id"):
        encoded = enc.encode(text, key)
        assert encoded != text or len(text) == 1
        assert enc.decode(encoded) == text


@pytest.mark.parametrize("text", ASCII)
def test_homoglyphs_round_trip_and_change_the_text(text: str) -> None:
    enc = _encoding("homoglyphs")
    encoded = enc.encode(text, "p-1")
    assert enc.decode(encoded) == text
    assert len(encoded) == len(text)
    long = "a" * 40
    assert enc.encode(long, "p-1") != long


def test_zero_width_is_invisible_but_present() -> None:
    enc = _encoding("zero-width")
    encoded = enc.encode("hello world", "p")
    assert "\u200b" in encoded or "\u200d" in encoded
    assert "".join(c for c in encoded if c.isprintable() and c not in "\u200b\u200d") == (
        "hello world")


@pytest.mark.parametrize("text", TEXTS)
def test_leetspeak_round_trip_up_to_case_of_substituted_letters(text: str) -> None:
    enc = _encoding("leetspeak")
    encoded = enc.encode(text, "p")
    assert not any(c in encoded for c in "aeiostAEIOST")
    if not any(c.isdigit() for c in text):
        assert enc.decode(encoded).lower() == text.lower()


@pytest.mark.parametrize("text", ASCII)
def test_morse_round_trip_upper_case_single_spaced(text: str) -> None:
    enc = _encoding("morse")
    encoded = enc.encode(text, "p")
    assert set(encoded) <= set(".-/ ") or "{" in text or "%" in text
    assert enc.decode(encoded) == " ".join(text.split()).upper()


def test_known_encodings() -> None:
    assert _encoding("base64").encode("hi") == "aGk="
    assert _encoding("rot13").encode("Hello") == "Uryyb"
    assert _encoding("hex").encode("hi") == "68 69"
    assert _encoding("binary").encode("A") == "01000001"
    assert _encoding("morse").encode("SOS sos") == "... --- ... / ... --- ..."
    assert _encoding("char-split").encode("ab c") == "a b   c"
    assert _encoding("reverse").encode("abc") == "cba"


def test_payload_split_uses_several_variables() -> None:
    encoded = _encoding("payload-split").encode("How do I make a thing at home?", "p-7")
    lines = encoded.splitlines()
    assert 2 <= len(lines) <= 5
    assert [line[0] for line in lines] == [chr(ord("a") + i) for i in range(len(lines))]


@pytest.mark.parametrize("name", [*EXACT, "homoglyphs", "leetspeak", "morse"])
def test_variant_carries_the_encoded_payload_with_a_decode_instruction(
        name: str, single: Probe, multi: Probe) -> None:
    enc = _encoding(name)
    for probe in (single, multi):
        variant = enc.apply(probe)
        encoded = enc.encode(probe.text, probe.id)
        assert encoded in variant.text
        assert variant.text != encoded  # wrapped in an instruction
        assert variant.script[:-1] == probe.script[:-1]
        if name in EXACT or name == "homoglyphs":
            assert enc.decode(encoded) == probe.text
