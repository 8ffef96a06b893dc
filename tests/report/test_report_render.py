"""The rendered report (HTML, Markdown, PDF) on a small store, and the report command."""
from __future__ import annotations

import re
from html import unescape

import pytest
from typer.testing import CliRunner

from tightrope.cli import app
from tightrope.report.html import csp_hash, render_report
from tightrope.report.markdown import render_markdown
from tightrope.report.pdf import ReportError, find_chromium, html_to_pdf
from tightrope.store.db import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def html(small_db) -> str:
    with Store(small_db, read_only=True) as s:
        return render_report(s)


def test_report_is_self_contained_with_a_hash_pinned_script(html):
    assert not re.search(r"""(src|href)=["']https?://""", html), "no external resources"
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and f"'{csp_hash(scripts[0])}'" in csp
    assert "default-src 'none'" in csp


def test_report_sections_and_evidence_links(html):
    for section in ("summary", "key-events", "trend", "map", "network", "statements", "outlook", "stats",
                    "events", "sources"):
        assert f'id="{section}"' in html
    # every event row links to a span anchor that exists in the sources section
    for eid in re.findall(r'<tr id="(e[0-9a-f]+)" data-type', html):
        assert f'href="#s-{eid}"' in html and f'id="s-{eid}"' in html
    assert "Harir Air Base" in html and "<svg" in html


def test_hostile_markup_is_escaped_in_html(html):
    assert "<script>window.__xss" not in html
    assert "&lt;script&gt;window.__xss = 3&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<iframe" not in html and "<b onmouseover" not in html


def test_markdown_export_escapes_and_cites(small_db):
    with Store(small_db, read_only=True) as s:
        text = render_markdown(s)
    assert text.startswith("# Situation report")
    assert "<script" not in text and "<img" not in text and "&lt;script&gt;" in text
    assert re.search(r"\[S\d+:\d+-\d+\]", text), "figures cite source and span"


def test_report_command_formats(small_db, tmp_path):
    out = tmp_path / "r.md"
    res = runner.invoke(app, ["report", "--db", str(small_db), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text().startswith("# Situation report")
    res = runner.invoke(app, ["report", "--db", str(small_db), "-o", str(tmp_path / "r.html"), "--format", "html"])
    assert res.exit_code == 0 and (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    res = runner.invoke(app, ["report", "--db", str(small_db), "--format", "docx"])
    assert res.exit_code == 2


def test_pdf_without_chromium_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "r.html").write_text("<p>x</p>")
    with pytest.raises(ReportError, match="apt-get install chromium"):
        html_to_pdf(tmp_path / "r.html", tmp_path / "r.pdf")


@pytest.mark.skipif(find_chromium() is None, reason="no chromium binary: PDF export needs headless Chromium")
def test_pdf_export_prints_the_report(small_db, tmp_path):
    res = runner.invoke(app, ["report", "--db", str(small_db), "-o", str(tmp_path / "r.pdf")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
