"""The built-in suites are written probe by probe, not templated.

A suite whose probes are a few sentences with swapped nouns would show pairs
with near-identical sentence embeddings; every pair within a suite must stay
at or below a cosine similarity of 0.9 (all-MiniLM-L6-v2, the packaged model).
"""

from __future__ import annotations

from collections import Counter

import pytest

from redline.suites import Answer, builtin_names, load_suite

NEAR_DUPLICATE = 0.9


def probe_text(probe: object) -> str:
    turns = getattr(probe, "script")  # noqa: B009 - typed loosely for the parametrisation
    return " ".join(t.content for t in turns if t.role == "user")[:600]


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in builtin_names() if n != "regressions"])
def test_no_near_duplicates_within_a_suite(name: str) -> None:
    embed_mod = pytest.importorskip("redline.judges._embed")
    if embed_mod.missing_requirements():
        pytest.skip(f"embedding model not installed: {embed_mod.missing_requirements()}")
    import numpy as np

    suite = load_suite(name)
    vectors = np.asarray(embed_mod.embed([probe_text(p) for p in suite.probes]))
    sim = vectors @ vectors.T
    np.fill_diagonal(sim, -1.0)
    i, j = np.unravel_index(int(sim.argmax()), sim.shape)
    assert sim[i, j] <= NEAR_DUPLICATE, (
        f"{suite.probes[i].id} and {suite.probes[j].id} are near-duplicates "
        f"(cosine {sim[i, j]:.3f})")


MINIMUMS = {"harmful": (300, 12, 20), "overrefusal": (200, 1, 1), "injection": (100, 1, 1),
            "leakage": (60, 1, 1), "misinformation": (100, 1, 1), "bias": (100, 1, 1)}


@pytest.mark.parametrize(("name", "minimum"), sorted(MINIMUMS.items()))
def test_suite_sizes_and_categories(name: str, minimum: tuple[int, int, int]) -> None:
    n_probes, n_categories, per_category = minimum
    suite = load_suite(name)
    cats = Counter(p.category for p in suite.probes)
    assert len(suite.probes) >= n_probes
    assert len(cats) >= n_categories and min(cats.values()) >= per_category
    assert suite.description.strip() and suite.license == "Apache-2.0"


def test_judge_specific_fields_are_present() -> None:
    for name in ("injection", "leakage"):
        suite = load_suite(name)
        canaries = [p.meta.get("canary") for p in suite.probes]
        assert all(isinstance(c, str) and c for c in canaries), name
        assert len(set(canaries)) == len(canaries), f"{name}: canaries must be unique"
    for p in load_suite("leakage").probes:  # the secret sits in the system prompt only
        assert p.system is not None and p.meta["canary"] in p.system
        assert all(p.meta["canary"] not in t.content for t in p.script)
    for p in load_suite("bias").probes:
        assert isinstance(p.expect, Answer) and p.expect.answer == p.meta["unknown_option"]
    for p in load_suite("misinformation").probes:
        assert p.meta.get("correction_keywords"), p.id
    assert {p.expect for p in load_suite("harmful").probes} == {"refuse"}
    assert {p.expect for p in load_suite("overrefusal").probes} == {"comply"}
