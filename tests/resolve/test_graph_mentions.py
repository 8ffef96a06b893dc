"""Actor-graph mention counts from a SQL GROUP BY equal the old row-by-row count.

``actor_graph`` used to iterate every event and statement row; it now asks the store
(``Store.actor_mentions``) and maps the raw ids through the text-actor links.  The
reference here is the old loop, verbatim, run on the same rows.
"""
from __future__ import annotations

from collections import Counter

import pytest

from tightrope.resolve.actors import ActorKB
from tightrope.resolve.graph import _node_id, actor_graph
from tightrope.resolve.textactors import store_links

# (id, events as (actor1_id, actor2_id), statement speaker ids, text actors (id, name, type))
CASES = [
    ("empty store", [], [], []),
    ("kb ids on both sides, repeats", [("kataib_hezbollah", "israel"), ("kataib_hezbollah", "israel"),
                                       ("israel", "kataib_hezbollah")], ["kataib_hezbollah"], []),
    ("unresolved sides are skipped", [(None, "israel"), (None, None), ("iraq", None)], [None, "iraq"], []),
    ("text actors linked to a KB person add up", [("text:yehia_rasool", "yahya_rasool"), ("text:rasool", None)],
     ["text:yehia_rasool", "yahya_rasool"],
     [("text:yehia_rasool", "Yehia Rasool", "person"), ("text:rasool", "Rasool", "person")]),
    ("text-only actors keep their own node", [("text:desert_hawks", "text:desert_hawks")], ["text:salam"],
     [("text:desert_hawks", "Desert Hawks", "armed_group"), ("text:salam", "Salam", "person")]),
    ("hostile ids are data", [("x'); DROP TABLE events; --", "israel")], ["' OR 1=1 --"], []),
]


def _fill(store, events, speakers, text_actors) -> None:
    con = store.con
    con.execute("INSERT INTO documents (doc_id, text) VALUES ('d1', 'x')")
    for i, (a1, a2) in enumerate(events):
        con.execute("INSERT INTO events (event_id, doc_id, actor1_id, actor2_id, char_start) VALUES (?, 'd1', ?, ?, ?)",
                    [f"e{i}", a1, a2, i])
    for i, sp in enumerate(speakers):
        con.execute("INSERT INTO statements (statement_id, doc_id, speaker_id, char_start) VALUES (?, 'd1', ?, ?)",
                    [f"s{i}", sp, i])
    for aid, name, kind in text_actors:
        con.execute("INSERT INTO text_actors (actor_id, name, actor_type) VALUES (?, ?, ?)", [aid, name, kind])


def old_mentions(store, kb) -> Counter:
    """The previous actor_graph's loop over every event and statement row."""
    links = store_links(store, kb)
    mentions: Counter[str] = Counter()
    for r in store.rows("events"):
        for slot in ("actor1", "actor2"):
            if (aid := _node_id(r[f"{slot}_id"], None, kb, links)) is not None:
                mentions[aid] += 1
    for r in store.rows("statements"):
        if (aid := _node_id(r["speaker_id"], None, kb, links)) is not None:
            mentions[aid] += 1
    return mentions


class RowCounted:
    """The store, with mentions counted row by row in Python (the old way) instead of in SQL."""

    def __init__(self, store):
        self._store = store

    def actor_mentions(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for r in self._store.rows("events"):
            out.update(x for x in (r["actor1_id"], r["actor2_id"]) if x is not None)
        out.update(r["speaker_id"] for r in self._store.rows("statements") if r["speaker_id"] is not None)
        return dict(out)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.mark.parametrize("events,speakers,text_actors", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("mentioned_only", [False, True])
def test_graph_from_sql_counts_equals_row_by_row(store, events, speakers, text_actors, mentioned_only):
    _fill(store, events, speakers, text_actors)
    kb = ActorKB.load()
    assert actor_graph(store, kb, mentioned_only=mentioned_only) == \
        actor_graph(RowCounted(store), kb, mentioned_only=mentioned_only)
    nodes, _ = actor_graph(store, kb, mentioned_only=mentioned_only)
    old = old_mentions(store, kb)
    assert {n["id"]: n["mentions"] for n in nodes if n["mentions"]} == dict(old)
    assert store.actor_mentions() == RowCounted(store).actor_mentions()


def test_report_scope_counts_its_own_rows(store):
    """The cut report's view counts the page's rows, as the old loop over its rows() did."""
    from tightrope.report.aggregate import ScopedStore

    _fill(store, CASES[3][1] + CASES[1][1], CASES[3][2], CASES[3][3])
    scope = {"events": store.rows("events")[:2], "statements": store.rows("statements")[1:],
             "text_actors": store.rows("text_actors"), "relations": []}
    view = ScopedStore(store, scope)
    want: Counter[str] = Counter(x for r in scope["events"] for x in (r["actor1_id"], r["actor2_id"]) if x)
    want.update(r["speaker_id"] for r in scope["statements"] if r["speaker_id"])
    assert view.actor_mentions() == dict(want)
    assert view.actor_mentions() != store.actor_mentions()
