"""The DuckDB store: documents, extracted facts, rejects and runs.

Every write is parameterised (article text never reaches SQL as code) and
happens in a transaction per batch, so an interrupted run leaves whole
documents or nothing.  Re-extracting a document replaces its facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from tightrope.errors import StoreError
from tightrope.models import Document, Extraction, Reject
from tightrope.store.schema import MIGRATIONS

FACT_TABLES = ("events", "statements", "stats", "relations")


def _columns(rows: Sequence[dict[str, Any]], table_cols: Sequence[str]) -> list[str]:
    return [c for c in table_cols if c in rows[0]]


def _arrow_rows(rows: Sequence[dict[str, Any]], cols: Sequence[str], types: dict[str, str]):
    """Rows as one Arrow table typed like the store's columns, or None when a column
    type has no mapping here or a value does not fit it (the caller then binds row by
    row, which reports the same error as before).  Dates stay strings: DuckDB casts
    them on insert exactly as it casts a bound string parameter."""
    import pyarrow as pa

    mapping = {"VARCHAR": pa.string(), "DATE": pa.string(), "DOUBLE": pa.float64(), "INTEGER": pa.int64(),
               "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string())}
    arrays = []
    for c in cols:
        t = mapping.get(types.get(c, ""))
        if t is None:
            return None
        try:
            arrays.append(pa.array([r.get(c) for r in rows], type=t))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            return None
    return pa.Table.from_arrays(arrays, names=list(cols))


class Store:
    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as e:
            raise StoreError(f"{self.path}: cannot open database ({e})") from e
        self._cols: dict[str, list[str]] = {}
        self._types: dict[str, dict[str, str]] = {}
        if not read_only:
            self.migrate()

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[str]:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)"
        )
        done = {r[0] for r in self.con.execute("SELECT name FROM schema_migrations").fetchall()}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            try:
                self.con.execute("BEGIN")
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, current_timestamp)", [name])
                self.con.execute("COMMIT")
            except duckdb.Error as e:
                self.con.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {name} failed ({e})") from e
            applied.append(name)
        return applied

    def table_types(self, table: str) -> dict[str, str]:
        """Column name -> DuckDB type name (``VARCHAR``, ``DOUBLE``, ``VARCHAR[]`` ...)."""
        if table not in self._types:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table],
            ).fetchall()
            self._types[table] = dict(rows)
        return self._types[table]

    def table_columns(self, table: str) -> list[str]:
        if table not in self._cols:
            rows = self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            self._cols[table] = [r[0] for r in rows]
        return self._cols[table]

    # -- writes ----------------------------------------------------------
    def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = _columns(rows, self.table_columns(table))
        # Vectorised: one Arrow table per batch instead of a bound statement per row
        # (executemany cost ~10 ms per article's facts, as much as extracting them).
        arrow = _arrow_rows(rows, cols, self.table_types(table))
        if arrow is not None:
            name = f"_tightrope_rows_{table}"
            self.con.register(name, arrow)
            try:
                self.con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {name}")
            finally:
                self.con.unregister(name)
            return
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        self.con.executemany(sql, [[r.get(c) for c in cols] for r in rows])

    def known_doc_ids(self, doc_ids: Iterable[str]) -> set[str]:
        ids = list(doc_ids)
        if not ids:
            return set()
        # A semi-join on the primary key: cost grows with the batch, not with the table.
        rows = self.con.execute("SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                                [ids]).fetchall()
        return {r[0] for r in rows}

    def _new_documents(self, docs: Sequence[Document]) -> list[Document]:
        seen: set[str] = set()
        unique = [d for d in docs if not (d.doc_id in seen or seen.add(d.doc_id))]
        known = self.known_doc_ids(d.doc_id for d in unique)
        return [d for d in unique if d.doc_id not in known]

    def add_documents(self, docs: Sequence[Document]) -> list[Document]:
        """Store documents not yet stored (content-hash dedup); return the new ones."""
        return self.add_batch(docs, (), None)

    def add_batch(self, docs: Sequence[Document], rejects: Sequence[Reject], run_id: str | None) -> list[Document]:
        """One ingest batch in one transaction: its new documents and its rejects, or nothing.

        A run killed at any point leaves whole batches; re-running the same input
        stores the documents of the lost batch (the others are known by content hash).
        """
        new: list[Document] = []

        def work() -> None:
            new.extend(self._new_documents(docs))
            self._insert("documents", [d.to_row() for d in new])
            self._insert("rejects", _reject_rows(rejects, run_id))

        self._tx(work)
        return new

    def save_extractions(self, extractions: Sequence[Extraction], version: str) -> None:
        """Replace the facts of each document with a fresh extraction, atomically."""

        def work() -> None:
            ids = [x.doc_id for x in extractions]
            for table in FACT_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, doc_id)", [ids])
            self.con.execute("DELETE FROM text_actors WHERE list_contains(?, doc_id)", [ids])
            self._insert("events", [e.to_row() for x in extractions for e in x.events])
            self._insert("statements", [s.to_row() for x in extractions for s in x.statements])
            self._insert("stats", [s.to_row() for x in extractions for s in x.stats])
            self._insert("relations", [_relation_row(r) for x in extractions for r in x.relations])
            actors = {a.actor_id: a for x in extractions for a in x.actors}
            if actors:
                self.con.execute("DELETE FROM text_actors WHERE list_contains(?, actor_id)", [list(actors)])
            self._insert("text_actors", [_text_actor_row(a) for a in actors.values()])
            self.con.execute(
                "UPDATE documents SET extracted_version = ? WHERE list_contains(?, doc_id)", [version, ids]
            )

        self._tx(work)

    def add_rejects(self, rejects: Sequence[Reject], run_id: str | None) -> None:
        self._tx(lambda: self._insert("rejects", _reject_rows(rejects, run_id)))

    def start_run(self) -> str:
        """Record a new run.  Runs still marked running were cut off (killed, crashed):
        DuckDB lets one process write a file at a time, so none of them is alive."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        run_id = "r" + now.strftime("%Y%m%dT%H%M%S%f")
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        self.con.execute("INSERT INTO runs (run_id, started, status) VALUES (?, ?, 'running')", [run_id, now])
        return run_id

    def finish_run(self, run_id: str, status: str, files: int, documents: int, new: int, rejects: int) -> None:
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, files = ?, documents = ?, new_documents = ?, rejects = ?"
            " WHERE run_id = ?",
            [now, status, files, documents, new, rejects, run_id],
        )

    def _tx(self, fn) -> None:
        try:
            self.con.execute("BEGIN")
            fn()
            self.con.execute("COMMIT")
        except BaseException as e:
            self.con.execute("ROLLBACK")
            if isinstance(e, duckdb.Error):
                raise StoreError(f"{self.path}: write failed ({e})") from e
            raise

    # -- reads -----------------------------------------------------------
    def rows(self, table: str, where: str = "", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """All rows of a table as dicts; ``where`` is our own SQL with ``?`` parameters."""
        order = {
            "documents": "doc_id",
            "events": "doc_id, char_start, event_id",
            "statements": "doc_id, char_start, statement_id",
            "stats": "doc_id, char_start, stat_id",
            "relations": "doc_id, char_start, relation_id",
            "text_actors": "actor_id",
            "rejects": "rejected_at, path, item",
            "runs": "started",
        }[table]
        cur = self.con.execute(f"SELECT * FROM {table} {where} ORDER BY {order}", list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def actor_mentions(self) -> dict[str, int]:
        """Mentions per actor id: event sides (actor1_id, actor2_id) and statement speakers.

        Counted by GROUP BY in DuckDB: a million events give a few thousand ids, not
        two million Python dicts (``resolve.graph.actor_graph`` sizes its nodes by these).
        """
        return dict(self.con.execute(
            "SELECT id, count(*) FROM (SELECT actor1_id AS id FROM events UNION ALL SELECT actor2_id FROM events "
            "UNION ALL SELECT speaker_id FROM statements) WHERE id IS NOT NULL GROUP BY id").fetchall())

    def document_ids(self, only_unextracted_for: str | None = None) -> list[str]:
        """Ids of the documents ``documents()`` would return, in the same order (for paging)."""
        where, params = ("", [])
        if only_unextracted_for is not None:
            where, params = "WHERE extracted_version IS DISTINCT FROM ?", [only_unextracted_for]
        return [r[0] for r in self.con.execute(f"SELECT doc_id FROM documents {where} ORDER BY doc_id",
                                               params).fetchall()]

    def documents(self, only_unextracted_for: str | None = None, *,
                  ids: Sequence[str] | None = None) -> list[Document]:
        """Stored documents in doc_id order; ``ids``: only these (a page of ``document_ids()``)."""
        from tightrope.models import DateValue

        where, params = ("", [])
        if only_unextracted_for is not None:
            where, params = "WHERE extracted_version IS DISTINCT FROM ?", [only_unextracted_for]
        if ids is not None:
            where = (where + " AND " if where else "WHERE ") + "list_contains(?, doc_id)"
            params = [*params, list(ids)]
        out = []
        for r in self.rows("documents", where, params):
            pub = None
            if r["published"]:
                p = r["published"]
                date = dt.date.fromisoformat(p if len(p) == 10 else (p + "-01" if len(p) == 7 else p + "-01-01"))
                pub = DateValue(date, r["published_precision"] or "day", r["published_method"] or "metadata")
            out.append(Document(doc_id=r["doc_id"], text=r["text"], path=r["path"], url=r["url"],
                                title=r["title"], publisher=r["publisher"], published=pub,
                                source_format=r["source_format"] or "text"))
        return out

    def count(self, table: str) -> int:
        if table not in FACT_TABLES + ("documents", "rejects", "runs", "text_actors"):
            raise StoreError(f"unknown table {table}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _reject_rows(rejects: Sequence[Reject], run_id: str | None) -> list[dict[str, Any]]:
    return [{"path": r.path, "item": r.item, "reason": r.reason, "run_id": run_id} for r in rejects]


def _relation_row(r) -> dict[str, Any]:
    row = r.to_row()
    key = f"{r.doc_id}|{r.provenance.char_start}|{r.provenance.char_end}|{r.subject}|{r.relation}|{r.object}"
    row["relation_id"] = "rel" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return row


def _text_actor_row(a) -> dict[str, Any]:
    p = a.provenance
    return {"actor_id": a.actor_id, "name": a.name, "actor_type": a.actor_type, "country": a.country,
            "doc_id": p.doc_id if p else None, "char_start": p.char_start if p else None,
            "char_end": p.char_end if p else None}
