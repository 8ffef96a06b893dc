from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"../shared not present at {SHARED}: reference seeds and benchmarks are only on CI/dev machines")
    return SHARED


@pytest.fixture
def store(tmp_path):
    from tightrope.store.db import Store

    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()
