"""Idempotence: the same input gives byte-identical exports, in a fresh store or re-run on the same one."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reliability_support import ARTICLE, BODY
from tightrope.cli import app
from tightrope.store.export import CONTRACT

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("idem") / "in"
    shutil.copytree(ROOT / "samples", d)
    (d / "rtl.txt").write_text("قصف في أربيل\n\nقالت مصادر أمنية إن طائرة مسيرة استهدفت قاعدة حرير الجوية. "
                               "\u202eevil\u202c On October 17, 2023, a drone struck Harir air base in Erbil, "
                               "killing two soldiers, officials said.", encoding="utf-8")
    with (d / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for i, town in enumerate(["Mosul", "Kirkuk", "Baghdad"]):
            f.write(json.dumps({"title": f"Strike near {town}", "text": ARTICLE.replace("Erbil", town),
                                "published": f"2023-10-1{i}", "url": f"https://example.org/{i}"}) + "\n")
        f.write("{broken\n")
    (d / "feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title>"
        f"<item><title>One</title><pubDate>Thu, 08 Feb 2199 09:00:00 GMT</pubDate><description>{BODY}</description></item>"
        "</channel></rss>", encoding="utf-8")
    return d


def _run(corpus: Path, db: Path, out: Path, fmt: str) -> dict[str, bytes]:
    res = runner.invoke(app, ["run", str(corpus), "--db", str(db), "--no-report"])
    assert res.exit_code == 3, res.output  # partial: the broken JSONL line
    res = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_same_input_same_bytes(corpus, tmp_path, fmt):
    first = _run(corpus, tmp_path / "a.duckdb", tmp_path / "a", fmt)
    second = _run(corpus, tmp_path / "b.duckdb", tmp_path / "b", fmt)  # a fresh store
    again = _run(corpus, tmp_path / "a.duckdb", tmp_path / "a2", fmt)  # the same store, once more
    assert sorted(first) == sorted(f"{t}.{fmt}" for t in CONTRACT)
    for name in first:
        assert first[name] == second[name], f"{name} differs between two fresh stores"
        assert first[name] == again[name], f"{name} differs after a re-run on the same store"
    if fmt == "jsonl":
        docs = [json.loads(x) for x in first["documents.jsonl"].decode().splitlines()]
        assert len(docs) == len({d["doc_id"] for d in docs}) >= 15
        events = [json.loads(x) for x in first["events.jsonl"].decode().splitlines()]
        assert events


def test_forced_re_extraction_gives_the_same_bytes(corpus, tmp_path):
    first = _run(corpus, tmp_path / "a.duckdb", tmp_path / "a", "jsonl")
    assert runner.invoke(app, ["extract", "--db", str(tmp_path / "a.duckdb"), "--force"]).exit_code == 0
    assert runner.invoke(app, ["merge", "--db", str(tmp_path / "a.duckdb")]).exit_code == 0
    assert runner.invoke(app, ["export", "--db", str(tmp_path / "a.duckdb"), "-o", str(tmp_path / "f")]).exit_code == 0
    for name, data in first.items():
        assert (tmp_path / "f" / name).read_bytes() == data, name
