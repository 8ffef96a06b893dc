"""Event pages found within their dates (Reader._window), the facets and the landing map kept per
state of the store: each compared, page by page, with the plain query it replaced.

The store is built here so the dates are lumpy on purpose: a crowded day, a lone event, empty
gaps, undated events (they sort last) and ties on date, document and offset that only the event id
breaks.  Offsets sit on, before and after every boundary between dates.  The references spell the
order out instead of importing it: a change of order or total fails here.
"""
from __future__ import annotations

import datetime as dt
import random
from urllib.parse import urlencode

import duckdb
import pytest

from tightrope.serve.queries import MAP_COLS, EventFilter, Reader
from tightrope.store.export import plain_value

ORDER = "ORDER BY event_date NULLS LAST, doc_id, char_start, event_id"
# (date, events on it): 5 | 60 | 1 | 30 | 4 | 25 undated = 125, boundaries at 5, 65, 66, 96, 100.
DAYS = [(dt.date(2024, 1, 1), 5), (dt.date(2024, 1, 2), 60), (dt.date(2024, 1, 5), 1),
        (dt.date(2024, 2, 1), 30), (dt.date(2024, 3, 1), 4), (None, 25)]
OFFSETS = [0, 1, 4, 5, 6, 64, 65, 66, 67, 95, 96, 99, 100, 101, 124, 125, 126, 10_000]
LIMITS = [1, 3, 50, 200]
HOSTILE_PLACE = "<b onmouseover=alert(1)>Ville</b>"


def _events() -> list[dict]:
    rng = random.Random(5)
    out, i = [], 0
    for date, n in DAYS:
        for _ in range(n):
            out.append({"event_id": f"{rng.getrandbits(48):012x}", "doc_id": f"d{i % 3}", "event_date": date,
                        "plover_type": ["ASSAULT", "PROTEST"][i % 2], "actor1": f"Group {i % 4}",
                        "actor1_id": f"a{i % 4}" if i % 5 else None, "actor2": f"Group {i % 3}" if i % 7 else None,
                        "location": HOSTILE_PLACE if i % 11 == 0 else f"Town {i % 6}", "country": "Iraq",
                        "latitude": None if i % 9 == 4 else 30.0 + i % 8, "longitude": 40.0 + i % 5,
                        "geo_precision": 1 + i % 3, "text": f"Event {i}.",
                        "char_start": None if i % 17 == 3 else (i % 4) * 10})
            i += 1
    return out


def _fill(con, rows: list[dict]) -> None:
    cols = list(rows[0])
    con.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [[r[c] for c in cols] for r in rows])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from tightrope.store.db import Store

    path = tmp_path_factory.mktemp("paging") / "p.duckdb"
    with Store(path) as st:
        st.con.executemany("INSERT INTO documents (doc_id, title, text) VALUES (?, ?, ?)",
                           [[f"d{k}", f"Doc {k}", "text"] for k in range(3)])
        rows = _events()
        random.Random(2).shuffle(rows)  # stored out of order: the order comes from the query alone
        _fill(st.con, rows)
    return path


@pytest.fixture(scope="module")
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def plain(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [{k: plain_value(v) for k, v in zip(names, row)} for row in cur.fetchall()]


FILTERS = [  # (id, filter): each narrows the dates differently
    ("none", EventFilter()),
    ("actor id", EventFilter(actor="a1")),
    ("actor name part", EventFilter(actor="group 2")),
    ("type", EventFilter(type="PROTEST")),
    ("dates", EventFilter(dt.date(2024, 1, 2), dt.date(2024, 2, 1))),
    ("place and type", EventFilter(type="ASSAULT", place="town 1")),
    ("nothing matches", EventFilter(actor="nobody")),
    ("hostile", EventFilter(actor="x') OR 1=1 --", place="%")),
]


@pytest.mark.parametrize("f", [f for _, f in FILTERS], ids=[i for i, _ in FILTERS])
@pytest.mark.parametrize("limit", LIMITS)
def test_event_pages_equal_the_plain_query(con, f, limit):
    where, params = f.where()
    total = con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]
    for offset in OFFSETS:
        want = plain(con, f"SELECT * FROM events{where} {ORDER} LIMIT ? OFFSET ?", params + [limit, offset])
        got_total, got = Reader(con).events(f, limit, offset)
        assert got_total == total, offset
        assert [e["event_id"] for e in got] == [e["event_id"] for e in want], offset
        assert got == want, offset


