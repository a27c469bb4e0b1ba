// Filters for the change report. Reads data-* attributes only and never writes HTML, so nothing
// from a source document can become markup here.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.change"));
  var areas = Array.prototype.slice.call(document.querySelectorAll("section.area"));
  var kindBoxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[name=kind]"));
  var areaSel = document.getElementById("f-area");
  var typeSel = document.getElementById("f-type");
  var search = document.getElementById("f-q");
  var count = document.getElementById("f-count");

  function apply() {
    var kinds = {};
    kindBoxes.forEach(function (b) { if (b.checked) { kinds[b.value] = true; } });
    var area = areaSel.value, type = typeSel.value, q = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = !!kinds[r.dataset.kind] && (!area || r.dataset.area === area) &&
        (!type || r.dataset.type === type) && (!q || r.textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    areas.forEach(function (s) { s.hidden = !s.querySelector("tr.change:not([hidden])"); });
    document.querySelectorAll("tr.tlrow").forEach(function (r) {
      r.hidden = (area && r.dataset.area !== area) || (type && r.dataset.type !== type) ||
        (q && r.textContent.toLowerCase().indexOf(q) === -1);
    });
    count.textContent = "Showing " + shown + " of " + rows.length + " records";
  }

  kindBoxes.forEach(function (b) { b.addEventListener("change", apply); });
  [areaSel, typeSel].forEach(function (s) { s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  document.querySelectorAll("button[data-only]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      kindBoxes.forEach(function (b) { b.checked = b.value === btn.dataset.only; });
      apply();
      document.getElementById("filters").scrollIntoView({ behavior: "smooth" });
    });
  });
  document.querySelectorAll("button[data-toggle-sections]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var open = btn.dataset.toggleSections === "open";
      btn.closest("section").querySelectorAll("details.sec").forEach(function (d) { d.open = open; });
    });
  });
  // A briefing line links to its evidence row: make sure the row is shown (its kind ticked, other
  // filters cleared, its area expanded) before the browser scrolls to it.
  document.querySelectorAll("a[data-row]").forEach(function (a) {
    a.addEventListener("click", function () {
      var row = document.getElementById(a.dataset.row);
      if (!row) { return; }
      if (row.hidden) {
        kindBoxes.forEach(function (b) { if (b.value === row.dataset.kind) { b.checked = true; } });
        areaSel.value = ""; typeSel.value = ""; search.value = "";
        apply();
      }
      var box = row.closest("details");
      if (box) { box.open = true; }
    });
  });
  apply();
})();
