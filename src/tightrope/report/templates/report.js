// Report interactions: filter the event table, follow "#ids:" links from charts/map,
// open a source at an evidence span ("#s-<id>").  Reads only our own data-* attributes.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#events-table tbody tr"));
  var q = document.getElementById("f-text"), ty = document.getElementById("f-type");
  var ac = document.getElementById("f-actor"), mo = document.getElementById("f-month");
  var shown = document.getElementById("f-count"), only = null;
  function apply() {
    var text = q.value.toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!only || only[r.id]) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!ty.value || r.getAttribute("data-type") === ty.value) &&
        (!ac.value || r.getAttribute("data-actors").indexOf("|" + ac.value + "|") >= 0) &&
        (!mo.value || r.getAttribute("data-month") === mo.value);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " events" + (only ? " (selection from a chart or map)" : "");
  }
  [q, ty, ac, mo].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  document.getElementById("f-clear").addEventListener("click", function () {
    q.value = ""; ty.value = ""; ac.value = ""; mo.value = ""; only = null; apply();
  });
  function focusSpan(id) {
    var anchor = document.getElementById(id);
    if (!anchor) { return; }
    var d = anchor.closest("details");
    if (d) { d.open = true; }
    var key = id.slice(2);
    Array.prototype.forEach.call(document.querySelectorAll("mark.focus"), function (m) { m.classList.remove("focus"); });
    Array.prototype.forEach.call(document.querySelectorAll("mark[data-ids]"), function (m) {
      if ((" " + m.getAttribute("data-ids") + " ").indexOf(" " + key + " ") >= 0) { m.classList.add("focus"); }
    });
    anchor.scrollIntoView({block: "center"});
  }
  function route() {
    var h = decodeURIComponent(location.hash || "");
    if (h.indexOf("#ids:") === 0) {
      only = {};
      h.slice(5).split(",").forEach(function (id) { only[id] = true; });
      apply();
      document.getElementById("events").scrollIntoView();
    } else if (h.indexOf("#s-") === 0) {
      focusSpan(h.slice(1));
    } else if (h.indexOf("#doc-") === 0) {
      var d = document.getElementById(h.slice(1));
      if (d) { d.open = true; }
    } else if (h.length > 1) {
      var row = document.getElementById(h.slice(1));
      if (row && row.hidden) { only = null; q.value = ""; ty.value = ""; ac.value = ""; mo.value = ""; apply(); row.scrollIntoView(); }
    }
  }
  window.addEventListener("hashchange", route);
  apply();
  route();
}());
