#!/usr/bin/env python3
"""Ledger throughput: appends, checkpoints, proofs and full verification.

For each size N (default 100,000 and 1,000,000) it builds a fresh log of N
governance-like events in a temporary SQLite database (or ``--db-url``) and
prints:

- append throughput through the batch path (``append_many``, 10,000 events a
  transaction) and, for comparison, through ``append`` (one transaction per
  event, measured on the first 2,000 events);
- the time to sign a checkpoint of the whole log (root from the tile cache);
- inclusion proof generation (mean of 200 random events) and a consistency
  proof from N/3 to N, each including the database reads;
- full verification: every leaf recomputed from its row (RFC 8785 + SHA-256),
  the tree rebuilt and checked against the signed checkpoint.

    .venv/bin/python bench/ledger.py [--sizes 100000 1000000] [--db-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from redline.ledger import (  # noqa: E402
    Checkpoint,
    NewEvent,
    SignedCheckpoint,
    Signer,
    append,
    append_many,
    check_consistency,
    check_inclusion,
    checkpoint,
    prove_consistency,
    prove_inclusion,
    verify_ledger,
)
from redline.ledger._tree import StoreTree  # noqa: E402
from redline.store import Store  # noqa: E402

SINGLE = 2_000
BATCH = 10_000


def events(start: int, n: int) -> Iterator[NewEvent]:
    kinds = ("release.created", "evidence.attached", "signoff", "veto", "waiver")
    for i in range(start, start + n):
        yield NewEvent(kinds[i % 5], f"user{i % 17}", {
            "release": f"family@{i // 1000}", "role": "safety_board", "i": i,
            "evidence_digest": f"sha256:{i:064x}", "note": "approved after review",
        })


def run(n: int, url: str, signer: Signer) -> dict[str, float]:
    out: dict[str, float] = {}
    with Store.open(url) as store:
        t = time.perf_counter()
        for i, e in enumerate(events(0, min(SINGLE, n))):
            append(store, e.type, e.actor, e.payload, event_id=f"ev-single-{i}")
        out["single_per_s"] = min(SINGLE, n) / (time.perf_counter() - t)
        t = time.perf_counter()
        done = min(SINGLE, n)
        while done < n:
            k = min(BATCH, n - done)
            append_many(store, events(done, k))
            done += k
        out["batch_per_s"] = (n - min(SINGLE, n)) / (time.perf_counter() - t)

        t = time.perf_counter()
        head = checkpoint(store, signer)
        out["checkpoint_ms"] = (time.perf_counter() - t) * 1e3

        rng = random.Random(1)
        t = time.perf_counter()
        for _ in range(200):
            proof = prove_inclusion(store, f"#{rng.randrange(n)}", head)
        out["inclusion_ms"] = (time.perf_counter() - t) / 200 * 1e3
        check_inclusion(proof, signer.verifier)
        out["inclusion_hashes"] = len(proof.hashes)

        old = checkpoint_at(store, signer, n)
        t = time.perf_counter()
        cons = prove_consistency(store, old, head)
        out["consistency_ms"] = (time.perf_counter() - t) * 1e3
        check_consistency(cons, signer.verifier)

        t = time.perf_counter()
        report = verify_ledger(store, signer.verifier, [("head", head.note)])
        out["verify_s"] = time.perf_counter() - t
        if not report.ok:
            raise SystemExit(f"verification failed: {report.problems[:3]}")
    return out


def checkpoint_at(store: Store, signer: Signer, n: int) -> SignedCheckpoint:
    """A signed head for the first n/3 events (what an auditor saved earlier)."""
    size = n // 3
    with store.engine.connect() as conn:
        root = StoreTree(conn, size).root()
    return SignedCheckpoint.sign(Checkpoint(signer.name, size, root), signer.name,
                                 signer.private_key)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--db-url", help="an empty database to use (default: temporary SQLite)")
    args = ap.parse_args()
    if args.db_url and len(args.sizes) > 1:
        ap.error("--db-url names one empty database: give one size with it")
    signer = Signer.generate("bench.example/ledger")
    print(f"{'N':>9} {'append/s batch':>14} {'append/s single':>15} {'checkpoint':>10} "
          f"{'inclusion':>10} {'hashes':>6} {'consistency':>11} {'verify':>8} {'verify/s':>9}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["REDLINE_HOME"] = tmp
            url = args.db_url or f"sqlite:///{tmp}/bench.db"
            r = run(n, url, signer)
        print(f"{n:>9,} {r['batch_per_s']:>14,.0f} {r['single_per_s']:>15,.0f} "
              f"{r['checkpoint_ms']:>8.1f}ms {r['inclusion_ms']:>8.2f}ms "
              f"{r['inclusion_hashes']:>6.0f} {r['consistency_ms']:>9.2f}ms "
              f"{r['verify_s']:>7.1f}s {n / r['verify_s']:>9,.0f}", flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
