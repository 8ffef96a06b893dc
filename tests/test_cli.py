"""The CLI end to end on small corpora, through the console entry point's app."""
from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from tightrope.cli import EXIT_PARTIAL, app

ARTICLE = """Drone strikes base in Erbil
- Test Desk
- Oct 18, 2023

On October 17, 2023, the Islamic Resistance in Iraq said it launched a drone at Harir air base in Erbil.
US officials said the drone was intercepted and caused no casualties.
"""

runner = CliRunner()


def _corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE)
    (d / "good2.txt").write_text(ARTICLE.replace("Erbil.", "Erbil governorate.").replace("Test Desk", "Other Desk"))
    (d / "empty.txt").write_text("")
    (d / "binary.bin").write_bytes(bytes(range(256)) * 64)
    with (d / "huge.txt").open("wb") as f:
        f.write(b"All quiet on the front today. " * (30 * 1024 * 1024 // 30 + 1))
    (d / "corpus.jsonl").write_text(json.dumps({"title": "Drone strikes base in Erbil", "text": ARTICLE}) + "\n{broken\n")
    return d


def test_run_partial_corpus(tmp_path):
    d = _corpus(tmp_path)
    db = tmp_path / "t.duckdb"
    res = runner.invoke(app, ["run", str(d), "--db", str(db), "--report", str(tmp_path / "r.html")])
    assert res.exit_code == EXIT_PARTIAL, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    for name in ("empty.txt", "binary.bin", "huge.txt", "corpus.jsonl (line 2)"):
        assert sum(name in ln for ln in errors) == 1, (name, errors)
    assert re.search(r"ingested 3 documents .* \(2 new", res.stderr)  # jsonl copy of good.txt deduplicated
    assert (tmp_path / "r.html").exists()
    # Re-run: nothing new, nothing lost.
    res2 = runner.invoke(app, ["run", str(d), "--db", str(db), "--no-report"])
    assert "0 new" in res2.stderr
    out = tmp_path / "exp"
    res3 = runner.invoke(app, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)])
    assert res3.exit_code == 0, res3.output
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text().splitlines()]
    assert len(docs) == 2


def test_every_command_has_help():
    for cmd in ("run", "ingest", "extract", "export", "resolve", "report", "eval", "kb"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


def test_export_bad_format_is_one_line_error(tmp_path):
    res = runner.invoke(app, ["export", "--db", str(tmp_path / "x.duckdb"), "--format", "xml", "-o", str(tmp_path)])
    assert res.exit_code != 0
    assert res.stderr.strip().count("\n") == 0 and "unknown format" in res.stderr
