"""The dashboard and API under attack and under load.

* binds to localhost by default; the write endpoint needs the bearer token;
* SQL injection through every filter, page parameter and path parameter changes nothing;
* hostile article markup stays inert; request bodies are bounded;
* a bounded local load test: 2,000 requests on loopback against a real uvicorn server,
  zero errors (latency figures are printed, never asserted).
"""
from __future__ import annotations

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reliability_support import ARTICLE
from tightrope.serve.app import create_app

TOKEN = "reliability-test-token-0123456789"  # never a real secret

HOSTILE = """Militia attack <script>window.__xss = 1</script> in Baghdad
- Evil Desk <img src=x onerror="window.__xss = 2">
- Nov 2, 2023

On November 1, 2023, Kataib Hezbollah fired rockets <script>window.__xss = 3</script> at a base in Baghdad, killing three soldiers.
US officials said <iframe src="javascript:window.__xss=5"></iframe> the attack was claimed'); DROP TABLE events; --.
"""
RTL = ("قصف في أربيل\n\nقالت مصادر أمنية إن طائرة مسيرة استهدفت قاعدة حرير الجوية. \u202eevil\u202c "
       "On October 17, 2023, a drone struck Harir air base in Erbil, killing two soldiers, officials said.")

INJECTIONS = [
    "' OR '1'='1", "x' OR 1=1; DROP TABLE events; --", "\"; DROP TABLE documents; --", "1; DELETE FROM events",
    "%", "_", "%' --", "') OR ('a'='a", "1 UNION SELECT doc_id, text FROM documents --", "$1", "?", "\\",
    "\x00", "NULL", "(SELECT count(*) FROM events)", "'; ATTACH 'x.duckdb' AS x; --", "Erbil' OR 'a'='a",
    "'; COPY events TO '/tmp/pwned.csv'; --", "${jndi:ldap://x}", "{{7*7}}", "<script>alert(1)</script>",
    "A" * 5000,
]
# Query parameters of every route; the values are typed (dates, ints) or free text.
API_FILTERS = {"/api/events": ["date_from", "date_to", "actor", "type", "place", "limit", "offset"],
               "/api/statements": ["stance", "speaker", "limit", "offset"]}
PAGE_FILTERS = {"/": ["date_from", "date_to", "actor", "type", "place", "page"], "/statements": ["stance"]}
PATHS = ["/api/event/{}", "/api/documents/{}", "/api/actor/{}", "/events/{}", "/documents/{}", "/actors/{}"]


@pytest.fixture(scope="module")
def store_db(tmp_path_factory) -> Path:
    from tightrope import pipeline
    from tightrope.store.db import Store

    tmp = tmp_path_factory.mktemp("srv")
    src = tmp / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (src / "rtl.txt").write_text(RTL, encoding="utf-8")
    db = tmp / "store.duckdb"
    with Store(db) as store:
        pipeline.ingest([src], store)
        pipeline.extract(store)
    return db


@pytest.fixture(scope="module")
def client(store_db):
    with TestClient(create_app(store_db)) as c:
        yield c


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "events", "statements", "stats", "relations", "rejects")}
    finally:
        con.close()


# --------------------------------------------------------------------------- binding, token


def test_binds_localhost_by_default(monkeypatch, store_db):
    import uvicorn

    from tightrope.cli import app
    from tightrope.settings import Settings

    for var in ("TIGHTROPE_HOST", "TIGHTROPE_PORT", "TIGHTROPE_INGEST_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert Settings().serve_host == "127.0.0.1"
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: seen.update(kw))
    res = CliRunner().invoke(app, ["serve", "--db", str(store_db)])
    assert res.exit_code == 0, res.output
    assert seen["host"] == "127.0.0.1" and "read-only" in res.stderr
    res = CliRunner().invoke(app, ["serve", "--db", str(store_db), "--allow-ingest"])
    assert res.exit_code == 2 and "TIGHTROPE_INGEST_TOKEN" in res.stderr  # no token, no write endpoint
    monkeypatch.setenv("TIGHTROPE_INGEST_TOKEN", "short")
    assert CliRunner().invoke(app, ["serve", "--db", str(store_db), "--allow-ingest"]).exit_code == 2


def test_read_only_app_has_no_write_endpoint(client):
    assert client.post("/api/ingest", content=ARTICLE).status_code in (404, 405)


