"""Odd but readable content through the whole pipeline (ingest, extract, merge, report, export):
right-to-left text and bidi controls, dates far in the future, absurd numbers, markup."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from reliability_support import BODY
from tightrope.cli import app
from tightrope.store.db import Store

runner = CliRunner()

ARTICLES = {
    "rtl.txt": "قصف في أربيل\n\nقالت مصادر أمنية إن طائرة مسيرة استهدفت قاعدة حرير الجوية في أربيل يوم 17 أكتوبر 2023. "
               "\u202eevil\u202c \u200fOn October 17, 2023, a drone struck Harir air base in Erbil, killing two "
               "soldiers, officials said. \u2067مصدر\u2069 said \u201cwe will respond\u201d.",
    "future.txt": "Future war\n- Desk\n- Jan 1, 2199\n\nIn 2199, a drone struck a depot near Erbil, officials said. "
                  "Five people were killed on March 3, 2199. Rockets hit Mosul in the year 9999.",
    "absurd.txt": "Absurd counts\n- Desk\n- Mar 4, 2024\n\nOn March 3, 2024, 9999999 killed in a drone strike near Erbil, "
                  "officials said. Another report said 99999999999 people were killed in an air strike on Mosul. "
                  "Militants killed 1e308 soldiers. The ministry said 1,000,000,000,000,000,000,000 rockets were "
                  "fired in 2023. About -5 people were wounded. Twenty twenty twenty twenty people died.",
    "markup.txt": "Raid <b>in</b> Basra\n- Desk\n- Mar 4, 2024\n\n" + BODY.replace("Erbil", "Basra <script>x</script>"),
}


@pytest.fixture(scope="module")
def store_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "in").mkdir()
    for name, text in ARTICLES.items():
        (tmp / "in" / name).write_text(text, encoding="utf-8")
    db = tmp / "t.duckdb"
    res = runner.invoke(app, ["run", str(tmp / "in"), "--db", str(db), "--report", str(tmp / "r.html")])
    assert res.exit_code == 0, res.output
    assert (tmp / "r.html").stat().st_size > 0
    res = runner.invoke(app, ["export", "--db", str(db), "-o", str(tmp / "out")])
    assert res.exit_code == 0, res.output
    return db, tmp


def test_every_document_is_stored_with_a_plausible_publication_date(store_db):
    db, _ = store_db
    with Store(db, read_only=True) as store:
        docs = {r["path"].rsplit("/", 1)[-1]: r for r in store.rows("documents")}
    assert sorted(docs) == sorted(ARTICLES)
    horizon = dt.date.today() + dt.timedelta(days=366)
    for name, d in docs.items():
        if d["published"]:
            assert "1900" <= d["published"][:4] and d["published"] <= horizon.isoformat(), (name, d["published"])
    assert docs["future.txt"]["published"] is None  # "Jan 1, 2199" is not a publication date
    assert docs["rtl.txt"]["text"] == ARTICLES["rtl.txt"]  # right-to-left text and bidi controls kept verbatim


def test_spans_are_exact_and_counts_sane(store_db):
    db, tmp = store_db
    docs = {json.loads(x)["doc_id"]: json.loads(x)["text"] for x in (tmp / "out/documents.jsonl").read_text().splitlines()}
    n = 0
    for table in ("events", "statements", "stats", "relations"):
        for line in (tmp / f"out/{table}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert docs[row["doc_id"]][row["char_start"]:row["char_end"]] == row["text"]
            n += 1
            if table == "events":
                assert row["fatalities"] is None or 0 <= row["fatalities"] < 100_000, row
    assert n > 0


def test_no_event_is_dated_in_the_far_future(store_db):
    db, _ = store_db
    with Store(db, read_only=True) as store:
        late = store.con.execute("SELECT event_date, text FROM events WHERE event_date > current_date + 366"
                                 ).fetchall()
    assert late == []
