"""Synthetic stores for the report-at-scale tests: more events than a small row limit, with ties,
undated and coarsely dated events, armed groups from the shipped KB, a rising reported series,
hostile markup in an article, and (optionally) merged incidents."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

HOSTILE = 'Raid <script>window.__xss = 9</script> near <img src=x onerror="window.__xss = 8"> the base.'
# (name, KB id or None): two armed groups (first operations), a state, a text-only actor, blanks.
ACTORS = [("Islamic Resistance in Iraq", "islamic_resistance_in_iraq"), ("Kataib Hezbollah", "kataib_hezbollah"),
          ("United States", "united_states"), ("Israel", "israel"), ("Local militia", None), (None, None), ("", None)]
TYPES = [("ASSAULT", "Air/drone strike"), ("ASSAULT", None), ("ASSAULT", "Armed clash"), ("THREATEN", None),
         ("PROTEST", "Peaceful protest")]
PRECISION = ["day", "day", "month", "day", "year", "day", "week"]


def _insert(con, table: str, rows: list[dict]) -> None:
    cols = list(rows[0])
    con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                    [[r[c] for c in cols] for r in rows])


def build(path: Path, n_events: int = 40, *, canonical: bool = False) -> Path:
    from tightrope.store.db import Store

    docs, events, stats, statements, relations = [], [], [], [], []
    n_docs = 8
    for d in range(n_docs):
        body = HOSTILE if d == n_docs - 1 else f"Article {d} on the attacks."
        docs.append({"doc_id": f"d{d}", "title": f"Report {d}" + (" <b>bold</b>" if d == 3 else ""),
                     "publisher": f"Desk {d % 3}", "published": "2024-12-01" if d < 2 else f"2024-{d + 1:02d}-15", "path": f"a{d}.txt",
                     "source_format": "text", "text": (body + " ") * 30})
    day0 = dt.date(2023, 1, 1)
    for i in range(n_events):
        d = i % n_docs
        a1, a1_id = ACTORS[i % len(ACTORS)]
        a2, a2_id = ACTORS[(i * 3 + 1) % len(ACTORS)]
        plover, sub = TYPES[i % len(TYPES)]
        date = None if i % 13 == 5 else day0 + dt.timedelta(days=(i * 23) % 700)
        events.append({
            "event_id": f"e{i:03d}", "doc_id": f"d{d}", "event_date": date, "date_precision": PRECISION[i % 7],
            "event_type": None, "sub_event_type": sub, "plover_type": plover, "actor1": a1, "actor1_id": a1_id,
            "actor2": a2, "actor2_id": a2_id, "location": f"Town {i % 5}", "admin1": ["Erbil", None][i % 2],
            "country": ["Iraq", "Syria", "Israel"][i % 3], "latitude": None if i % 6 == 1 else 30 + i % 7,
            "longitude": 40 + i % 5, "geo_precision": [1, 2, 3, None][i % 4],
            "fatalities": [None, 0, 2, 5][i % 4], "claim_status": "reported", "text": HOSTILE if d == n_docs - 1
            else f"Event {i} sentence.", "char_start": (i // n_docs) * 10, "char_end": (i // n_docs) * 10 + 9})
    for k, (month, value) in enumerate((("2024-08", 6), ("2024-09", 31), ("2024-10", 90), ("2023-03", 4))):
        start = dt.date.fromisoformat(month + "-01")
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        stats.append({"stat_id": f"s{k}", "doc_id": f"d{k % 2}", "subject": "attacks", "origin": "Iraq",
                      "target": "Israel", "value": float(value), "unit": "count", "approximate": False,
                      "period_start": start, "period_end": end, "source": "Maariv", "text": f"{value} attacks.",
                      "char_start": 200 + k, "char_end": 210 + k})
    for k in range(4):
        statements.append({"statement_id": f"t{k}", "doc_id": f"d{k * 2}", "speaker": "Spokesman",
                           "statement_type": ["THREATEN", "ACCUSE", "DENY", "REJECT"][k], "quote": HOSTILE,
                           "text": HOSTILE, "char_start": 300, "char_end": 320})
        relations.append({"relation_id": f"r{k}", "subject": "Kataib Hezbollah", "subject_id": "kataib_hezbollah",
                          "relation": "member_of", "object": "Islamic Resistance in Iraq",
                          "object_id": "islamic_resistance_in_iraq", "doc_id": f"d{k}", "text": "KH is part of IRI.",
                          "char_start": 400, "char_end": 420})
    with Store(path) as store:
        con = store.con
        for table, rows in (("documents", docs), ("events", events), ("stats", stats), ("statements", statements),
                            ("relations", relations)):
            _insert(con, table, rows)
        if canonical:  # merged incidents: pairs of events, with tied report counts to test the order
            canon, members = [], []
            for c in range(0, n_events - 1, 2):
                e = events[c]
                canon.append({"canonical_event_id": f"c{c:03d}", "event_date": e["event_date"],
                              "date_precision": e["date_precision"], "plover_type": e["plover_type"],
                              "actor1": e["actor1"], "actor2": e["actor2"], "country": e["country"],
                              "fatalities": e["fatalities"], "n_mentions": 2, "n_documents": 1 + c % 3,
                              "doc_ids": [e["doc_id"], events[c + 1]["doc_id"]]})
                members += [{"canonical_event_id": f"c{c:03d}", "event_id": x["event_id"], "doc_id": x["doc_id"],
                             "char_start": x["char_start"], "char_end": x["char_end"], "claim_status": "reported"}
                            for x in (e, events[c + 1])]
            _insert(con, "canonical_events", canon)
            _insert(con, "canonical_members", members)
    return path