@pytest.fixture
def writable(store_db, tmp_path):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(store_db, db)
    with TestClient(create_app(db, read_only=False, token=TOKEN, max_upload_bytes=64 * 1024)) as c:
        c.db = db
        yield c


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer wrong", f"Basic {TOKEN}",
                                    f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"bearer{TOKEN}",
                                    "Bearer \u00e9\u00e9\u00e9"])
def test_write_endpoint_needs_the_token(writable, header):
    before = _counts(writable.db)
    headers = {} if header is None else {"Authorization": header.encode("utf-8")}
    r = writable.post("/api/ingest", content=ARTICLE.replace("Erbil", "Kirkuk").encode(),
                      headers={**headers, "Content-Type": "text/plain"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert _counts(writable.db) == before


# --------------------------------------------------------------------------- SQL injection


@pytest.mark.parametrize("payload", INJECTIONS, ids=range(len(INJECTIONS)))
def test_sql_injection_through_every_parameter(client, store_db, payload):
    before = _counts(store_db)
    full = client.get("/api/events").json()["total"]
    assert full > 0
    for route, names in API_FILTERS.items():
        for name in names:
            r = client.get(route, params={name: payload})
            assert r.status_code in (200, 422), (route, name, r.status_code)
            if r.status_code == 200 and route == "/api/events":
                assert r.json()["total"] == 0, (name, payload)  # never widens: matches nothing
            if r.status_code == 200 and route == "/api/statements":
                assert r.json()["statements"] == [], (name, payload)
    for route, names in PAGE_FILTERS.items():
        for name in names:
            r = client.get(route, params={name: payload})
            assert r.status_code in (200, 422), (route, name, r.status_code)
    for pattern in PATHS:
        r = client.get(pattern.format(quote(payload, safe="")))
        assert r.status_code in (404, 422), (pattern, r.status_code)
    assert _counts(store_db) == before
    assert client.get("/api/events").json()["total"] == full


# --------------------------------------------------------------------------- hostile text, limits


def test_hostile_article_stays_inert(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    page_html = ("<html><head><title>Raid <script>alert(1)</script></title></head><body><article>"
                 "<h1>Raid in Mosul</h1><p>On May 2, 2024, gunmen attacked a checkpoint in Mosul, killing four "
                 "soldiers, officials said. <img src=x onerror=alert(2)> &lt;script&gt;alert(3)&lt;/script&gt;</p>"
                 "<script>alert(4)</script><p>The attack was claimed by the Islamic State, police said.</p>"
                 "</article></body></html>")
    r = writable.post("/api/ingest", content=page_html.encode(), headers={**auth, "Content-Type": "text/html"})
    assert r.status_code == 200, r.text
    r = writable.post("/api/ingest", json={"title": "<svg onload=alert(5)>", "text": HOSTILE.replace("Baghdad", "Basra")},
                      headers=auth)
    assert r.status_code == 200, r.text
    events = writable.get("/api/events", params={"limit": 500}).json()["events"]
    assert events
    docs = {e["doc_id"] for e in events}
    for url in ["/", "/actors", "/statements", "/stats"] + [f"/documents/{d}" for d in docs] + \
               [f"/events/{e['event_id']}" for e in events]:
        r = writable.get(url)
        assert r.status_code == 200, url
        body = r.text
        for raw in ("<script>alert", "<script>window.__xss", "<img src=x", "<iframe", "<svg onload"):
            assert raw not in body, (url, raw)
        assert "default-src 'none'" in r.headers["content-security-policy"]
    r = writable.get("/api/events")
    assert r.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("kind", ["declared", "chunked", "lying"])
def test_request_body_limit(writable, kind):
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
    big = ARTICLE.encode() * 1000  # ~250 kB > the 64 kB limit of this app
    before = _counts(writable.db)
    if kind == "declared":
        r = writable.post("/api/ingest", content=big, headers=auth)
    elif kind == "chunked":  # no Content-Length: the stream is cut once it passes the limit
        r = writable.post("/api/ingest", content=iter([big[i:i + 8192] for i in range(0, len(big), 8192)]),
                          headers=auth)
    else:
        r = writable.post("/api/ingest", content=big, headers={**auth, "Content-Length": "abc"})
    assert r.status_code in (400, 413), r.status_code
    assert _counts(writable.db) == before


@pytest.mark.parametrize("body,ctype", [
    (b"[" * 60_000 + b"]" * 60_000, "application/json"),   # nesting bomb
    (b'{"text": ' + b"1" * 5000 + b"}", "application/json"),
    (b'"just a string"', "application/json"),
    (b"\xff\xfe\x00\x00garbage", "text/plain"),
    (b"", "text/plain"),
    (b"{broken\n[1]\n", "application/x-ndjson"),
    (b"a,b\n1,2\n", "text/csv"),
])
def test_hostile_bodies_get_a_clear_4xx(writable, body, ctype):
    r = writable.post("/api/ingest", content=body, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": ctype})
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
    assert r.json()["detail"]


def test_errors_carry_security_headers_and_no_internals(client):
    for url in ("/api/event/nope", "/api/events?limit=0", "/no/such/page", "/events/nope"):
        r = client.get(url)
        assert r.status_code in (404, 422)
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "Traceback" not in r.text and "duckdb" not in r.text.lower()


# --------------------------------------------------------------------------- real server, load


@pytest.fixture(scope="module")
def live_server(store_db):
    """uvicorn serving the app on an ephemeral loopback port, in a thread of this process."""
    import uvicorn

    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it every response waits out the client's 40 ms delayed ACK (uvicorn.run's own
    # sockets, as `tightrope serve` makes them, are fine).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(store_db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _raw_get(base: str, target: str, extra: bytes = b"") -> int:
    """Status of a GET sent as raw bytes (httpx refuses to build such requests)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n".encode() + extra + b"Connection: close\r\n\r\n")
        head = s.recv(64)
    return int(head.split()[1]) if head.startswith(b"HTTP/") else 0


def test_oversized_request_line_and_headers_are_refused(live_server):
    assert _raw_get(live_server, "/api/events?place=" + "x" * 200_000) in (400, 414, 431)
    assert _raw_get(live_server, "/api/events", b"X-Big: " + b"y" * 200_000 + b"\r\n") in (400, 431)
    assert _raw_get(live_server, "/api/events?place=" + "x" * 1000) == 422  # over the filter's max_length
    with httpx.Client(base_url=live_server, timeout=10) as c:
        assert c.get("/api/events").status_code == 200  # and it goes on serving


def test_load_2000_requests_on_loopback(live_server, client, capsys):
    events = client.get("/api/events").json()["events"]
    e = events[0]
    urls = ["/api/events", "/api/events?place=Erbil&limit=10", f"/api/event/{e['event_id']}",
            f"/api/documents/{e['doc_id']}", "/api/actors", "/api/stats", "/api/statements",
            "/", f"/events/{e['event_id']}", "/api/events?actor=%27%20OR%201%3D1"]
    n, workers = 2000, 8
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=live_server, timeout=30)
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        try:
            r = c.get(url)
            ok = r.status_code == 200
            problem = None if ok else f"{url}: {r.status_code}"
        except httpx.HTTPError as exc:
            problem = f"{url}: {type(exc).__name__}"
        dt_ = time.perf_counter() - t0
        with lock:
            latencies.append(dt_)
            if problem:
                errors.append(problem)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    assert len(latencies) == n
    assert not errors, errors[:10]
    q = statistics.quantiles(latencies, n=100)
    with capsys.disabled():
        print(f"\nload test: {n} requests, {workers} concurrent clients on loopback, 0 errors; "
              f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms, "
              f"{n / wall:.0f} requests/s")


def test_idle_dashboard_lets_a_writer_in(store_db, tmp_path):
    """The shared read connection closes when idle: `tightrope ingest` can then take the store."""
    import shutil

    from tightrope.ingest.readers import read_path
    from tightrope.store.db import Store

    db = tmp_path / "live.duckdb"
    shutil.copy(store_db, db)
    web = create_app(db)
    web.state.store.idle_close_s = 0.1
    (tmp_path / "new.txt").write_text(ARTICLE.replace("Erbil", "Kirkuk"), encoding="utf-8")
    (doc,) = read_path(tmp_path / "new.txt").documents
    with TestClient(web) as c:
        assert c.get(f"/api/documents/{doc.doc_id}").status_code == 404
        deadline = time.monotonic() + 10
        while web.state.store._con is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        with Store(db) as store:  # a writer (DuckDB refuses it while a read connection is open)
            store.add_documents([doc])
        assert c.get(f"/api/documents/{doc.doc_id}").status_code == 200  # reopened, sees the write
