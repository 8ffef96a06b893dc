from __future__ import annotations

import json

import pytest

from tightrope.models import DateValue, Document, Event, Extraction, Provenance, Relation, Statement, Statistic
from tightrope.store.db import Store
from tightrope.store.export import CONTRACT, export

import datetime as dt

TEXT = "Headline\nOn 4 May 2024 a drone hit the depot, officials said. \"We will respond,\" the commander said."


def _doc(text=TEXT):
    from tightrope.ingest.readers import doc_id_for

    return Document(doc_id=doc_id_for(text), text=text, path="/x/a.txt", title="Headline", publisher="Desk",
                    published=DateValue(dt.date(2024, 5, 5), "day", "dateline"))


def _extraction(doc):
    s0, s1 = 9, TEXT.index(" \"We")
    prov = Provenance(doc.doc_id, s0, s1, "test", 1.0)
    ev = Event(event_id="e1", doc_id=doc.doc_id, provenance=prov, text=TEXT[s0:s1], plover_type="ASSAULT",
               date=DateValue(dt.date(2024, 5, 4), "day", "absolute"), attributed_to=("officials",))
    q0 = TEXT.index("\"We")
    st = Statement(statement_id="s1", doc_id=doc.doc_id, provenance=Provenance(doc.doc_id, q0, len(TEXT), "t"),
                   text=TEXT[q0:], quote="We will respond", speaker="the commander", statement_type="THREATEN")
    stat = Statistic(stat_id="st1", doc_id=doc.doc_id, provenance=prov, text=TEXT[s0:s1], value=1.0,
                     subject="drone", period_start=dt.date(2024, 5, 4))
    rel = Relation(doc_id=doc.doc_id, provenance=prov, text=TEXT[s0:s1], subject="A", relation="part_of", object="B")
    return Extraction(doc.doc_id, (ev,), (st,), (stat,), (rel,))


def test_migrations_are_recorded_once(tmp_path):
    p = tmp_path / "m.duckdb"
    with Store(p) as s:
        n = s.con.execute("select count(*) from schema_migrations").fetchone()[0]
    with Store(p) as s:
        assert s.migrate() == []
        assert s.con.execute("select count(*) from schema_migrations").fetchone()[0] == n


def test_documents_dedup_by_content(store):
    d = _doc()
    assert len(store.add_documents([d, d])) == 1
    assert store.add_documents([d]) == []
    assert store.count("documents") == 1


def test_save_extraction_replaces_previous(store):
    d = _doc()
    store.add_documents([d])
    store.save_extractions([_extraction(d)], "v1")
    store.save_extractions([_extraction(d)], "v1")
    assert store.count("events") == 1 and store.count("relations") == 1
    assert store.documents(only_unextracted_for="v1") == []
    assert len(store.documents(only_unextracted_for="v2")) == 1


def test_hostile_text_is_stored_verbatim(store):
    evil = "Robert'); DROP TABLE documents;-- <script>alert(1)</script> " * 3
    d = _doc(evil)
    store.add_documents([d])
    assert store.rows("documents")[0]["text"] == evil


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_contract(store, tmp_path, fmt):
    d = _doc()
    store.add_documents([d])
    store.save_extractions([_extraction(d)], "v1")
    paths = export(store, tmp_path / "out", fmt)
    assert sorted(p.name for p in paths) == sorted(f"{t}.{fmt}" for t in CONTRACT)
    if fmt == "jsonl":
        docs = [json.loads(x) for x in (tmp_path / "out/documents.jsonl").read_text().splitlines()]
        assert list(docs[0]) == CONTRACT["documents"]
        text = docs[0]["text"]
        for table in ("events", "statements", "stats", "relations"):
            rows = [json.loads(x) for x in (tmp_path / f"out/{table}.jsonl").read_text().splitlines()]
            assert rows and list(rows[0]) == CONTRACT[table]
            for r in rows:
                assert text[r["char_start"]:r["char_end"]] == r["text"]
        ev = json.loads((tmp_path / "out/events.jsonl").read_text().splitlines()[0])
        assert ev["event_date"] == "2024-05-04" and ev["attributed_to"] == ["officials"]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(tmp_path / "out/events.parquet").num_rows == 1


def test_export_is_byte_identical_on_rerun(store, tmp_path):
    d = _doc()
    store.add_documents([d])
    store.save_extractions([_extraction(d)], "v1")
    export(store, tmp_path / "a", "jsonl")
    store.save_extractions([_extraction(d)], "v1")
    export(store, tmp_path / "b", "jsonl")
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes()
