// Shell behaviour shared by every page: ARIA tab keyboard support, swap
// errors, focus management. No inline handlers (CSP), no framework.
(function () {
  "use strict";

  // Arrow keys move between tabs in any [data-tablist] (WAI-ARIA tabs pattern).
  document.addEventListener("keydown", function (event) {
    const tab = event.target.closest && event.target.closest('[role="tab"]');
    if (!tab) return;
    const list = tab.closest("[data-tablist]");
    if (!list) return;
    const tabs = Array.from(list.querySelectorAll('[role="tab"]'));
    let index = tabs.indexOf(tab);
    if (event.key === "ArrowRight") index = (index + 1) % tabs.length;
    else if (event.key === "ArrowLeft") index = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") index = 0;
    else if (event.key === "End") index = tabs.length - 1;
    else return;
    event.preventDefault();
    // A tab list swapped in a moment ago may not be processed by htmx yet (that
    // happens when the swap settles): process it now, or the click would be a
    // plain link and load the whole page.
    if (window.htmx) window.htmx.process(tabs[index]);
    tabs[index].focus();
    tabs[index].click();
  });

  function showSwapError(message) {
    const box = document.getElementById("swap-error");
    if (!box) return;
    box.innerHTML = "";
    const inner = document.createElement("div");
    inner.className = "flex items-start justify-between gap-3 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800";
    const text = document.createElement("p");
    text.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "min-h-11 min-w-11 font-semibold";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { box.classList.add("hidden"); });
    inner.append(text, close);
    box.append(inner);
    box.classList.remove("hidden");
  }

  document.addEventListener("htmx:sendError", function () {
    showSwapError("Can't reach MentorHub. Check your connection and try again.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 422 || status === 400 || status === 409) return; // forms render their own errors
    showSwapError(status >= 500
      ? "Something went wrong on our side (" + status + "). Please try again."
      : "That didn't work (" + status + "). Reload the page and try again.");
  });
  // Forms answer 4xx with their errors re-rendered: let htmx swap them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if (status === 422 || status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:beforeRequest", function () {
    const box = document.getElementById("swap-error");
    if (box) box.classList.add("hidden");
  });
  // Dialogs: any <dialog data-modal> swapped into the page opens as a modal;
  // [data-close-dialog] closes it; focus returns to what opened it.
  // The list behind a dialog is often re-rendered when it closes, replacing the
  // opener: then focus its successor (same id or hx-get), after the swap settles.
  let opener = null;
  let returnFocusUntil = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const target = event.detail.target;
    if (!target || target.id !== "dialog-slot") return;
    // A ⋯ menu's item is hidden once chosen: focus returns to the menu's button.
    const menu = event.detail.elt.closest && event.detail.elt.closest('[role="menu"][id]');
    const menuButton = menu && document.querySelector('[aria-controls="' + CSS.escape(menu.id) + '"]');
    opener = menuButton || event.detail.elt;
  });
  function openerNow() {
    if (!opener) return null;
    if (document.body.contains(opener)) return opener;
    if (opener.id) return document.getElementById(opener.id);
    const url = opener.getAttribute("hx-get");
    return url ? document.querySelector('[hx-get="' + CSS.escape(url) + '"]') : null;
  }
  function returnFocus() {
    if (Date.now() > returnFocusUntil || document.querySelector("dialog[open]")) return;
    const current = document.activeElement;
    if (current && current !== document.body && document.body.contains(current)) return;
    const target = openerNow() || document.getElementById("tab-panel");
    if (target) target.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSettle", returnFocus);
  function openDialogs(root) {
    root.querySelectorAll("dialog[data-modal]").forEach(function (dialog) {
      if (!dialog.open) dialog.showModal();
      dialog.addEventListener("close", function () {
        dialog.remove();
        returnFocusUntil = Date.now() + 3000;
        const target = openerNow();
        if (target) target.focus();
      }, { once: true });
    });
  }
  document.addEventListener("htmx:load", function (event) { openDialogs(event.detail.elt.parentNode || document); });
  document.addEventListener("click", function (event) {
    const closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) {
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });
  // A server answer with HX-Trigger: closeDialog closes the open dialog.
  document.addEventListener("closeDialog", function () {
    document.querySelectorAll("dialog[open]").forEach(function (d) { d.close(); });
  });
  // showModal() makes the page inert, but Tab still leaves for the browser's own
  // UI: wrap it between the open dialog's first and last focusable element.
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  document.addEventListener("keydown", function (event) {
    const dialog = event.key === "Tab" && document.querySelector("dialog[data-modal][open]");
    if (!dialog) return;
    const items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.getClientRects().length > 0;
    });
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1], active = document.activeElement;
    const outside = !dialog.contains(active);
    if (event.shiftKey && (active === first || outside)) { event.preventDefault(); last.focus(); }
    if (!event.shiftKey && (active === last || outside)) { event.preventDefault(); first.focus(); }
  });

  // Every tab fragment sends the tab bar out of band to move the selection.
  // Replacing the bar would drop the focused tab, and htmx then focuses its
  // successor right after inserting the new panel: a forced style and layout
  // pass over the whole new panel inside the swap (~5–35 ms a click, #19). When
  // the fragment's bar has the same tabs, update them in place instead (state,
  // classes, badge): the focus stays where it was, nothing is re-processed.
  function sameTabs(current, fresh) {
    if (current.length !== fresh.length) return false;
    for (let i = 0; i < current.length; i++) {
      if (current[i].id !== fresh[i].id) return false;
      for (const name of current[i].getAttributeNames()) {
        if (name.startsWith("hx-") && current[i].getAttribute(name) !== fresh[i].getAttribute(name)) return false;
      }
    }
    return true;
  }
  function copyAttributes(from, to) {
    for (const name of to.getAttributeNames()) {
      if (!from.hasAttribute(name)) to.removeAttribute(name);
    }
    for (const name of from.getAttributeNames()) {
      if (to.getAttribute(name) !== from.getAttribute(name)) to.setAttribute(name, from.getAttribute(name));
    }
  }
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || target.id !== "dashboard-tabs" || !event.detail.fragment) return;
    const nav = event.detail.fragment.querySelector ? event.detail.fragment.querySelector("#dashboard-tabs") : null;
    if (!nav) return;
    const current = Array.from(target.querySelectorAll('[role="tab"]'));
    const fresh = Array.from(nav.querySelectorAll('[role="tab"]'));
    if (!current.length || !sameTabs(current, fresh)) return;
    fresh.forEach(function (tab, i) {
      copyAttributes(tab, current[i]);
      if (current[i].innerHTML !== tab.innerHTML) {
        current[i].replaceChildren(...tab.childNodes);
        if (window.htmx) window.htmx.process(current[i]);
      }
    });
    event.detail.shouldSwap = false;
  });

  // Leaving a tab, htmx cleans up every element of the old panel before removing
  // it: two events each (camelCase and kebab-case), ~1,800 for Analytics, the
  // largest part of the swap (#19). Only the elements htmx initialised (hx-*
  // attributes: listeners, timers) need that. Once the swap of the panel is
  // decided (window, bubbling: after every other handler), remove at once the
  // parts of the old panel that hold none of them nor the focus; htmx cleans the
  // rest as before. Only for a plain innerHTML swap with no delay.
  const HTMX_DATA = "htmx-internal-data";
  const SWAP_ATTRS = "[hx-swap],[data-hx-swap],[hx-select],[data-hx-select],[hx-select-oob],[data-hx-select-oob]";
  window.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    const panel = detail.target;
    if (event.defaultPrevented || !detail.shouldSwap || !panel || panel.id !== "tab-panel") return;
    if (detail.swapOverride || detail.selectOverride || detail.select || !detail.requestConfig) return;
    const elt = detail.requestConfig.elt;
    if (!elt || !elt.closest || elt.closest(SWAP_ATTRS)) return;
    const xhr = detail.xhr;
    if (!xhr || xhr.getResponseHeader("HX-Reswap") || xhr.getResponseHeader("HX-Reselect")) return;
    const keep = new Set();
    const active = document.activeElement;
    panel.querySelectorAll("*").forEach(function (el) {
      if (!el[HTMX_DATA] && el !== active) return;
      for (let node = el; node && node !== panel && !keep.has(node); node = node.parentNode) keep.add(node);
    });
    (function prune(parent) {
      Array.from(parent.children).forEach(function (child) {
        if (keep.has(child)) prune(child);
        else child.remove();
      });
    })(panel);
  });

  // A tab swap replaces the tab list (out of band), which drops the focus on
  // <body>: put it back on the selected tab. Several swaps may settle (the
  // panel, then anything it loads), so keep doing it briefly after a tab change.
  let tabChangedAt = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("role") === "tab") tabChangedAt = Date.now();
  });
  function refocusSelectedTab() {
    if (Date.now() - tabChangedAt > 3000) return;
    const current = document.activeElement;
    if (current && current !== document.body && document.body.contains(current)) return;
    const active = document.querySelector('#dashboard-tabs [aria-selected="true"]');
    if (active) active.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSettle", refocusSelectedTab);
  document.addEventListener("htmx:oobAfterSwap", refocusSelectedTab);
})();
