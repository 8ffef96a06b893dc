"""Text actors (linking, evidence) and the actor graph (KB affiliations + text relations)."""

from __future__ import annotations

import pytest

from tightrope.models import Actor, Document, Extraction, Provenance, Relation
from tightrope.resolve.graph import actor_graph
from tightrope.resolve.textactors import link_text_actors, rebuild_links, slug_id


def ta(name: str, actor_type: str = "person") -> dict:
    return {"actor_id": slug_id(name), "name": name, "actor_type": actor_type}


LINKS = [
    # (id, text actors met, {text actor name: expected canonical id})
    ("surname joins the full name", [ta("Salam Al-Jazaeri"), ta("Al-Jazaeri")],
     {"Al-Jazaeri": "text:salam_al_jazaeri", "Salam Al-Jazaeri": "text:salam_al_jazaeri"}),
    ("ambiguous surname stays apart", [ta("Salam Al-Jazaeri"), ta("Karim Al-Jazaeri"), ta("Al-Jazaeri")],
     {"Al-Jazaeri": "text:al_jazaeri", "Karim Al-Jazaeri": "text:karim_al_jazaeri"}),
    ("name now in the KB", [ta("Abu Fadak al-Mohammadawi")], {"Abu Fadak al-Mohammadawi": "abu_fadak_al_mohammadawi"}),
    ("other transliteration of a KB person", [ta("Yehia Rasool")], {"Yehia Rasool": "yahya_rasool"}),
    ("surname of a KB person, via the text full name", [ta("Yehia Rasool"), ta("Rasool")],
     {"Rasool": "yahya_rasool"}),
    ("same name spelt twice", [ta("Basim al-Awadi"), ta("Basim Al Awadi")],
     {"Basim al-Awadi": "text:basim_al_awadi", "Basim Al Awadi": "text:basim_al_awadi"}),
    ("different first name, same surname as KB person", [ta("Omar Rasool")], {"Omar Rasool": "text:omar_rasool"}),
    ("organisations are not joined by tails", [ta("Joint Staff", "organisation"), ta("Staff", "organisation")],
     {"Staff": "text:staff"}),
]


@pytest.mark.parametrize("rows,expected", [c[1:] for c in LINKS], ids=[c[0] for c in LINKS])
def test_link_text_actors(rows, expected):
    links = link_text_actors(rows)
    assert set(links) == {r["actor_id"] for r in rows}
    for name, want in expected.items():
        assert links[slug_id(name)].canonical_id == want, links[slug_id(name)]


TEXT = ("Kataib Hezbollah is a member of the Islamic Resistance in Iraq. "
        "Yehia Rasool, the spokesman for Iraq, spoke. Salam Al-Jazaeri leads the Desert Hawks.")


def _doc_with_relations(store):
    doc = Document(doc_id="dg1", text=TEXT, publisher="Desk")
    store.add_documents([doc])

    def rel(subject, relation, obj, span_text, sid=None, oid=None):
        s = TEXT.index(span_text)
        return Relation(doc_id=doc.doc_id, provenance=Provenance(doc.doc_id, s, s + len(span_text), "test", 0.8),
                        text=span_text, subject=subject, relation=relation, object=obj, subject_id=sid, object_id=oid)

    rels = (
        rel("Kataib Hezbollah", "member_of", "Islamic Resistance in Iraq",
            "Kataib Hezbollah is a member of the Islamic Resistance in Iraq", "kataib_hezbollah",
            "islamic_resistance_in_iraq"),
        rel("Yehia Rasool", "spokesperson_of", "Iraq", "Yehia Rasool, the spokesman for Iraq", None, "iraq"),
        rel("Salam Al-Jazaeri", "leader_of", "Desert Hawks", "Salam Al-Jazaeri leads the Desert Hawks"),
    )
    actors = tuple(Actor(actor_id=slug_id(n), name=n, actor_type="person", origin="text",
                         provenance=Provenance(doc.doc_id, TEXT.index(n), TEXT.index(n) + len(n), "test"))
                   for n in ("Yehia Rasool", "Salam Al-Jazaeri"))
    store.save_extractions([Extraction(doc.doc_id, relations=rels, actors=actors)], "test")
    return doc


def test_graph_keeps_kb_facts_and_adds_text_evidence(store):
    _doc_with_relations(store)
    nodes, edges = actor_graph(store)
    by_key = {(e["subject"], e["relation"], e["object"], e["origin"]): e for e in edges}
    # the curated edge stays curated, and gains the span as evidence
    kb_edge = by_key[("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq", "kb")]
    assert kb_edge["start"] == "2023-10" and kb_edge["citation"]
    assert [ev["doc_id"] for ev in kb_edge["evidence"]] == ["dg1"]
    assert ("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq", "text") not in by_key
    # a text relation about a text actor now linked to the KB lands on the KB node
    spoke = by_key[("yahya_rasool", "spokesperson_of", "iraq", "text")]
    ev = spoke["evidence"][0]
    assert TEXT[ev["char_start"]:ev["char_end"]] == ev["text"]
    # relations between unknown actors become text nodes with their evidence
    lead = by_key[("text:salam_al_jazaeri", "leader_of", "text:desert_hawks", "text")]
    assert lead["evidence"][0]["text"] == "Salam Al-Jazaeri leads the Desert Hawks"
    node = {n["id"]: n for n in nodes}
    assert node["text:salam_al_jazaeri"]["origin"] == "text" and node["text:salam_al_jazaeri"]["name"] == "Salam Al-Jazaeri"
    assert node["yahya_rasool"]["origin"] == "kb" and node["yahya_rasool"]["mentions"] >= 1
    # KB roles are curated edges too
    assert ("yahya_rasool", "role:Military Spokesperson", "iraq", "kb") in by_key


def test_graph_mentioned_only_limits_kb_edges(store):
    _doc_with_relations(store)
    _, all_edges = actor_graph(store)
    _, edges = actor_graph(store, mentioned_only=True)
    assert len(edges) < len(all_edges)
    assert all(e["origin"] == "text" or e["evidence"] or e["subject"] in {"kataib_hezbollah", "yahya_rasool",
               "islamic_resistance_in_iraq", "iraq"} or e["object"] in {"kataib_hezbollah", "yahya_rasool",
               "islamic_resistance_in_iraq", "iraq"} for e in edges)


def test_graph_without_store_is_the_kb():
    nodes, edges = actor_graph()
    assert edges and all(e["origin"] == "kb" for e in edges)
    assert {e["subject"] for e in edges} <= {n["id"] for n in nodes}


def test_rebuild_links_persists(store):
    _doc_with_relations(store)
    links = rebuild_links(store)
    rows = dict(store.con.execute("SELECT actor_id, canonical_id FROM actor_links").fetchall())
    assert rows == {k: v.canonical_id for k, v in links.items()}
    assert rows["text:yehia_rasool"] == "yahya_rasool"
    assert rebuild_links(store) == links