@pytest.mark.parametrize("f", [f for _, f in FILTERS], ids=[i for i, _ in FILTERS])
@pytest.mark.parametrize("limit", [1, 5, 66, 5000])
def test_map_rows_equal_the_plain_query(con, f, limit):
    where, params = f.where()
    assert Reader(con).map_events(f, limit) == plain(con, f"SELECT {MAP_COLS} FROM events{where} {ORDER} LIMIT ?",
                                                     params + [limit])


@pytest.mark.parametrize("key", ["a1", "Group 2", "nobody"])
@pytest.mark.parametrize("limit,offset", [(None, 0), (1, 0), (3, 20), (50, 40), (7, 66), (200, 0), (5, 500)])
def test_actor_events_equal_the_plain_query(con, key, limit, offset):
    want = plain(con, f"SELECT * FROM events WHERE actor1_id = ? OR actor2_id = ? OR actor1 = ? OR actor2 = ? {ORDER}",
                 [key] * 4)
    end = None if limit is None else offset + limit
    r = Reader(con)
    assert r.actor_facts(key, limit, offset)["events"] == want[offset:end]
    assert r.actor_totals(key)["events"] == len(want)


# (offset, limit) -> the dates the page is sought in, and the offset within them: the sort must
# cover these dates only (a wider window would give the same rows, just slowly: checked here).
WINDOWS = [
    ((0, 5), "event_date BETWEEN ? AND ?", [dt.date(2024, 1, 1)] * 2, 0),
    ((3, 3), "event_date BETWEEN ? AND ?", [dt.date(2024, 1, 1), dt.date(2024, 1, 2)], 3),
    ((65, 1), "event_date BETWEEN ? AND ?", [dt.date(2024, 1, 5)] * 2, 0),
    ((70, 20), "event_date BETWEEN ? AND ?", [dt.date(2024, 2, 1)] * 2, 4),
    ((99, 3), "event_date >= ? OR event_date IS NULL", [dt.date(2024, 3, 1)], 3),
    ((110, 50), "event_date IS NULL", [], 10),
]


@pytest.mark.parametrize("page,cond,cparams,skip", WINDOWS)
def test_pages_are_sought_within_their_dates(con, page, cond, cparams, skip):
    offset, limit = page
    conds, params, got_skip = Reader(con)._window([], [], limit, offset)
    assert (conds, params, got_skip) == ([cond], cparams, skip)
    assert Reader(con)._window([], [], 1, 125) is None  # past the end: no query at all


def test_facets_and_landing_map_follow_the_store(tmp_path):
    """Kept once per state of the store, yet never stale; the kept map stays escaped."""
    from fastapi.testclient import TestClient

    from tightrope.report.geomap import event_map
    from tightrope.serve.app import create_app
    from tightrope.serve.pages import MAP_EVENTS, _env
    from tightrope.store.db import Store

    path = tmp_path / "m.duckdb"
    with Store(path) as st:
        st.con.execute("INSERT INTO documents (doc_id, title, text) VALUES ('d0', 'Doc', 'text')")
        _fill(st.con, _events()[:40])

    def map_fragment() -> str:  # the map as rendered from a plain query of the first matches
        with duckdb.connect(str(path), read_only=True) as c:
            emap = event_map(plain(c, f"SELECT {MAP_COLS} FROM events {ORDER} LIMIT ?", [MAP_EVENTS]), width=420)
        for p in emap["points"]:
            p["href"] = "/?" + urlencode({"place": p["name"], "page": 1})
        return _env().get_template("_map.html.j2").render(map=emap)

    app = create_app(path)
    with TestClient(app) as client:
        first = client.get("/").text
        assert map_fragment() in first and map_fragment() in client.get("/?page=2").text
        assert HOSTILE_PLACE not in first and "&lt;b onmouseover=alert(1)&gt;Ville&lt;/b&gt;" in first
        assert HOSTILE_PLACE not in client.get("/?type=ASSAULT").text  # built per request: escaped too
        assert "<option>RETREAT</option>" not in first
        new = {**_events()[0], "event_id": "zz1", "event_date": dt.date(2023, 6, 1), "plover_type": "RETREAT",
               "location": "Newtown", "latitude": 33.3, "longitude": 44.4}
        with app.state.store.write(), Store(path) as st:  # the in-process writer (ingest)
            _fill(st.con, [new])
        second = client.get("/").text
        assert "<option>RETREAT</option>" in second and "Newtown" in second
        assert map_fragment() in second
        app.state.store.close()
        with Store(path) as st:  # another process, while the dashboard's connection is closed
            _fill(st.con, [{**new, "event_id": "zz2", "plover_type": "SURRENDER", "location": "Othertown"}])
            st.con.execute("CHECKPOINT")
        third = client.get("/").text
        assert "<option>SURRENDER</option>" in third and "Othertown" in third and map_fragment() in third
