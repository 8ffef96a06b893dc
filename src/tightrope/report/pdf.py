"""PDF export: headless Chromium prints the self-contained HTML report.

Chromium is found on PATH (``chromium``, ``chromium-browser``, ``google-chrome``)
or via ``TIGHTROPE_CHROMIUM``; when absent, a ReportError names what to install.
The browser runs with networking features off: the report needs nothing outside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tightrope.errors import TightropeError
from tightrope.store.db import Store

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--no-pdf-header-footer")
TIMEOUT_S = 120  # a report prints in seconds; this bounds a hung browser


class ReportError(TightropeError):
    exit_code = 1


def find_chromium() -> str | None:
    env = os.environ.get("TIGHTROPE_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, out: Path) -> Path:
    exe = find_chromium()
    if exe is None:
        raise ReportError("PDF export needs headless Chromium: install it (Debian: apt-get install chromium) "
                          "or set TIGHTROPE_CHROMIUM to the browser binary")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tightrope-pdf-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out.resolve()}",
               html_path.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ReportError(f"{exe}: PDF printing failed ({e})") from e
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise ReportError(f"{exe}: PDF printing failed (exit {proc.returncode}: {tail[0]})")
    return out


def write_pdf(store: Store, out: Path, max_events: int | None = None) -> Path:
    from tightrope.report.html import write_report

    with tempfile.TemporaryDirectory(prefix="tightrope-report-") as tmp:
        html = write_report(store, Path(tmp) / "report.html", max_events)
        return html_to_pdf(html, out)
