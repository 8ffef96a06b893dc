"""Cross-article event merging: rules, canonical fields, store rebuild, export, the 3-ways corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tightrope.resolve.canonical import canonical_id
from tightrope.resolve.merge import build_canonical, merge_events
from tightrope.resolve.textactors import Link

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Places: (location, lat, lon, country, admin1, geo_precision)
BAGHDAD = ("Baghdad", 33.31, 44.36, "Iraq", "Baghdad", 1)
ABU_GHRAIB = ("Abu Ghraib", 33.29, 44.06, "Iraq", "Baghdad", 1)  # ~28 km from Baghdad
FALLUJAH = ("Fallujah", 33.35, 43.78, "Iraq", "Anbar", 1)  # ~54 km from Baghdad
BAGHDAD_GOV = ("Baghdad Governorate", 33.3, 44.4, "Iraq", "Baghdad", 3)
ANBAR = ("Anbar", 33.0, 42.0, "Iraq", "Anbar", 3)
IRAQ = ("Iraq", 33.0, 44.0, "Iraq", None, 3)
TOWER22 = ("Tower 22", 33.32, 38.69, "Jordan", "Mafraq", 1)
TANF = ("al-Tanf", 33.5, 38.66, "Syria", "Homs", 1)  # ~20 km from Tower 22, other country
JORDAN = ("Jordan", 31.0, 36.0, "Jordan", None, 3)
NOWHERE = (None, None, None, None, None, None)

_n = 0


def ev(doc="d1", date="2024-01-28", prec="day", a1=None, a2=None, place=BAGHDAD, plover="ASSAULT",
       etype="Explosions/Remote violence", claim="reported", fatalities=None, eid=None) -> dict:
    global _n
    _n += 1
    loc, lat, lon, country, admin1, gp = place
    return {"event_id": eid or f"e{_n:04d}", "doc_id": doc, "char_start": _n, "char_end": _n + 5,
            "event_date": dt.date.fromisoformat(date) if date else None, "date_precision": prec if date else None,
            "event_type": etype, "sub_event_type": None, "plover_type": plover,
            "actor1": a1, "actor1_id": a1, "actor2": a2, "actor2_id": a2,
            "location": loc, "latitude": lat, "longitude": lon, "country": country, "admin1": admin1,
            "geo_precision": gp, "fatalities": fatalities, "claim_status": claim, "weapon": None}


def n_unique(*rows, **kw) -> int:
    return len(build_canonical(list(rows), **kw)[0])


US, USM, CENTCOM = "united_states", "us_military", "us_central_command"
KH, IRI, NUJ = "kataib_hezbollah", "islamic_resistance_in_iraq", "harakat_hezbollah_al_nujaba"

CASES = [
    # (id, first, second, unique events expected)
    ("same day, town, dyad", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH), 1),
    ("two days apart", ev(a1=US, a2=KH), ev(doc="d2", date="2024-01-30", a1=US, a2=KH), 1),
    ("three days apart", ev(a1=US, a2=KH), ev(doc="d2", date="2024-01-31", a1=US, a2=KH), 2),
    ("month covers the day", ev(a1=US, a2=KH), ev(doc="d2", date="2024-01-01", prec="month", a1=US, a2=KH), 1),
    ("month outside the month (day inside window)",
     ev(date="2024-02-01", a1=US, a2=KH), ev(doc="d2", date="2024-01-01", prec="month", a1=US, a2=KH), 2),
    ("year precision never merges", ev(a1=US, a2=KH), ev(doc="d2", date="2024-01-01", prec="year", a1=US, a2=KH), 2),
    ("no date never merges", ev(a1=US, a2=KH), ev(doc="d2", date=None, a1=US, a2=KH), 2),
    ("28 km apart", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, place=ABU_GHRAIB), 1),
    ("54 km apart", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, place=FALLUJAH), 2),
    ("20 km apart across a border", ev(a1=IRI, a2=US, place=TOWER22), ev(doc="d2", a1=IRI, a2=US, place=TANF), 2),
    ("town inside its coarse province", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, place=BAGHDAD_GOV), 1),
    ("town outside the coarse province", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, place=ANBAR), 2),
    ("town inside its country", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, place=IRAQ), 1),
    ("one side unknown", ev(a1=US, a2=KH), ev(doc="d2", a1=None, a2=KH), 1),
    ("attacker and target swapped", ev(a1=US, a2=KH), ev(doc="d2", a1=KH, a2=US), 1),
    ("unit of the same state", ev(a1=CENTCOM, a2=KH), ev(doc="d2", a1=US, a2=KH), 1),
    ("member of the claiming alliance", ev(a1=IRI, a2=US), ev(doc="d2", a1=KH, a2=US), 1),
    ("two members of one alliance differ", ev(a1=KH, a2=US), ev(doc="d2", a1=NUJ, a2=US), 2),
    ("different target", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2="hezbollah"), 2),
    ("different PLOVER type", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, plover="PROTEST"), 2),
    ("Battles vs Explosions: one family", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, etype="Battles"), 1),
    ("Protests vs Explosions", ev(a1=US, a2=KH), ev(doc="d2", a1=US, a2=KH, etype="Protests", plover=None), 2),
    ("same exact place, no actors", ev(), ev(doc="d2"), 1),
    ("same country only, no actors", ev(place=IRAQ), ev(doc="d2", place=IRAQ), 2),
    ("month, no place, shared actor", ev(a1=US, a2=KH, place=NOWHERE),
     ev(doc="d2", date="2024-01-01", prec="month", a1=US, place=NOWHERE), 2),
    ("host state is the place, not a side", ev(a1=IRI, a2=US, place=TOWER22),
     ev(doc="d2", a1="jordan", a2=US, place=TOWER22), 1),
    ("claim and confirmation", ev(a1=IRI, a2=US, claim="claimed"), ev(doc="d2", a1=IRI, a2=US, claim="confirmed"), 1),
]


@pytest.mark.parametrize("first,second,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pairwise_rules(first, second, expected):
    assert n_unique(first, second) == expected


def test_vague_member_does_not_veto_a_well_tied_report():
    # The place-less mention ties to nothing on its own, but contradicts nobody either.
    exact = ev(a1=IRI, a2=US, place=TOWER22)
    vague = ev(doc="d2", a1=None, a2=US, place=NOWHERE)
    month = ev(doc="d3", date="2024-01-01", prec="month", a1=None, a2=US, place=TOWER22)
    canon, _ = build_canonical([exact, vague, month])
    assert len(canon) == 1 and canon[0]["n_documents"] == 3


def test_chains_do_not_glue_contradicting_reports():
    # 28th ~ 30th and 30th ~ 1st, but 28th and 1st are too far apart: two events, not one.
    rows = [ev(a1=US, a2=KH), ev(doc="d2", date="2024-01-30", a1=US, a2=KH),
            ev(doc="d3", date="2024-02-01", a1=US, a2=KH)]
    assert n_unique(*rows) == 2


def test_canonical_fields_and_claims_linked():
    rows = [ev(doc="d1", a1=IRI, a2=US, claim="claimed", fatalities=3, place=TOWER22),
            ev(doc="d2", a1=US, a2=IRI, claim="confirmed", fatalities=3, place=TOWER22),
            ev(doc="d3", date="2024-01-29", a1=None, a2=US, fatalities=5, place=JORDAN),
            ev(doc="d3", a1=IRI, a2=None, place=TOWER22)]
    canon, members = build_canonical(rows)
    assert len(canon) == 1
    c = canon[0]
    assert c["claim_statuses"] == ["claimed", "confirmed", "reported"]
    assert (c["n_mentions"], c["n_documents"]) == (4, 3)
    assert c["event_date"] == dt.date(2024, 1, 28) and c["date_precision"] == "day"
    assert c["location"] == "Tower 22" and c["country"] == "Jordan"
    assert (c["actor1_id"], c["actor2_id"]) == (IRI, US)  # swapped report aligned before voting
    assert (c["fatalities"], c["fatalities_max"]) == (3, 5)  # best-supported vs largest
    assert c["canonical_event_id"] == canonical_id([r["event_id"] for r in rows])
    assert {m["event_id"] for m in members} == {r["event_id"] for r in rows}


def test_fatalities_tie_goes_to_larger():
    rows = [ev(a1=US, a2=KH, fatalities=2), ev(doc="d2", a1=US, a2=KH, fatalities=4)]
    assert build_canonical(rows)[0][0]["fatalities"] == 4


def test_deterministic_whatever_the_input_order():
    rows = [ev(a1=US, a2=KH), ev(doc="d2", a1=KH, a2=US), ev(doc="d3", place=FALLUJAH, a1=US),
            ev(doc="d4", date="2024-03-01", a1=US, a2=KH)]
    a = build_canonical(rows)
    b = build_canonical(list(reversed(rows)))
    assert a == b


def test_text_actor_links_feed_the_dyad():
    rows = [ev(a1="text:salam_al_jazaeri", a2=US), ev(doc="d2", a1="text:al_jazaeri", a2=US)]
    links = {"text:al_jazaeri": Link("text:al_jazaeri", "text:salam_al_jazaeri", "name_tail")}
    assert n_unique(*rows, links=links) == 1
    assert n_unique(*rows) == 2


# ---------------------------------------------------------------- store, export, pipeline


def _store_with_events(store, rows):
    from tightrope.models import Document

    for doc in sorted({r["doc_id"] for r in rows}):
        store.add_documents([Document(doc_id=doc, text="x" * 200, publisher=f"pub-{doc}")])
    cols = store.table_columns("events")
    store.con.executemany(f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                          [[r.get(c) for c in cols] for r in rows])


def test_merge_events_rebuilds_idempotently(store):
    _store_with_events(store, [ev(doc="da", a1=US, a2=KH), ev(doc="db", a1=KH, a2=US),
                               ev(doc="dc", place=FALLUJAH, a1="hezbollah")])
    s1 = merge_events(store)
    rows1 = store.con.execute("SELECT * FROM canonical_events ORDER BY 1").fetchall()
    s2 = merge_events(store)
    rows2 = store.con.execute("SELECT * FROM canonical_events ORDER BY 1").fetchall()
    assert s1 == s2 and rows1 == rows2
    assert (s1.mentions, s1.unique, s1.multi_document) == (3, 2, 1)
    assert store.con.execute("SELECT count(*) FROM canonical_members").fetchone()[0] == 3


def test_export_has_canonical_events_with_members(store, tmp_path):
    from tightrope.store.export import CONTRACT, export

    _store_with_events(store, [ev(doc="da", a1=US, a2=KH), ev(doc="db", a1=KH, a2=US)])
    merge_events(store)
    export(store, tmp_path, "jsonl")
    lines = (tmp_path / "canonical_events.jsonl").read_text().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert list(row) == CONTRACT["canonical_events"]
    assert row["n_documents"] == 2 and row["doc_ids"] == ["da", "db"]
    assert [set(m) for m in row["members"]] == [{"event_id", "doc_id", "char_start", "char_end"}] * 2
    export(store, tmp_path, "csv")
    export(store, tmp_path, "parquet")


def test_one_incident_told_three_ways(store):
    """Three of our own articles on the 28 Jan 2024 Tower 22 drone attack -> one canonical event."""
    from tightrope import pipeline
    from tightrope.resolve.canonical import canonical_rows

    pipeline.run([FIXTURES / "one_incident"], store, None)
    docs = {r["doc_id"] for r in store.rows("documents")}
    assert len(docs) == 3
    jordan = [c for c in canonical_rows(store) if c["plover_type"] == "ASSAULT" and c["country"] == "Jordan"]
    reported_widely = [c for c in jordan if c["n_documents"] > 1]
    assert len(reported_widely) == 1, jordan
    c = reported_widely[0]
    assert set(c["doc_ids"]) == docs and c["n_documents"] == 3
    assert c["location"] == "Tower 22"
    assert c["event_date"] == dt.date(2024, 1, 28)
    assert c["n_mentions"] >= 3 and len(c["members"]) == c["n_mentions"]
    # every member span is real text of its document
    texts = {r["doc_id"]: r["text"] for r in store.rows("documents")}
    events = {r["event_id"]: r for r in store.rows("events")}
    for m in c["members"]:
        assert texts[m["doc_id"]][m["char_start"]:m["char_end"]] == events[m["event_id"]]["text"]
