// The HTML report's filters and sorting. The page reads without this script; it only
// hides rows, reorders them, and opens a skill's details when a link points at it.
// Skill text is only ever read (textContent, dataset), never written as markup.
(function () {
  "use strict";
  var table = document.getElementById("skill-table");
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var bodies = Array.prototype.slice.call(table.tBodies);
  var chunk = bodies[0] ? bodies[0].rows.length : 0;
  var rows = [];
  bodies.forEach(function (body) { rows = rows.concat(Array.prototype.slice.call(body.rows)); });
  var groups = Array.prototype.slice.call(document.querySelectorAll("#details .chunk"));
  var order = rows.slice();
  var position = new Map(rows.map(function (row, index) { return [row, index]; }));
  var entries = rows.map(function (row) {
    var anchor = row.querySelector("a").getAttribute("href").slice(1);
    return {
      row: row,
      details: document.getElementById(anchor),
      codes: row.dataset.codes.split(" "),
      kinds: row.dataset.kinds.split(" "),
      text: null
    };
  });

  // What a search looks in: the row and everything its details say, read on first use.
  function text(entry) {
    if (entry.text === null) {
      entry.text = (entry.row.textContent + " " +
                    (entry.details ? entry.details.textContent : "")).toLowerCase();
    }
    return entry.text;
  }

  function matches(entry, wanted) {
    return (!wanted.verdict || entry.row.dataset.verdict === wanted.verdict) &&
      (!wanted.code || entry.codes.indexOf(wanted.code) >= 0) &&
      (!wanted.kind || entry.kinds.indexOf(wanted.kind) >= 0) &&
      (!wanted.text || text(entry).indexOf(wanted.text) >= 0);
  }

  // Rows are held in blocks (tbody) that the browser skips while off screen: after sorting or
  // filtering, the shown rows fill the first blocks in order, and empty blocks are hidden.
  function place() {
    var shownFirst = order.filter(function (row) { return !row.hidden; })
      .concat(order.filter(function (row) { return row.hidden; }));
    bodies.forEach(function (body, index) {
      var fragment = document.createDocumentFragment();
      var slice = shownFirst.slice(index * chunk, (index + 1) * chunk);
      slice.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
      body.hidden = slice.every(function (row) { return row.hidden; });
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("details.skill:not([hidden])");
    });
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
    place();
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
    order = rows.slice().sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      if (x !== y) { return (x < y ? -1 : 1) * (ascending ? 1 : -1); }
      return position.get(a) - position.get(b);
    });
    place();
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
  table.addEventListener("click", function (event) {
    var link = event.target.closest("tbody a");
    if (link) { setTimeout(reveal, 0); }
  });
  window.addEventListener("hashchange", reveal);
  reveal();
}());
