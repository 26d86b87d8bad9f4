// Sessions: focus the first invalid field of a re-rendered form, and the
// calendar-feed card's Copy button. Loaded by the My Sessions panel and by the
// card (either may be swapped in by htmx), so it guards against running twice.
(function () {
  "use strict";
  if (window.__mentorhubSessionsJs) return;
  window.__mentorhubSessionsJs = true;

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) return;
    const input = document.querySelector(button.getAttribute("data-copy-target"));
    if (!input) return;
    const card = button.closest("section") || document;
    const status = card.querySelector("[data-copy-status]");
    function done(ok) {
      if (status) status.textContent = ok ? "Copied." : "Press Ctrl+C (⌘C) to copy the selected address.";
    }
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 422) return;
    const invalid = document.querySelector('dialog[open] [aria-invalid="true"]');
    if (invalid) invalid.focus();
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
