// The behaviour pages used to write in on* attributes and javascript: links, which the
// Content-Security-Policy refuses (script-src 'self'): declared with data-* attributes instead.
//  - <select data-autosubmit>: submits its form when changed (language, filters);
//  - <form data-confirm="question">: asks before submitting;
//  - <button data-print>: prints the page;
//  - <a data-back href="fallback">: goes back in the history, or to the fallback without one.
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    const select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    const back = event.target.closest("a[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
