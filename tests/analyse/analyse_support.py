"""Shared helpers for the analysis tests (imported by name: tests/analyse is on sys.path)."""
from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BENCHMARK = SHARED / "benchmarks" / "acled_monthly_middle_east" / "country_month_event_type.csv"
SEEDS = SHARED / "seeds"


def write_benchmark(path: Path, series: dict[tuple[str, str], list[int]], first: str = "2021-01") -> Path:
    """A small benchmark CSV in the ACLED layout, for fast CLI and protocol tests."""
    from tightrope.analyse.periods import add_months

    lines = ["Country,Event.month,Event.Type,Events,Deaths,deathsPerEvent"]
    for (country, etype), values in series.items():
        for i, v in enumerate(values):
            lines.append(f"{country},{add_months(first, i)}-01,{etype},{v},0,0.0")
    path.write_text("\n".join(lines) + "\n")
    return path


def make_store(path: Path, events: list[dict], stats: list[dict] = (), published: str = "2024-11-14",
               publisher: str = "Test Desk"):
    """A store holding one document and the given events/statistics (fields as in the export contract)."""
    import datetime as dt

    from tightrope.models import DateValue, Document, Event, Extraction, Place, Provenance, Statistic
    from tightrope.store.db import Store

    text = "x" * 200
    month_only = len(published) == 7
    pub = DateValue(dt.date.fromisoformat(published + "-01" if month_only else published),
                    "month" if month_only else "day", "metadata")
    doc = Document("dtest", text, publisher=publisher, published=pub)
    evs = []
    for i, e in enumerate(events):
        d = e.get("date")
        date = DateValue(dt.date.fromisoformat(d), e.get("precision", "day"), "absolute") if d else None
        place = Place(e.get("location", e.get("country") or "?"), None, None, country=e.get("country"),
                      admin1=e.get("admin1")) if e.get("country") else None
        evs.append(Event(f"e{i}", "dtest", Provenance("dtest", i, i + 1, "test"), "x",
                         event_type=e.get("event_type", "Explosions/Remote violence"),
                         sub_event_type=e.get("sub_event_type", "Air/drone strike"),
                         plover_type=e.get("plover_type", "ASSAULT"), date=date, actor1=e.get("actor1"),
                         actor2=e.get("actor2"), origin_country=e.get("origin"), place=place,
                         fatalities=e.get("fatalities")))
    sts = []
    for i, s in enumerate(stats):
        start = dt.date.fromisoformat(s["start"]) if s.get("start") else None
        end = dt.date.fromisoformat(s["end"]) if s.get("end") else None
        sts.append(Statistic(f"s{i}", "dtest", Provenance("dtest", 100 + i, 101 + i, "test"), "x", s["value"],
                             subject=s.get("subject", "attack"), origin=s.get("origin"), target=s.get("target"),
                             unit=s.get("unit", "count"), period_start=start, period_end=end,
                             source=s.get("source", "Maariv")))
    store = Store(path)
    store.add_documents([doc])
    store.save_extractions([Extraction("dtest", events=tuple(evs), stats=tuple(sts))], "test")
    return store
