"""`redline init`, `redline users ...` and `redline policies ...`: people, roles, policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli._output import err, out, print_json, table
from redline.cli._session import JsonOpt, TokenOpt, gov_errors, session

app = typer.Typer(help="Users, their roles and tokens.", no_args_is_help=True)
policies_app = typer.Typer(help="Policies that govern releases.", no_args_is_help=True)


def init(
    admin: Annotated[str, typer.Option("--admin", help="Name of the first admin.")] = "admin",
    policy: Annotated[Path | None, typer.Option(
        "--policy", help="Register this policy (with a governance section) right away.")] = None,
) -> None:
    """Create the store, the ledger's signing key and the first admin; print its token once."""
    from redline.governance import init_store, register_policy
    from redline.ledger import key_path
    from redline.store import Store

    with gov_errors(), Store.open() as store:
        principal, token = init_store(store, admin)
        if policy is not None:
            info = register_policy(store, principal, policy)
            err.print(f"registered policy {info.name} v{info.version} ({info.digest[:19]}); "
                      f"roles: {', '.join(info.roles)}")
    err.print(f"store ready; ledger signing key {key_path()}; admin '{admin}' created.\n"
              "This token is shown once -- keep it secret (export REDLINE_TOKEN=...):")
    out.print(token)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The new user's name.")],
    role: Annotated[list[str], typer.Option("--role", help="A role the policy declares; "
                                                          "repeatable.")],
    policy: Annotated[Path | None, typer.Option(
        "--policy", help="Register this policy first (it declares the role).")] = None,
    token: TokenOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user (admin only) and print their token once."""
    from redline.governance import add_user, register_policy

    with session(token) as (store, me):
        if policy is not None:
            register_policy(store, me, policy)
        user, new_token = add_user(store, me, name, role[0], extra_roles=role[1:])
    if as_json:
        print_json({"user_id": user.user_id, "name": user.name, "roles": sorted(user.roles),
                    "token": new_token})
        return
    err.print(f"user '{name}' added with role(s) {', '.join(sorted(user.roles))}. "
              "This token is shown once:")
    out.print(new_token)


@app.command("list")
def list_(token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Users, their roles and whether they are active."""
    from redline.governance import list_users

    with session(token) as (store, me):
        users = list_users(store, me)
    if as_json:
        print_json([u.model_dump() for u in users])
        return
    out.print(table("Users", ["name", "roles", "status", "token", "created", "by"], [
        [u.name, ", ".join(u.roles), "active" if u.active else f"revoked {u.revoked_at}",
         u.token_hint + "...", u.created_at[:19], u.created_by or "-"] for u in users]))


@app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The user to revoke.")],
           token: TokenOpt = None) -> None:
    """Revoke a user's token for good (admin only)."""
    from redline.governance import revoke_user

    with session(token) as (store, me):
        user = revoke_user(store, me, name)
    out.print(f"revoked {user.name} at {user.revoked_at}")


@policies_app.command("register")
def register(path: Annotated[Path, typer.Argument(help="A policy file with a governance "
                                                       "section.")],
             token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Register a policy so releases can be governed by it (admin only; a ledger event)."""
    from redline.governance import register_policy

    with session(token) as (store, me):
        info = register_policy(store, me, path)
    if as_json:
        print_json(info.model_dump())
        return
    out.print(f"policy {info.name} v{info.version} registered: {info.digest}; "
              f"roles {', '.join(info.roles)}")


@policies_app.command("list")
def list_policies(as_json: JsonOpt = False) -> None:
    """Registered policies, newest first."""
    from redline.governance import list_policies as registered
    from redline.store import Store

    with gov_errors(), Store.open() as store:
        found = registered(store)
    if as_json:
        print_json([p.model_dump() for p in found])
        return
    out.print(table("Policies", ["name", "version", "digest", "roles", "registered", "by"], [
        [p.name, p.version, p.digest[:19], ", ".join(p.roles), p.created_at[:19], p.created_by]
        for p in found]))
