"""Commands of the resolve stage: ``tightrope actors [list|show]`` and ``tightrope merge``.

Thin: options in, library call (resolve.profiles, resolve.merge), lines out.
Registered by ``tightrope.cli._register_plugins`` through ``register(app)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tightrope.errors import TightropeError

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default ./tightrope.duckdb).")]
TypeOpt = Annotated[Optional[str], typer.Option("--type", help="Only actors of this type (state, armed_group, person...).")]
SearchOpt = Annotated[Optional[str], typer.Option("--search", help="Only actors whose name, alias or id contains this.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")]


def _core():
    from tightrope import cli  # imported late: this module is loaded while tightrope.cli is being built

    return cli


def _store(db: Path | None, required: bool = False):
    """Open the store read-only when one exists (listing must not create a database)."""
    from tightrope.settings import Settings
    from tightrope.store.db import Store

    path = db or (Settings().db_path if required else None)
    if path is None or (not required and not Path(path).exists()):
        return None
    return Store(path, read_only=not required)


def _list(actor_type: str | None, search: str | None, db: Path | None, as_json: bool) -> None:
    from tightrope.resolve.profiles import list_actors

    core = _core()
    with core._errors():
        store = _store(db)
        try:
            rows = list_actors(store=store, actor_type=actor_type, search=search)
        finally:
            if store is not None:
                store.close()
    for r in rows:
        if as_json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            # plain write: keeps the tabs (rich would expand them), so the list pipes into cut/awk
            sys.stdout.write(f"{r['actor_id']}\t{r['name']}\t{r['actor_type']}\t{r['country'] or '-'}\t{r['origin']}\n")
    core.err.print(f"{len(rows)} actor(s)", markup=False)


def _print_profile(p: dict, out) -> None:
    line = lambda s="": out.print(s, markup=False)  # noqa: E731
    line(f"{p['name']}  [{p['actor_id']}]  {p['actor_type']}  country={p['country'] or '-'}  origin={p['origin']}")
    if p["aliases"]:
        line("aliases: " + "; ".join(p["aliases"]))
    if p["linked_text_actors"]:
        line("text actors linked here: " + ", ".join(p["linked_text_actors"]))
    for title, items, fmt in (
        ("affiliations", p["affiliations"],
         lambda a: f"{a['relation']} {a['object']} [{a['object_id']}]"),
        ("roles", p["roles"], lambda r: f"{r['role']}" + (f" of {r['org']} [{r['org_id']}]" if r["org_id"] else "")),
        ("affiliated from", p["affiliated_from"], lambda a: f"{a['subject']} [{a['subject_id']}] {a['relation']}"),
    ):
        if items:
            line(f"{title}:")
            for it in items:
                when = f" ({it.get('start') or '?'} .. {it.get('end') or 'now'})" if it.get("start") or it.get("end") else ""
                src = f"  source: {it['source']}" if it.get("source") else ""
                line(f"  - {fmt(it)}{when}{src}")
    if "evidence" in p:
        line(f"evidence in the store: {len(p['evidence'])} span(s)")
        for e in p["evidence"]:
            line(f"  - {e['doc_id']}[{e['char_start']}:{e['char_end']}] {e['table']} ({e['role']}): {e['text']}")


def register(app: typer.Typer) -> None:
    actors_app = typer.Typer(help="Actors: the knowledge base plus actors met in text.", invoke_without_command=True)

    @actors_app.callback()
    def actors_main(ctx: typer.Context, actor_type: TypeOpt = None, search: SearchOpt = None, db: DbOpt = None,
                    as_json: JsonOpt = False) -> None:
        """List actors (same as `actors list`) or use a subcommand."""
        if ctx.invoked_subcommand is None:
            _list(actor_type, search, db, as_json)

    @actors_app.command("list")
    def actors_list(actor_type: TypeOpt = None, search: SearchOpt = None, db: DbOpt = None,
                    as_json: JsonOpt = False) -> None:
        """List KB actors (and, with --db, text actors not linked to the KB)."""
        _list(actor_type, search, db, as_json)

    @actors_app.command("show")
    def actors_show(name: Annotated[str, typer.Argument(help="Actor id or name.")], db: DbOpt = None,
                    as_json: JsonOpt = False) -> None:
        """Aliases, affiliations with dates and sources, roles; text evidence when --db is given."""
        from tightrope.resolve.profiles import actor_profile

        core = _core()
        with core._errors():
            store = _store(db)
            if db is not None and store is None:
                raise TightropeError(f"{db}: no such database")
            try:
                prof = actor_profile(name, store=store)
            finally:
                if store is not None:
                    store.close()
        if as_json:
            sys.stdout.write(json.dumps(prof, ensure_ascii=False) + "\n")
        else:
            _print_profile(prof, core.out)

    app.add_typer(actors_app, name="actors")

    @app.command("merge")
    def merge(db: DbOpt = None) -> None:
        """Link text actors and merge event mentions into canonical events (rebuilds them)."""
        from tightrope import pipeline

        core = _core()
        with core._errors():
            store = _store(db, required=True)
            try:
                summary = pipeline.resolve_events(store)
            finally:
                store.close()
        core.out.print(f"mentions: {summary.mentions}\nunique events: {summary.unique}\n"
                       f"merged from several mentions: {summary.merged}\n"
                       f"reported by several documents: {summary.multi_document}", markup=False)


__all__ = ["register"]
