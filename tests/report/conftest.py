"""Fixtures for report tests: a small store built through the real pipeline."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_corpus import ARTICLE, HOSTILE, build_store  # noqa: E402


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("small"), {"a.txt": ARTICLE, "hostile.txt": HOSTILE})
