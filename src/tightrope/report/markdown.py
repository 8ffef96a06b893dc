"""The situation report as Markdown: the same context as the HTML report, as text.

Article text is untrusted here too: a Markdown viewer renders inline HTML and
links, so every value is escaped (HTML metacharacters as entities, Markdown
punctuation with backslashes, newlines folded) before it is placed in a cell.
Every figure cites its evidence: source number, character span and sentence.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tightrope.report.data import admin_label
from tightrope.store.db import Store

# Values never start a line (they follow a "| " or a label), so only inline syntax
# needs escaping: emphasis, code, links/images (brackets), strikethrough, cell bars.
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~])")


def md(value: Any) -> str:
    """Escape one value for a Markdown table cell or line."""
    if value is None:
        return ""
    s = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_PUNCT.sub(r"\\\1", s)
    return " ".join(s.split())


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md(c) if not isinstance(c, _Raw) else c.s for c in r) + " |" for r in rows]
    return out + [""]


class _Raw:
    """Text we composed ourselves from already-escaped parts."""

    def __init__(self, s: str):
        self.s = s


def render_markdown(store: Store, max_events: int | None = None) -> str:
    from tightrope.report.html import build_context

    c = build_context(store, max_events)
    src_no = {d["doc_id"]: i + 1 for i, d in enumerate(c["docs"])}

    def cite(doc_id: str, a: int, b: int, text: str) -> _Raw:
        return _Raw(f"[S{src_no.get(doc_id, '?')}:{a}-{b}] \u201c{md(text)}\u201d")

    lines = ["# Situation report", "",
             f"Generated {c['generated']} from {c['n_docs']} articles"
             + (f"; events dated {c['first']} to {c['last']}." if c["first"] else "."), "",
             *([cut_note(c["cut"]), ""] if c["cut"] else []),
             "## Headline summary", "",
             f"- **{c['n_violent']}** attacks and strikes; **{c['fatalities']}** reported deaths; "
             f"**{c['n_events']}** events, **{c['n_statements']}** statements, **{c['n_stats']}** reported figures."]
    for esc in c["escalations"]:
        steps = " \u2192 ".join(f"**{md(p['value'])}** ({p['month']})" for p in esc["points"])
        lines.append(f"- Escalation: {md(esc['label'])} ({md(esc['source'])}): {steps}")
    for e in c["firsts"]:
        lines.append(f"- First {md(e['actor1'])} attack on record: {e['event_date']}, {md(e['location'])}"
                     f" ({md(admin_label(e['admin1'], e['country']))}), {md(e['country'])} "
                     f"{cite(e['doc_id'], e['char_start'], e['char_end'], e['text']).s}")
    lines += ["", "## Timeline of key events", ""]
    lines += _table(["date", "type", "actor 1", "actor 2", "place", "deaths", "mentions"],
                    [[k["event_date"], k.get("sub_event_type") or k.get("plover_type"), k.get("actor1"),
                      k.get("actor2"), ", ".join(x for x in (k.get("location"), k.get("admin1"), k.get("country")) if x),
                      k.get("fatalities"), len(k["ids"])] for k in c["key_events"]])
    lines += ["## Reported figures", ""]
    lines += _table(["value", "what", "period", "according to", "evidence"],
                    [[s["value"], s.get("subject"), s.get("period_start"), s.get("source"),
                      cite(s["doc_id"], s["char_start"], s["char_end"], s["text"])] for s in c["stats"]])
    lines += ["## Actor network", ""]
    lines += _table(["actor", "relation", "actor", "evidence"],
                    [[e["source_name"], e["relation"], e["target_name"],
                      _Raw("<br>".join(cite(v["doc_id"], v["char_start"], v["char_end"], v["text"]).s
                                       if v.get("doc_id") else md(v["text"]) for v in e["evidence"]))]
                     for e in c["net"]["table"]])
    lines += ["## Key statements by stance", ""]
    for stance, rows in c["stances"]:
        lines += [f"### {stance.title()}", ""]
        lines += _table(["date", "speaker", "target", "quote", "evidence"],
                        [[s.get("date"), s.get("speaker"), s.get("target"), s.get("quote"),
                          cite(s["doc_id"], s["char_start"], s["char_end"], s["text"])] for s in rows])
    lines += ["## Outlook", ""] + [f"> {md(n)}" for n in c["outlook"]["notes"]] + [""]
    for key in ("signals", "forecasts", "scenarios"):
        if c["outlook"][key]:
            cols = c["outlook"][f"{key}_cols"]
            lines += [f"### {key.title()}", ""] + _table(cols, [[r.get(k) for k in cols] for r in c["outlook"][key]])
    lines += ["## Events", ""]
    lines += _table(["date", "type", "actor 1", "actor 2", "place", "deaths", "evidence"],
                    [[e["event_date"], e.get("sub_event_type") or e.get("plover_type"), e.get("actor1"),
                      e.get("actor2"), e.get("location"), e.get("fatalities"),
                      cite(e["doc_id"], e["char_start"], e["char_end"], e["text"])] for e in c["events"]])
    lines += ["## Sources", ""]
    for d in c["docs"]:
        where = d.get("url") or d.get("path") or ""
        lines.append(f"- **S{src_no[d['doc_id']]}** {md(d.get('published') or 'undated')} \u00b7 "
                     f"{md(d.get('publisher') or 'unknown publisher')} \u00b7 {md(d.get('title'))} \u00b7 "
                     f"{md(where)} \u00b7 `{d['doc_id']}`")
    return "\n".join(lines) + "\n"


def cut_note(cut: dict[str, int]) -> str:
    extra = f" (and {cut['extra']} earlier first operations)" if cut["extra"] else ""
    return (f"> Showing the latest {cut['shown']:,} of {cut['total']:,} events{extra}; the dashboard "
            "(`tightrope serve`) lists all. Totals, monthly counts, top pairs and first operations cover every event.")


def write_markdown(store: Store, out: Path, max_events: int | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_markdown(store, max_events), encoding="utf-8")
    return out
