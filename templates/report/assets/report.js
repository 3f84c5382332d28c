/* govern-as-code report: optional table sorting and filtering.
   The pages work without it; it only adds buttons and a filter box, and never inserts markup
   from the page's data (textContent only). Sorting and filtering act on the current page. */
(function () {
  "use strict";

  function cellText(row, index) {
    var cell = row.children[index];
    return cell ? cell.textContent.trim() : "";
  }

  function compare(a, b) {
    var x = parseFloat(a.replace(/[^0-9.+-]/g, ""));
    var y = parseFloat(b.replace(/[^0-9.+-]/g, ""));
    var numeric = /^[-+]?[0-9.,]+%?$/;
    if (numeric.test(a) && numeric.test(b) && !isNaN(x) && !isNaN(y)) {
      return x - y;
    }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) {
      return;
    }
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(cellText(r1, index), cellText(r2, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function addFilter(table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) {
      return;
    }
    var wrap = document.createElement("div");
    wrap.className = "table-filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = "filter-" + table.getAttribute("data-filter");
    label.htmlFor = input.id;
    label.textContent = "Filter this page";
    wrap.appendChild(label);
    wrap.appendChild(input);
    var anchor = table.closest(".table-wrap") || table;
    anchor.parentNode.insertBefore(wrap, anchor);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("table[data-filter]").forEach(addFilter);
})();

/* select-box filters (facets) for the audit trail and the board.
   A form[data-facets] names the element whose [data-facet-item] children it narrows; an item
   stays shown when, for every chosen facet, its data-facet-<name> equals the choice. */
(function () {
  "use strict";

  function wire(form) {
    var target = document.getElementById(form.getAttribute("data-facets"));
    if (!target) {
      return;
    }
    var items = target.querySelectorAll("[data-facet-item]");
    var selects = form.querySelectorAll("select[data-facet]");
    var count = form.querySelector(".facets__count");
    function apply() {
      var shown = 0;
      Array.prototype.forEach.call(items, function (item) {
        var keep = Array.prototype.every.call(selects, function (select) {
          return select.value === "" ||
            item.getAttribute("data-facet-" + select.getAttribute("data-facet")) === select.value;
        });
        item.hidden = !keep;
        if (keep) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = shown + " of " + items.length + " shown";
      }
      target.querySelectorAll("[data-facet-group]").forEach(function (group) {
        var visible = group.querySelectorAll("[data-facet-item]:not([hidden])").length;
        var badge = group.querySelector("[data-facet-group-count]");
        if (badge) {
          badge.textContent = String(visible);
        }
      });
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    apply();
  }

  document.querySelectorAll("form[data-facets]").forEach(wire);
})();

/* the qualification matrix's axis selectors; without them the value × risk grid shows. */
(function () {
  "use strict";
  var form = document.getElementById("matrix-axes");
  if (!form) {
    return;
  }
  var x = form.querySelector('select[data-axis="x"]');
  var y = form.querySelector('select[data-axis="y"]');
  var note = form.querySelector(".matrix-axes__note");
  var matrices = document.querySelectorAll("#matrices .matrix");
  function show() {
    var found = false;
    matrices.forEach(function (matrix) {
      var match = matrix.getAttribute("data-x") === x.value && matrix.getAttribute("data-y") === y.value;
      matrix.hidden = !match;
      found = found || match;
    });
    note.textContent = found ? "" : "Choose two different axes.";
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  x.addEventListener("change", show);
  y.addEventListener("change", show);
  show();
})();
