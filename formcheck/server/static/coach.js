"use strict";
// The coach's pages: select the invite link on a tap, and sort a clips table by a column.
(function () {
  for (const input of document.querySelectorAll("input.copy")) {
    input.addEventListener("focus", () => input.select());
  }
  for (const table of document.querySelectorAll("table.sortable")) {
    const heads = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
    heads.forEach((th, col) => {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      let ascending = true;
      const sort = () => {
        const body = table.tBodies[0];
        const rows = Array.from(body.rows).filter((r) => r.cells.length === heads.length);
        const key = (r) => {
          const text = r.cells[col].textContent.trim();
          const n = parseFloat(text);
          return th.classList.contains("num") && !Number.isNaN(n) ? n : text.toLowerCase();
        };
        rows.sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (ascending ? 1 : -1));
        ascending = !ascending;
        for (const r of rows) body.appendChild(r);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
    });
  }
})();
