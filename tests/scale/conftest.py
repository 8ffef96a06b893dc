from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_docs():
    """The project's own sample articles, read by the ingest rules."""
    from tightrope.ingest.readers import iter_files, read_path

    docs = []
    for f in iter_files([ROOT / "samples"]):
        docs.extend(read_path(f).documents)
    assert docs
    return docs


@pytest.fixture
def corpus_jsonl(tmp_path, sample_docs) -> Path:
    """A JSONL corpus: every sample twice (a duplicate), a record without text and a broken line."""
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for d in sample_docs + sample_docs[:2]:
            f.write(json.dumps({"text": d.text, "title": d.title, "publisher": d.publisher,
                                "published": d.published.date.isoformat() if d.published else None}) + "\n")
        f.write(json.dumps({"headline": "no text here"}) + "\n")
        f.write("{not json\n")
    return path
