"""Real headless Chromium (Debian's package) driven by Playwright, a live dashboard, a report file.

Skips with a reason when Playwright or a Chromium binary is missing; CI installs
both (.ci/browser-setup.sh).  The dashboard runs in uvicorn on a free loopback
port in a thread of this process; screenshots go to a tmp dir, and are copied to
out/screenshots/ only when TIGHTROPE_KEEP_SCREENSHOTS is set.
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "report"))
from report_corpus import ARTICLE, HOSTILE, build_store  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    env = os.environ.get("TIGHTROPE_CHROMIUM")
    if env and Path(env).exists():
        return env
    return next((c for c in CANDIDATES if Path(c).exists()), None) or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no chromium binary (install Debian's chromium: bash .ci/browser-setup.sh)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Where screenshots go; kept in out/screenshots/ when TIGHTROPE_KEEP_SCREENSHOTS is set."""
    d = tmp_path_factory.mktemp("screenshots")
    yield d
    if os.environ.get("TIGHTROPE_KEEP_SCREENSHOTS"):
        keep = ROOT / "out" / "screenshots"
        keep.mkdir(parents=True, exist_ok=True)
        for f in d.glob("*.png"):
            shutil.copy(f, keep / f.name)


@pytest.fixture(scope="session")
def ui_db(tmp_path_factory) -> Path:
    """Samples plus the seeds when present (a realistic page) plus the hostile article."""
    tmp = tmp_path_factory.mktemp("ui")
    db = build_store(tmp, {"a.txt": ARTICLE, "hostile.txt": HOSTILE})
    from tightrope import pipeline
    from tightrope.store.db import Store

    extra = [ROOT / "samples"] + ([ROOT.parent / "shared" / "seeds"] if (ROOT.parent / "shared" / "seeds").is_dir()
                                  else [])
    with Store(db) as store:
        pipeline.ingest(extra, store)
        pipeline.extract(store)
    return db


@pytest.fixture(scope="session")
def report_file(ui_db, tmp_path_factory) -> Path:
    from tightrope.report.html import write_report
    from tightrope.store.db import Store

    with Store(ui_db, read_only=True) as s:
        return write_report(s, tmp_path_factory.mktemp("report") / "report.html")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dashboard(ui_db, report_file):
    """Base URL of a live dashboard; depends on report_file so no write happens while it serves."""
    import uvicorn

    from tightrope.serve.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ui_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("dashboard did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
