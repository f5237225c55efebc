"""`redline suites ...`: list, inspect and import suites."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from redline.cli._output import out, print_json, table, user_errors
from redline.errors import SuiteError

app = typer.Typer(help="Suites of probes.", no_args_is_help=True)


@app.command("list")
def list_suites(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the built-in suites."""
    from redline.suites import builtin_names, load_suite

    with user_errors():
        suites = [load_suite(n) for n in builtin_names()]
    rows = [{"name": s.name, "version": s.version, "probes": len(s.probes), "judge": s.judge,
             "digest": s.digest} for s in suites]
    if as_json:
        print_json(rows)
        return
    out.print(table("Built-in suites", ["name", "version", "probes", "judge", "digest"],
                    [list(r.values()) for r in rows]))


@app.command("show")
def show(
    suite: Annotated[str, typer.Argument(help="Built-in name or suite file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate a suite and show its categories and expectations."""
    from redline.suites import load_suite

    with user_errors():
        s = load_suite(suite)
    if as_json:
        data = s.model_dump(mode="json")
        data["digest"] = s.digest
        print_json(data)
        return
    out.print(f"[bold]{s.name}[/] v{s.version} — {len(s.probes)} probes, judge {s.judge}\n"
              f"{s.description.strip()}\ndigest {s.digest}")
    cats = Counter(p.category for p in s.probes)
    out.print(table(None, ["category", "probes"], [[c, n] for c, n in sorted(cats.items())]))


@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(
        help="advbench, harmbench, jbb, xstest, truthfulqa or donotanswer.")],
    path: Annotated[str, typer.Argument(
        help="The dataset: a local .csv/.jsonl file, or hf:ORG/NAME[:SPLIT] "
             "(hf:ORG/NAME:CONFIG:SPLIT) on the Hugging Face hub.")],
    name: Annotated[str, typer.Option("--name", help="Name of the new suite.")],
    output: Annotated[Path | None, typer.Option(
        "--output", help="Suite file to write (default ./suites/NAME.yaml).")] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Keep only the first N probes.")] = None,
    subset: Annotated[str | None, typer.Option(
        "--subset", help="jbb: harmful or benign (default: from the file name); "
                         "xstest: safe or unsafe.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import a public dataset as a suite, with provenance and licence recorded.

    The suite is written as a normal suite YAML file that `redline run --suite
    FILE` accepts, and saved in the store. The file path is the last line of
    stdout. Reading hf: paths needs network and the `datasets` package (the
    `import` extra of redline).
    """
    from rich.markup import escape

    from redline.store import Store
    from redline.suites import import_suite, write_suite_yaml

    target = output if output is not None else Path("suites") / f"{name}.yaml"
    with user_errors():
        if target.exists() and not force:
            raise SuiteError("the file already exists; pass --force to replace it",
                             path=str(target))
        suite = import_suite(kind, path, name=name, limit=limit, subset=subset)
        with Store.open() as store:
            digest, n = store.save_suite(suite)
        write_suite_yaml(suite, target, overwrite=True)
    expects = Counter(p.expect if isinstance(p.expect, str) else "answer" for p in suite.probes)
    if as_json:
        print_json({"name": suite.name, "kind": kind, "file": str(target), "digest": digest,
                    "probes": n, "license": suite.license, "judge": suite.judge,
                    "expect": dict(sorted(expects.items())),
                    "categories": len({p.category for p in suite.probes})})
        return
    source = suite.probes[0].provenance.source
    out.print(f"Imported {n} probes from {source} (licence {suite.license}) as suite "
              f"[bold]{suite.name}[/], judge {suite.judge}; expect "
              + ", ".join(f"{k} {v}" for k, v in sorted(expects.items()))
              + f"\nstored as {digest}\nrun it with: redline run --suite {escape(str(target))} "
              "--target ...")
    out.print(str(target), markup=False)
