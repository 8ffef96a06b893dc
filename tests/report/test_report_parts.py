"""Pure helpers of the report: span segmentation, axis compression, series, escaping."""
from __future__ import annotations

from tightrope.report import charts, data
from tightrope.report.markdown import md
from tightrope.report.spans import segments


def test_segments_cover_overlapping_spans_and_rejoin_to_the_text():
    text = "Alpha beta gamma delta."
    segs = segments(text, [(0, 10, "a"), (6, 16, "b"), (50, 60, "out"), (5, 5, "empty")], focus="b")
    assert "".join(s.text for s in segs) == text
    assert "".join(s.text for s in segs if s.focus) == text[6:16]
    assert [s.anchors for s in segs if s.anchors] == [["a"], ["b"]]
    assert all("out" not in s.covers and "empty" not in s.covers for s in segs)


def test_compress_axis_collapses_long_quiet_spells_only():
    axis = charts.compress_axis(["2020-01", "2023-10", "2023-12"])
    assert axis == ["2020-01", None, "2023-10", "2023-11", "2023-12"]


def test_stat_series_and_escalation_need_consecutive_rising_months():
    def stat(i, month, value, source="Maariv"):
        return {"stat_id": f"s{i}", "subject": "attack", "origin": "Iraq", "target": "Israel", "source": source,
                "unit": "count", "value": value, "period_start": f"{month}-01", "period_end": f"{month}-28"}

    stats = [stat(1, "2024-08", 6), stat(2, "2024-09", 31), stat(3, "2024-10", 90), stat(4, "2024-12", 100),
             stat(5, "2024-08", 1, source="Other"), {**stat(6, "2024-08", 500), "period_end": "2024-10-31"}]
    series = data.stat_series(stats)
    assert [p["value"] for p in series[0]["points"]] == [6, 31, 90, 100]
    esc = data.escalations(series)
    assert len(esc) == 1 and [p["value"] for p in esc[0]["points"]] == [6, 31, 90]
    assert esc[0]["source"] == "Maariv"


def test_monthly_chart_links_bars_to_their_events():
    events = [{"event_id": f"e{i}", "plover_type": "ASSAULT", "event_date": d, "date_precision": "day",
               "actor1": "A", "actor2": "B", "sub_event_type": "Air/drone strike"}
              for i, d in enumerate(["2024-01-03", "2024-01-09", "2024-03-01"])]
    months, groups, cells = data.monthly_groups(events, "dyad")
    ch = charts.monthly_chart(months, groups, cells, [])
    jan = [b for b in ch["bars"] if b["month"] == "2024-01"]
    assert jan and jan[0]["ids"] == ["e0", "e1"] and jan[0]["n"] == 2


def test_markdown_escape_defuses_html_and_links():
    s = md('<script>alert(1)</script> [x](javascript:1) | *y*')
    assert "<" not in s and ">" not in s
    assert r"\[x\]" in s and r"\|" in s and r"\*y\*" in s
