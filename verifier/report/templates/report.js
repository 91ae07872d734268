// The HTML report's filters and sorting. The page reads without this script; it only
// hides rows, reorders them, and opens a skill's details when a link points at it.
// Skill text is only ever read (textContent, dataset), never written as markup.
(function () {
  "use strict";
  var table = document.getElementById("skill-table");
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var entries = rows.map(function (row) {
    var anchor = row.querySelector("a").getAttribute("href").slice(1);
    return {
      row: row,
      details: document.getElementById(anchor),
      codes: row.dataset.codes.split(" "),
      kinds: row.dataset.kinds.split(" "),
      text: (row.cells[0].textContent + " " + row.cells[1].textContent + " " +
             row.dataset.caps + " " + row.dataset.codes).toLowerCase()
    };
  });

  function matches(entry, wanted) {
    return (!wanted.verdict || entry.row.dataset.verdict === wanted.verdict) &&
      (!wanted.code || entry.codes.indexOf(wanted.code) >= 0) &&
      (!wanted.kind || entry.kinds.indexOf(wanted.kind) >= 0) &&
      (!wanted.text || entry.text.indexOf(wanted.text) >= 0);
  }

  function filter() {
    var wanted = {verdict: form.elements.verdict.value, code: form.elements.code.value,
                  kind: form.elements.kind.value,
                  text: form.elements.q.value.trim().toLowerCase()};
    var count = 0;
    entries.forEach(function (entry) {
      var keep = matches(entry, wanted);
      entry.row.hidden = !keep;
      if (entry.details) { entry.details.hidden = !keep; }
      if (keep) { count += 1; }
    });
    shown.textContent = count + " of " + entries.length + " skills shown";
  }

  function key(row, column) {
    var cell = row.cells[column];
    var number = cell.dataset.key;
    return number === undefined ? cell.textContent.trim().toLowerCase() : Number(number);
  }

  function sort(header) {
    var column = header.cellIndex;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var order = rows.slice().sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      if (x !== y) { return (x < y ? -1 : 1) * (ascending ? 1 : -1); }
      return Number(a.dataset.index) - Number(b.dataset.index);
    });
    var fragment = document.createDocumentFragment();
    order.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
  }

  function reveal() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }

  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = entries.map(function (e) { return e.details; }).filter(function (d) {
      return d && !d.open && !d.hidden;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  form.hidden = false;
  form.addEventListener("input", filter);
  form.addEventListener("change", filter);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  table.tHead.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (button) { sort(button.closest("th")); }
  });
  body.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (link) { setTimeout(reveal, 0); }
  });
  window.addEventListener("hashchange", reveal);
  reveal();
}());
