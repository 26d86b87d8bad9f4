// Lists that follow the server live (the mentor's Scheduled sessions, pending
// Requests). Their tab renders a hidden stamp — a live fragment marked
// data-live-refresh with data-version (e.g. sessions_app/live/scheduled_version.html);
// when the socket swaps in a stamp with another version (a learner booked, a
// request arrived) the tab panel reloads its current URL through htmx, so order,
// page and filter stay as they were. Not while a dialog is open or a field is in
// use: then once the dialog closes. Loaded by those tabs (also after htmx swaps),
// so it guards against running twice. CSP-safe: no eval, no inline handlers.
(function () {
  "use strict";
  if (window.__mentorhubLiveRefresh) return;
  window.__mentorhubLiveRefresh = true;

  let waiting = false;

  function busy(panel) {
    if (document.querySelector("dialog[open]")) return true;
    const active = document.activeElement;
    return Boolean(panel.contains(active) && active.matches("input, textarea, select"));
  }

  function reload() {
    const panel = document.getElementById("tab-panel");
    if (!panel || !window.htmx) return;
    if (busy(panel)) {
      waiting = true;
      return;
    }
    waiting = false;
    window.htmx.ajax("GET", location.pathname + location.search, { target: "#tab-panel", swap: "innerHTML" });
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-live-refresh]")) return;
    const fragment = event.detail.fragment;
    const next = fragment && (fragment.firstElementChild || fragment);
    const version = next && next.getAttribute ? next.getAttribute("data-version") : null;
    if (version !== null && version !== target.getAttribute("data-version")) setTimeout(reload, 0);
  });

  // A dialog closed (or a field was left) while a reload was waiting.
  document.addEventListener("close", function () { if (waiting) setTimeout(reload, 0); }, true);
  document.addEventListener("focusout", function () { if (waiting) setTimeout(reload, 0); });
})();
