/* framing: sort and filter the report's tables marked data-sortable. Offline, no library: it only
   reorders and hides rows that are already in the page and reads cells with textContent, so the
   escaped text of a cell is never parsed as HTML. */
(function () {
  "use strict";
  function key(cell) {
    var text = cell ? cell.textContent.trim() : "";
    if (/^[-+\u2212]?[\d,]*\.?\d+(e[-+]?\d+)?%?$/i.test(text)) {
      return { n: parseFloat(text.replace(/,/g, "").replace("\u2212", "-")) };
    }
    return { s: text.toLowerCase() };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    if (a.n !== undefined) { return -1; }
    if (b.n !== undefined) { return 1; }
    return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  }
  var tables = document.querySelectorAll("table.framing-table[data-sortable]");
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var bar = document.createElement("p");
    bar.className = "framing-filter";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Filter rows\u2026";
    box.setAttribute("aria-label", "Filter the rows of this table");
    var count = document.createElement("span");
    count.className = "framing-count";
    count.textContent = " " + rows.length + " rows; click a column heading to sort";
    bar.appendChild(box);
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);
    box.addEventListener("input", function () {
      var wanted = box.value.toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var keep = row.textContent.toLowerCase().indexOf(wanted) >= 0;
        row.style.display = keep ? "" : "none";
        if (keep) { shown += 1; }
      });
      count.textContent = " " + shown + " of " + rows.length + " rows";
    });
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      th.style.cursor = "pointer";
      th.title = "Sort by this column";
      th.setAttribute("aria-sort", "none");
      th.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
        rows.sort(function (a, b) { return direction * compare(key(a.cells[column]), key(b.cells[column])); });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
