"""Role checks the service adds for acts that are not governance acts (starting runs, voting).

Governance acts (sign-offs, vetoes, waivers, releases, incidents) are decided
by the governance layer alone; the service never second-guesses it.
"""

from __future__ import annotations

from typing import Any

from redline.errors import PermissionDenied

#: Roles that only read: an auditor inspects evidence but does not produce it.
READ_ONLY_ROLES = frozenset({"auditor"})


def require_runner(user: Any) -> None:
    """Starting or resuming a run gathers evidence: any role but a read-only one."""
    roles = set(user.roles)
    if roles and roles <= READ_ONLY_ROLES:
        raise PermissionDenied(f"{user.name} ({', '.join(sorted(roles))}) may read evidence "
                               "but not start runs")


def require_voter(user: Any) -> None:
    """Arena votes are human judgements: any signed-in person but a read-only role."""
    roles = set(user.roles)
    if roles and roles <= READ_ONLY_ROLES:
        raise PermissionDenied(f"{user.name} ({', '.join(sorted(roles))}) may not vote")
