"""Dashboard queries at scale: paged and trimmed, yet row for row what the old full queries gave.

The references are the previous Reader queries (one SELECT * per list, no LIMIT), sliced
the way a page now asks; the store is the report's synthetic scale corpus (ties, undated
events, blank actors, hostile markup) so orders and NULLs are exercised.
"""
from __future__ import annotations

import datetime as dt

import pytest

from scale_corpus import build  # tests/report is on sys.path (see conftest.py)
from tightrope.serve.queries import ACTORS_SQL, EVENT_ORDER, EventFilter, Reader
from tightrope.store.export import plain_value


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("servescale") / "s.duckdb", 120)


@pytest.fixture(scope="module")
def reader(db):
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    yield Reader(con)
    con.close()


def old_all(r: Reader, sql: str, params=()) -> list[dict]:
    cur = r.con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [{k: plain_value(v) for k, v in zip(names, row)} for row in cur.fetchall()]


def old_events(r: Reader, f: EventFilter, limit: int, offset: int) -> tuple[int, list[dict]]:
    where, params = f.where()
    total = r.con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]
    return total, old_all(r, f"SELECT * FROM events{where} {EVENT_ORDER} LIMIT ? OFFSET ?", params + [limit, offset])


def old_actor_facts(r: Reader, key: str) -> dict[str, list[dict]]:
    return {
        "events": old_all(r, f"SELECT * FROM events WHERE actor1_id = ? OR actor2_id = ? OR actor1 = ? OR actor2 = ?"
                             f" {EVENT_ORDER}", [key] * 4),
        "statements": old_all(r, "SELECT * FROM statements WHERE speaker_id = ? OR speaker = ?"
                                 " ORDER BY date NULLS LAST, doc_id, char_start", [key] * 2),
        "relations": old_all(r, "SELECT * FROM relations WHERE subject_id = ? OR object_id = ? OR subject = ?"
                                " OR object = ? ORDER BY doc_id, char_start", [key] * 4)}


FILTERS = [  # (id, filter)
    ("none", EventFilter()),
    ("dates", EventFilter(dt.date(2023, 3, 1), dt.date(2024, 6, 30))),
    ("actor id", EventFilter(actor="kataib_hezbollah")),
    ("actor name part", EventFilter(actor="resistance")),
    ("type", EventFilter(type="ASSAULT")),
    ("place", EventFilter(place="erbil")),
    ("all", EventFilter(dt.date(2023, 1, 1), dt.date(2024, 12, 31), "israel", "ASSAULT", "iraq")),
    ("hostile", EventFilter(actor="x') OR 1=1 --", place="%")),
]
PAGES = [(50, 0), (50, 50), (7, 13), (500, 0), (10, 10_000)]


@pytest.mark.parametrize("f", [f for _, f in FILTERS], ids=[i for i, _ in FILTERS])
@pytest.mark.parametrize("limit,offset", PAGES)
def test_event_pages_equal_the_old_query(reader, f, limit, offset):
    assert reader.events(f, limit, offset) == old_events(reader, f, limit, offset)


@pytest.mark.parametrize("f", [f for _, f in FILTERS], ids=[i for i, _ in FILTERS])
@pytest.mark.parametrize("limit", [1, 30, 5000])
def test_map_rows_give_the_same_map(reader, f, limit):
    from tightrope.report.geomap import event_map

    _, full = old_events(reader, f, limit, 0)
    slim = reader.map_events(f, limit)
    assert [e["event_id"] for e in slim] == [e["event_id"] for e in full]
    assert event_map(slim, width=420) == event_map(full, width=420)


@pytest.mark.parametrize("limit,offset", [(None, 0), (3, 0), (3, 2), (200, 0), (5, 1000)])
def test_actor_pages_equal_the_old_table(reader, limit, offset):
    every = old_all(reader, ACTORS_SQL)
    assert reader.actors_total() == len(every)
    assert reader.actors(limit, offset) == every[offset:None if limit is None else offset + limit]


