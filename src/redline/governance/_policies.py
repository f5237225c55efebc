"""Registered policies: the rules releases may be governed by.

Registering a policy is an admin act and a ledger event (a policy change):
otherwise anyone allowed to create a release could bring a lenient policy of
their own. A release names its policy by digest; its governance section is
kept in the store, so the rules are known without the policy's suite files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from redline.errors import IllegalTransition, PolicyError
from redline.governance import _events as ev
from redline.governance._auth import Principal, require_admin
from redline.governance._clock import stamp
from redline.governance._models import PolicyRow
from redline.governance._records import act, one, rows
from redline.governance._rules import Governance, rules_of
from redline.governance._users import current

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from redline.policy import Policy
    from redline.store import Store


class PolicyInfo(BaseModel):
    """A registered policy."""

    digest: str
    name: str
    version: int
    path: str
    roles: list[str]
    created_at: str
    created_by: str


def register_policy(store: Store, actor: Principal, policy: Path | str | Policy) -> PolicyInfo:
    """Validate a policy (it must have a governance section) and register it; admin only.

    Registering the same content again returns the existing registration.
    """
    from redline.policy import Policy, load_policy

    pol = policy if isinstance(policy, Policy) else load_policy(policy)
    rules_of(pol.governance, f"policy {pol.name} ({pol.path})")
    path = Path(pol.path)
    text = path.read_text(encoding="utf-8") if path.is_file() else \
        pol.model_dump_json(indent=2)
    with act(store, actor.name) as a:
        require_admin(current(a.conn, actor), "register a policy")
        found = one(a.conn, PolicyRow, PolicyRow.digest == pol.digest)
        if found is not None:
            return _info(found)
        a.insert(PolicyRow, digest=pol.digest, name=pol.name, version=pol.version,
                 path=str(pol.path), text=text, governance=pol.governance or {},
                 gates={g.id: g.kind for g in pol.gates}, created_at=stamp(),
                 created_by=actor.name)
        a.emit(ev.POLICY_REGISTERED, {"policy": pol.name, "version": pol.version,
                                      "digest": pol.digest, "path": str(pol.path)})
        return _info(one(a.conn, PolicyRow, PolicyRow.digest == pol.digest))


def list_policies(store: Store) -> list[PolicyInfo]:
    """Registered policies, newest first."""
    with store.engine.connect() as conn:
        found = rows(conn, PolicyRow, order=(PolicyRow.created_at.desc(),))
    return [_info(r) for r in found]


def policy_row(conn: Connection, digest: str, *, what: str = "") -> Any:
    """The registered policy with this digest; ``IllegalTransition`` when it is not registered."""
    found = one(conn, PolicyRow, PolicyRow.digest == digest)
    if found is None:
        raise IllegalTransition(
            f"{what}policy {digest[:19]} is not registered: an admin registers it with "
            "`redline policies register FILE` (a policy change is a governance act)")
    return found


def rules_for(conn: Connection, digest: str) -> Governance:
    row = policy_row(conn, digest)
    return rules_of(row.governance, f"policy {row.name}")


def newest_digest(conn: Connection) -> str | None:
    found = rows(conn, PolicyRow, order=(PolicyRow.created_at.desc(),))
    return None if not found else str(found[0].digest)


def digest_of_file(path: Path | str) -> str:
    """Load and validate a policy file; its digest. It must have a governance section."""
    from redline.policy import load_policy

    pol = load_policy(path)
    if pol.governance is None:
        raise PolicyError(f"{path}: the policy has no 'governance' section; releases need one")
    return pol.digest


def _info(row: Any) -> PolicyInfo:
    return PolicyInfo(digest=row.digest, name=row.name, version=row.version, path=row.path,
                      roles=sorted(row.governance.get("roles", {})), created_at=row.created_at,
                      created_by=row.created_by)
