/* The pages' small behaviours, in one static file instead of inline handlers (the
   Content-Security-Policy allows only this site's own scripts and stylesheets):

   - <select data-autosubmit>        sends its form when changed (the language switch, filters)
   - <form data-confirm="question">  asks before sending
   - <button data-print>             opens the print dialog
   - <a data-back href="/">          goes back in the history (the href is the way without it)
   - <span data-colour="#c0392b">    a colour from the database (a category's), set through the DOM
   - <table class="list">            each cell gets the data-label of its column's heading, for the
                                     phone layout (cards below 600 px, site.css), unless it has one

   window.GridGovUI.paint(element) applies the last two to HTML added later (the household map). */
(function () {
  "use strict";

  const COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function labelTable(table) {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    const labels = [];
    for (const th of head.cells) {
      const span = th.colSpan || 1;
      for (let i = 0; i < span; i += 1) labels.push(th.textContent.trim());
    }
    for (const body of [...table.tBodies, table.tFoot].filter(Boolean)) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label") && labels[column]) cell.setAttribute("data-label", labels[column]);
          column += cell.colSpan || 1;
        }
      }
    }
  }

  function paint(root) {
    root.querySelectorAll("[data-colour]").forEach((el) => {
      if (COLOUR.test(el.dataset.colour)) el.style.backgroundColor = el.dataset.colour;
    });
    root.querySelectorAll("table.list").forEach(labelTable);
  }

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
    },
    true,
  );

  document.addEventListener("click", (event) => {
    const el = event.target.closest && event.target.closest("[data-print], a[data-back]");
    if (!el) return;
    if (el.hasAttribute("data-print")) {
      window.print();
    } else if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  window.GridGovUI = { paint };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => paint(document));
  else paint(document);
})();
