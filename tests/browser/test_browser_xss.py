"""An article with <script> and markup, ingested through the pipeline, stays inert in the browser."""
from __future__ import annotations

import pytest

INJECTED = "<script>window.__xss = 3</script>"


def _assert_inert(page, shots, name):
    assert page.evaluate("typeof window.__xss") == "undefined", f"{name}: injected script ran"
    assert page.errors == [], page.errors
    page.screenshot(path=str(shots / f"xss-{name}.png"))


def test_report_shows_hostile_markup_as_text(page, report_file, shots):
    page.goto(report_file.as_uri())
    page.fill("#f-text", "window.__xss")
    row = page.locator("#events-table tbody tr:visible").first
    assert INJECTED in row.inner_text(), "markup appears literally, as text"
    row.locator("a.evlink").click()
    page.wait_for_selector("mark.focus")
    assert INJECTED in "".join(page.locator("mark.focus").all_inner_texts())
    page.locator("mark.focus").first.hover()  # would fire an injected onmouseover
    assert page.locator("details.doc iframe, details.doc img, details.doc b[onmouseover]").count() == 0
    _assert_inert(page, shots, "report")


@pytest.mark.parametrize("path", ["/", "/events/{event_id}", "/documents/{doc_id}", "/actors"])
def test_dashboard_shows_hostile_markup_as_text(page, dashboard, shots, path):
    hostile = page.request.get(f"{dashboard}/api/events", params={"place": "Baghdad", "limit": 500}).json()
    e = next(x for x in hostile["events"] if INJECTED in x["text"])
    page.goto(dashboard + path.format(event_id=e["event_id"], doc_id=e["doc_id"]))
    if path != "/actors":
        assert INJECTED in page.inner_text("main")
    assert page.locator("main script, main iframe, main img, main b[onmouseover]").count() == 0
    _assert_inert(page, shots, "dashboard" + path.split("/")[1].replace("{", "").replace("}", ""))
