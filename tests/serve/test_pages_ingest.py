"""Dashboard pages (escaping, highlighted evidence) and the token-guarded ingest endpoint."""
from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from tightrope.serve.app import create_app

TOKEN = "t0ken-for-tests-only-0123456789"  # never a real secret


def test_pages_render(client):
    for url in ("/", "/?place=Erbil&type=ASSAULT", "/?date_from=bad", "/actors", "/statements",
                "/statements?stance=THREATEN", "/stats", "/actors/islamic_resistance_in_iraq"):
        r = client.get(url)
        assert r.status_code == 200, url
    assert "ignored date" in client.get("/?date_from=bad").text
    assert client.get("/events/nope").status_code == 404
    assert client.get("/actors/nobody-at-all").status_code == 404


def test_event_page_highlights_the_evidence_sentence(client):
    e = client.get("/api/events", params={"place": "Erbil"}).json()["events"][0]
    page = client.get(f"/events/{e['event_id']}").text
    marked = "".join(re.findall(r'<mark class="focus"[^>]*>(.*?)</mark>', page, re.S))
    assert marked == e["text"]
    assert 'id="evidence"' in page


def test_hostile_article_is_inert_in_pages(client):
    hostile = [e for e in client.get("/api/events").json()["events"] if "<script>" in e["text"]]
    assert hostile, "the extractor kept the hostile sentence as evidence"
    e = hostile[0]
    for url in ("/", f"/events/{e['event_id']}", f"/documents/{e['doc_id']}", "/actors"):
        page = client.get(url).text
        assert "<script>window.__xss" not in page and "<img src=x" not in page and "<iframe" not in page, url
    assert "&lt;script&gt;window.__xss = 3&lt;/script&gt;" in client.get(f"/events/{e['event_id']}").text


@pytest.fixture
def writable(small_db, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(small_db, db)
    with TestClient(create_app(db, read_only=False, token=TOKEN, max_upload_bytes=4096)) as c:
        yield c


ARTICLE = """Rocket fire on Ain al-Asad
- Test Desk
- Jan 21, 2024

On January 20, 2024, Iran-backed militants fired rockets at Ain al-Asad air base in Anbar, wounding several soldiers.
"""


def test_ingest_needs_the_bearer_token(writable):
    assert writable.post("/api/ingest", content=ARTICLE).status_code == 401
    bad = writable.post("/api/ingest", content=ARTICLE, headers={"Authorization": "Bearer wrong"})
    assert bad.status_code == 401
    before = writable.get("/api/events").json()["total"]
    ok = writable.post("/api/ingest", content=ARTICLE.encode(),
                       headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["new_documents"] == 1
    assert writable.get("/api/events").json()["total"] > before
    again = writable.post("/api/ingest", content=ARTICLE.encode(),
                          headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"})
    assert again.json()["new_documents"] == 0, "same text is stored once"


def test_ingest_json_limits_and_types(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = writable.post("/api/ingest", json={"title": "Strike near Erbil", "text": ARTICLE.replace("Anbar", "Erbil")},
                      headers=auth)
    assert r.status_code == 200, r.text
    assert writable.post("/api/ingest", content=b"x" * 5000, headers=auth).status_code == 413
    assert writable.post("/api/ingest", content=b"%PDF", headers={**auth, "Content-Type": "application/pdf"}
                         ).status_code == 415
    assert writable.post("/api/ingest", content=b"{broken", headers={**auth, "Content-Type": "application/json"}
                         ).status_code == 422
    assert writable.post("/api/ingest", content=b"too short", headers=auth).status_code == 422
    assert "/api/ingest" in writable.get("/openapi.json").json()["paths"]