@pytest.mark.parametrize("key", ["kataib_hezbollah", "islamic_resistance_in_iraq", "Local militia", "Spokesman",
                                 "nobody", "x' OR '1'='1"])
@pytest.mark.parametrize("limit,offset", [(None, 0), (5, 0), (5, 5), (1, 3)])
def test_actor_facts_pages_equal_the_old_lists(reader, key, limit, offset):
    old = old_actor_facts(reader, key)
    end = None if limit is None else offset + limit
    assert reader.actor_facts(key, limit, offset) == {k: v[offset:end] for k, v in old.items()}
    assert reader.actor_totals(key) == {k: len(v) for k, v in old.items()}


@pytest.mark.parametrize("limit,offset", [(None, 0), (2, 0), (2, 3)])
def test_stats_pages(reader, limit, offset):
    every = old_all(reader, "SELECT * FROM stats ORDER BY period_start NULLS LAST, doc_id, char_start, stat_id")
    assert reader.stats(limit, offset) == every[offset:None if limit is None else offset + limit]
    assert reader.count("stats") == len(every)


@pytest.fixture(scope="module")
def scale_client(db):
    from fastapi.testclient import TestClient

    from tightrope.serve.app import create_app

    with TestClient(create_app(db)) as c:
        yield c


@pytest.mark.parametrize("url,key,total", [("/api/actors?limit=3&offset=1", "actors", "actors"),
                                           ("/api/stats?limit=2", "stats", "stats")])
def test_api_lists_are_paged(scale_client, reader, url, key, total):
    got = scale_client.get(url).json()
    want = reader.actors(3, 1) if key == "actors" else reader.stats(2, 0)
    assert got[key] == want and got["total"] == (reader.actors_total() if key == "actors" else reader.count("stats"))
    assert scale_client.get(url.split("?")[0] + "?limit=0").status_code == 422


def test_api_actor_is_paged_with_totals(scale_client, reader):
    got = scale_client.get("/api/actor/kataib_hezbollah", params={"limit": 4, "offset": 2}).json()
    old = old_actor_facts(reader, "kataib_hezbollah")
    assert got["events"] == old["events"][2:6] and got["totals"]["events"] == len(old["events"])
    assert got["relations"] == old["relations"][2:6]


def test_pages_say_what_they_show(scale_client, reader, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_SERVE_LIST_ROWS", "5")  # Settings.serve_list_rows, read per request
    n = reader.actor_totals("kataib_hezbollah")["events"]
    page = scale_client.get("/actors/kataib_hezbollah").text
    assert f"Events (5 shown of {n})" in page and "page=2" in page
    assert "page=2" in scale_client.get("/actors").text
    last = scale_client.get(f"/actors/kataib_hezbollah?page={(n + 4) // 5}").text
    assert "next &rarr;" not in last and "previous" in last


def test_actors_table_is_recomputed_when_the_store_changes(tmp_path):
    from tightrope.serve.app import StoreAccess
    from tightrope.store.db import Store

    path = build(tmp_path / "m.duckdb", 20)
    access = StoreAccess(path)
    with access.read() as r:
        before = r.actors_total()
    with access.read() as r:
        assert r.actors_total() == before  # from the memo
    with access.write(), Store(path) as st:
        st.con.execute("INSERT INTO events (event_id, doc_id, actor1, char_start) VALUES ('new', 'd0', 'Newcomer', 0)")
    with access.read() as r:
        assert r.actors_total() == before + 1
    access.close()
    with Store(path) as st:  # another process writing while the dashboard's connection is closed
        st.con.execute("INSERT INTO events (event_id, doc_id, actor1, char_start) VALUES ('new2', 'd0', 'Other', 0)")
        st.con.execute("CHECKPOINT")
    with access.read() as r:
        assert r.actors_total() == before + 2
    access.close()
