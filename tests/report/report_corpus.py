"""Shared test corpus: one ordinary article and one carrying hostile markup (used by report, serve, browser tests)."""
from __future__ import annotations

from pathlib import Path

ARTICLE = """Drone strikes base in Erbil
- Test Desk
- Oct 18, 2023

On October 17, 2023, the Islamic Resistance in Iraq said it launched a drone at Harir air base in Erbil, killing two soldiers.
The Islamic Resistance in Iraq is part of the Axis of Resistance and is backed by Iran.
"""

# Script, event-handler and markup injections in title, body and evidence sentence.
HOSTILE = """Militia attack <script>window.__xss = 1</script> in Baghdad
- Evil Desk <img src=x onerror="window.__xss = 2">
- Nov 2, 2023

On November 1, 2023, Kataib Hezbollah fired rockets <script>window.__xss = 3</script> at a base in Baghdad <b onmouseover="window.__xss = 4">bold</b>, killing three soldiers.
US officials said <iframe src="javascript:window.__xss=5"></iframe> the attack was claimed.
"""


def build_store(tmp: Path, articles: dict[str, str]) -> Path:
    from tightrope import pipeline
    from tightrope.store.db import Store

    src = tmp / "articles"
    src.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (src / name).write_text(text, encoding="utf-8")
    db = tmp / "store.duckdb"
    with Store(db) as store:
        pipeline.ingest([src], store)
        pipeline.extract(store)
    return db
