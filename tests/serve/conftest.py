"""Stores for the dashboard tests: built once per module through the real pipeline."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from report_corpus import ARTICLE, HOSTILE, build_store  # noqa: E402  (one corpus for all UI tests)



@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve"), {"a.txt": ARTICLE, "hostile.txt": HOSTILE})


@pytest.fixture(scope="module")
def client(small_db):
    from fastapi.testclient import TestClient

    from tightrope.serve.app import create_app

    with TestClient(create_app(small_db)) as c:
        yield c
