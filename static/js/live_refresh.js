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
  const rendered = new Map(); // stamp id → the version the list on screen was rendered with
  const latest = new Map(); // stamp id → the newest version the socket announced

  function record(root) {
    const stamps = root.matches && root.matches("[data-live-refresh]") ? [root] : [];
    if (root.querySelectorAll) stamps.push(...root.querySelectorAll("[data-live-refresh]"));
    stamps.forEach(function (stamp) {
      rendered.set(stamp.id, stamp.getAttribute("data-version"));
      latest.set(stamp.id, stamp.getAttribute("data-version"));
    });
  }

  function stale() {
    for (const [id, version] of latest) {
      if (document.getElementById(id) && rendered.get(id) !== version) return true;
    }
    return false;
  }

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
    // The answer to the mentor's own action may already have redrawn the list.
    if (!stale()) return;
    window.htmx.ajax("GET", location.pathname + location.search, { target: "#tab-panel", swap: "innerHTML" });
  }

  record(document);
  // A list drawn by an ordinary swap (tab, page, the answer to an action) is current
  // as of the stamp it came with; a stamp swapped in alone (the socket) is not.
  // (realtime.js swaps socket frames with htmx.swap(): no request, no xhr.)
  document.addEventListener("htmx:afterSwap", function (event) {
    const elt = event.target;
    if (!event.detail || !event.detail.xhr) return;
    if (elt && elt.matches && !elt.matches("[data-live-refresh]")) record(elt);
  });

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-live-refresh]")) return;
    const fragment = event.detail.fragment;
    const next = fragment && (fragment.firstElementChild || fragment);
    const version = next && next.getAttribute ? next.getAttribute("data-version") : null;
    if (version === null) return;
    latest.set(target.id, version);
    if (version !== rendered.get(target.id)) setTimeout(reload, 0);
  });

  // A dialog closed (or a field was left) while a reload was waiting.
  document.addEventListener("close", function () { if (waiting) setTimeout(reload, 100); }, true);
  document.addEventListener("focusout", function () { if (waiting) setTimeout(reload, 100); });
})();
