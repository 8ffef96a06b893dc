"""All defaults in one place.

Environment variables (``TIGHTROPE_*``) override the defaults; command-line
options override both.  Nothing else in the package hard-codes a path or limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TIGHTROPE_{name}", default)


def extra_kb_setting() -> str:
    """The raw extra-KB setting: a cheap cache key for the loaded KB (a whole Settings costs ~0.09 ms,
    too much to build once per article)."""
    return _env("KB", "")


@dataclass(frozen=True)
class Settings:
    # Store: relative to the current directory, which is where the user asked us to work.
    db_path: Path = field(default_factory=lambda: Path(_env("DB", "tightrope.duckdb")))
    report_path: Path = field(default_factory=lambda: Path(_env("REPORT", "tightrope-report.html")))
    # Inputs larger than this are rejected rather than read: a news article is a
    # few kB; 20 MB is far beyond any real article and bounds memory per item.
    max_article_bytes: int = int(_env("MAX_ARTICLE_BYTES", str(20 * 1024 * 1024)))
    # Texts shorter than this carry no reportable event (a title alone is ~60 chars).
    min_article_chars: int = int(_env("MIN_ARTICLE_CHARS", "40"))
    # A run of text longer than this without a sentence break or line break is not
    # article prose (a dump, a flattened table): it is rejected at ingest, because the
    # extractor's work per sentence grows faster than linearly with its length.
    # Long real sentences (victim lists) run to ~2,000 characters.
    max_sentence_chars: int = int(_env("MAX_SENTENCE_CHARS", "5000"))
    # Share of control/NUL characters above which a file is treated as binary.
    max_binary_ratio: float = 0.02
    # Documents written to the store per transaction.
    batch_size: int = int(_env("BATCH_SIZE", "200"))
    data_dir: Path = DATA_DIR
    # Extra KB files (user-edited), colon separated.
    extra_kb: tuple[Path, ...] = field(
        default_factory=lambda: tuple(Path(p) for p in extra_kb_setting().split(os.pathsep) if p)
    )
    # Resolver: fuzzy scores below this give "unknown" instead of a guess.
    # 90 keeps "Kataeb"/"Kataib" style transliteration pairs while rejecting
    # different groups that share words ("Hezbollah" vs "Hezbollah Brigades").
    fuzzy_threshold: float = 90.0
    # Cross-article event merging (resolve/merge.py).  Reports of one incident
    # place it within a few km of each other (town vs. nearby base, village vs.
    # district centre); 50 km keeps neighbouring towns' separate incidents apart
    # in most theatres while absorbing gazetteer and wording slack.
    merge_radius_km: float = float(_env("MERGE_RADIUS_KM", "50"))
    # Day-precision dates of one incident drift by a day or two across reports
    # ("overnight", "on Sunday" in a Monday article, time zones).
    merge_day_window: int = int(_env("MERGE_DAY_WINDOW", "2"))
    # Dates coarser than this never merge: a year-precision mention matches
    # everything in its year and would glue unrelated incidents together.
    merge_max_precision: str = _env("MERGE_MAX_PRECISION", "month")
    # geo_precision at or above which a place is compared by admin1/country
    # rather than by distance (ACLED: 3 = province or country level).
    merge_coarse_geo_precision: int = 3
    # Text-actor linking: first names of one person in two transliterations
    # ("Yehia"/"Yahya") score ~60-80 on rapidfuzz ratio; 80 plus an equal
    # consonant skeleton catches them without joining different people who share a surname.
    person_first_name_ratio: float = 80.0
    # The HTML/Markdown report lists rows (events, statements, figures, source texts,
    # map points) for at most this many events, the most recent ones; aggregates
    # (totals, monthly counts, top dyads, first operations) still cover every event,
    # from SQL.  A page with 2,000 events and their articles stays a few MB and opens
    # in a browser; the dashboard (`tightrope serve`) pages through all of them.
    report_max_events: int = field(default_factory=lambda: int(_env("REPORT_MAX_EVENTS", "2000")))
    # Above report_max_events, the event-table filter lists this many actors (the
    # most frequent in the listed events) and the outlook models this many series
    # (the busiest fronts): enough to steer by, small enough to render and fit.
    report_top_actors: int = field(default_factory=lambda: int(_env("REPORT_TOP_ACTORS", "200")))
    report_top_series: int = field(default_factory=lambda: int(_env("REPORT_TOP_SERIES", "20")))
    workers: int = int(_env("WORKERS", "1"))
    serve_host: str = _env("HOST", "127.0.0.1")
    serve_port: int = int(_env("PORT", "8765"))
    # The dashboard lists at most this many rows per list (actors table, an actor's events,
    # statements and relations, reported figures; the API's default `limit`), with paging:
    # a main actor of a million events has tens of thousands, a few MB of HTML per page.
    serve_list_rows: int = field(default_factory=lambda: int(_env("SERVE_LIST_ROWS", "200")))
    # Above report_max_events, the report's outlook lists at most this many new-front
    # alerts (the latest); every alert is counted, and `tightrope signals` lists them all.
    report_max_new_fronts: int = field(default_factory=lambda: int(_env("REPORT_MAX_NEW_FRONTS", "50")))


def get_settings() -> Settings:
    return Settings()
