// startjoin dashboard: the matrix's filters, sorting by score, and the cell details shown on
// click. No dependencies; works from file://. The details are markup the generator already
// escaped: they are cloned, never parsed from text.
"use strict";

(function () {
  const matrix = document.getElementById("matrix");
  if (!matrix) return;  // a clause page or the diff page: nothing to wire
  const detail = document.getElementById("detail");
  const sectionFilter = document.getElementById("section-filter");
  const statusFilter = document.getElementById("status-filter");
  const sortButton = document.getElementById("sort-score");

  function showDetail(cell) {
    const source = cell.querySelector(".cell-detail");
    const copy = document.createElement("div");
    copy.className = "shown-detail";
    for (const child of source.childNodes) copy.appendChild(child.cloneNode(true));
    detail.replaceChildren(copy);
    for (const selected of matrix.querySelectorAll("td.selected")) {
      selected.classList.remove("selected");
    }
    cell.classList.add("selected");
  }

  matrix.addEventListener("click", (event) => {
    const button = event.target.closest("td.cell button");
    if (button) showDetail(button.parentElement);
  });

  function applyFilters() {
    const section = sectionFilter.value;
    const status = statusFilter.value;
    for (const body of matrix.tBodies) {
      let visibleRows = 0;
      const sectionShown = section === "" || body.dataset.section === section;
      for (const row of body.querySelectorAll("tr.clause")) {
        const matches = status === "" ||
          Array.from(row.querySelectorAll("td.cell")).some((td) => td.dataset.status === status);
        row.hidden = !(sectionShown && matches);
        if (!row.hidden) visibleRows += 1;
      }
      body.hidden = visibleRows === 0;
    }
  }
  sectionFilter.addEventListener("change", applyFilters);
  statusFilter.addEventListener("change", applyFilters);

  // Sorting moves each row's cells into the new column order; the button toggles between the
  // order the reports were given in and the score, highest first.
  let byScore = false;
  function orderColumns() {
    const headers = Array.from(matrix.tHead.querySelectorAll("th.implementation"));
    const order = headers.map((th) => Number(th.dataset.column));
    if (byScore) {
      const score = new Map(headers.map((th) => [Number(th.dataset.column), Number(th.dataset.score)]));
      order.sort((a, b) => score.get(b) - score.get(a) || a - b);
    } else {
      order.sort((a, b) => a - b);
    }
    for (const row of matrix.querySelectorAll("tr")) {
      const cells = new Map();
      for (const cell of row.querySelectorAll("[data-column]")) cells.set(Number(cell.dataset.column), cell);
      if (cells.size === 0) continue;
      for (const column of order) row.appendChild(cells.get(column));
    }
    sortButton.textContent = byScore ? "Original order" : "Sort by score";
    sortButton.setAttribute("aria-pressed", String(byScore));
  }
  sortButton.addEventListener("click", () => {
    byScore = !byScore;
    orderColumns();
  });
})();
