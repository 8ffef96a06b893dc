"""JSON API: filters, paging, evidence spans, validation, OpenAPI, headers, read-only store."""
from __future__ import annotations

import duckdb
import pytest

from tightrope.serve.app import create_app


def test_events_filters_and_paging(client):
    everything = client.get("/api/events").json()
    assert everything["total"] >= 2 and len(everything["events"]) == everything["total"]
    erbil = client.get("/api/events", params={"place": "erbil"}).json()
    assert erbil["total"] >= 1 and all("Erbil" in (e["admin1"] or "") + (e["location"] or "") for e in erbil["events"])
    by_actor = client.get("/api/events", params={"actor": "islamic_resistance_in_iraq"}).json()
    assert by_actor["total"] >= 1
    assert all("islamic_resistance_in_iraq" in (e["actor1_id"], e["actor2_id"]) for e in by_actor["events"])
    dated = client.get("/api/events", params={"date_from": "2023-11-01", "date_to": "2023-11-30"}).json()
    assert dated["total"] >= 1 and all(e["event_date"].startswith("2023-11") for e in dated["events"])
    typed = client.get("/api/events", params={"type": "ASSAULT", "limit": 1, "offset": 1}).json()
    assert typed["limit"] == 1 and len(typed["events"]) <= 1


@pytest.mark.parametrize("params", [{"date_from": "yesterday"}, {"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_bad_parameters_are_rejected_before_any_query(client, params):
    assert client.get("/api/events", params=params).status_code == 422


def test_filters_are_parameters_not_sql(client, small_db):
    hostile = "x' OR 1=1; DROP TABLE events; --"
    for key in ("actor", "type", "place"):
        r = client.get("/api/events", params={key: hostile})
        assert r.status_code == 200 and r.json()["total"] == 0
    con = duckdb.connect(str(small_db), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    con.close()


def test_event_detail_has_document_and_exact_evidence_span(client):
    e = client.get("/api/events", params={"place": "Erbil"}).json()["events"][0]
    got = client.get(f"/api/event/{e['event_id']}").json()
    doc = got["document"]["text"]
    assert got["evidence"]["text"] == doc[e["char_start"]:e["char_end"]] == e["text"]
    assert client.get("/api/event/nope").status_code == 404
    d = client.get(f"/api/documents/{e['doc_id']}").json()
    assert d["document"]["doc_id"] == e["doc_id"] and d["events"]
    assert client.get("/api/documents/nope").status_code == 404


def test_actors_stats_statements(client):
    actors = client.get("/api/actors").json()["actors"]
    iri = next(a for a in actors if a["actor_id"] == "islamic_resistance_in_iraq")
    got = client.get(f"/api/actor/{iri['key']}").json()
    assert got["kb"]["name"] == "Islamic Resistance in Iraq" and got["events"]
    assert client.get("/api/actor/no_such_actor_anywhere").status_code == 404
    assert "stats" in client.get("/api/stats").json()
    assert "statements" in client.get("/api/statements", params={"stance": "THREATEN"}).json()


def test_openapi_lists_the_api_and_pages_carry_security_headers(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/event/{event_id}", "/api/actors", "/api/actor/{actor_id}", "/api/stats",
                 "/api/statements", "/api/documents/{doc_id}"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert {"date_from", "date_to", "actor", "type", "place", "limit", "offset"} <= params
    assert "/api/ingest" not in spec["paths"], "read-only app has no ingest endpoint"
    r = client.get("/")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/docs").status_code == 404, "Swagger UI would load scripts from a CDN"


def test_create_app_refuses_missing_store_and_inconsistent_modes(tmp_path, small_db):
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "missing.duckdb")
    with pytest.raises(ValueError):
        create_app(small_db, read_only=True, token="secret-secret-secret")
    with pytest.raises(ValueError):
        create_app(small_db, read_only=False)
