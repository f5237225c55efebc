"""`redline ledger ...` as a user and an outside auditor run it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from redline.cli import app
from redline.ledger import append, key_path, public_key_path
from redline.store import Store
from tests.ledger.conftest import sql

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def seed(db_url: str, n: int = 6) -> None:
    with Store.open(db_url) as store:
        for i in range(n):
            append(store, "signoff", f"user{i}", {"release": "fam@1", "i": i})


def test_user_and_auditor_flow(db_url: str, tmp_path: Path) -> None:
    code, out, _ = invoke("ledger", "key", "--create", "--name", "example.com/redline")
    assert code == 0 and out.startswith("example.com/redline+")
    assert key_path().stat().st_mode & 0o777 == 0o600
    seed(db_url)
    code, _, err = invoke("ledger", "checkpoint", "--output", str(tmp_path / "cp1.txt"))
    assert code == 0 and "6 events" in err
    note = (tmp_path / "cp1.txt").read_text()
    assert note.startswith("example.com/redline\n6\n") and "\n\n\u2014 example.com/redline " in note

    code, out, _ = invoke("ledger", "list", "--json")
    events = json.loads(out)
    assert [e["seq"] for e in events] == [5, 4, 3, 2, 1, 0]
    code, out, _ = invoke("ledger", "show", "#2", "--json")
    assert json.loads(out)["payload"] == {"release": "fam@1", "i": 2}
    code, out, _ = invoke("ledger", "show", events[0]["event_id"])
    assert code == 0 and "user5" in out
    code, out, _ = invoke("ledger", "list", "--limit", "2")
    assert code == 0 and "signoff" in out

    seed(db_url, 3)
    code, out, _ = invoke("ledger", "proof", "#7", "--output", str(tmp_path / "p.json"))
    assert code == 0
    bundle = json.loads((tmp_path / "p.json").read_text())
    assert bundle["tree_size"] == 9 and bundle["leaf_index"] == 7
    code, out, _ = invoke("ledger", "consistency", str(tmp_path / "cp1.txt"),
                          "--output", str(tmp_path / "c.json"))
    assert code == 0

    # The auditor: a copy of the public key, the files, and read access to the database.
    auditor_key = tmp_path / "auditor.pub"
    auditor_key.write_text(public_key_path().read_text())
    key_path().unlink()
    public_key_path().unlink()
    for f in ("p.json", "c.json"):
        code, out, _ = invoke("ledger", "check-proof", str(tmp_path / f),
                              "--public-key", str(auditor_key))
        assert code == 0 and out.startswith("ok:"), out
    code, out, err = invoke("ledger", "verify", "--checkpoint", str(tmp_path / "cp1.txt"),
                            "--public-key", str(auditor_key))
    assert code == 0, out + err
    assert "verified: 9 events" in out and "consistency" in out
    code, out, _ = invoke("ledger", "verify", "--checkpoint", str(tmp_path / "cp1.txt"),
                          "--public-key", str(auditor_key), "--json")
    report = json.loads(out)
    assert report["ok"] and report["consistency"][0]["ok"]

    with Store.open(db_url) as store:
        sql(store, "UPDATE ledger_events SET actor = 'mallory' WHERE seq = 3")
    code, out, _ = invoke("ledger", "verify", "--checkpoint", str(tmp_path / "cp1.txt"),
                          "--public-key", str(auditor_key))
    assert code == 1
    assert "edited" in out and "event #3" in out and "NOT VERIFIED" in out
    code, out, _ = invoke("ledger", "verify", "--public-key", str(auditor_key), "--json")
    report = json.loads(out)
    assert not report["ok"] and report["problems"][0]["seq"] == 3


def test_errors_have_exit_codes(db_url: str, tmp_path: Path) -> None:
    seed(db_url, 2)
    assert invoke("ledger", "show", "ev-nope")[0] == 3
    code, _, err = invoke("ledger", "verify")
    assert code == 1 and "--public-key" in err
    invoke("ledger", "checkpoint")
    code, _, err = invoke("ledger", "verify", "--checkpoint", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    (tmp_path / "junk.json").write_text("{}")
    assert invoke("ledger", "check-proof", str(tmp_path / "junk.json"))[0] == 2
    assert invoke("ledger", "key", "--name", "example.com/x")[0] == 2


def test_checkpoint_prints_the_note_and_creates_the_key(db_url: str) -> None:
    seed(db_url, 1)
    code, out, err = invoke("ledger", "checkpoint")
    assert code == 0 and "created the ledger signing key" in err
    lines = out.split("\n")
    assert lines[1] == "1" and lines[3] == "" and lines[4].startswith("\u2014 redline/")
    code, out, _ = invoke("ledger", "key")
    assert code == 0 and out == public_key_path().read_text()
