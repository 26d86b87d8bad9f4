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

  // Toasts of this page's own messages (sessions_app/_toast_message.html): one per
  // key, gone after a while unless hovered or focused. Stored notifications'
  // toasts are armed by notifications/realtime.js.
  const TOAST_MS = 8000;
  function armToast(toast) {
    const key = toast.getAttribute("data-toast-key");
    document.querySelectorAll('#toasts [data-toast-key="' + CSS.escape(key) + '"]').forEach(function (old) {
      if (old !== toast) old.remove();
    });
    toast.dataset.armed = "1";
    let timer = setTimeout(function () { toast.remove(); }, TOAST_MS);
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("focusin", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", function () { timer = setTimeout(function () { toast.remove(); }, TOAST_MS / 2); });
  }
  function showToast(key, title) {
    const box = document.getElementById("toasts");
    const template = document.getElementById("session-toast-template");
    if (!box || !template) return;
    const toast = template.content.firstElementChild.cloneNode(true);
    toast.setAttribute("data-toast-key", key);
    toast.querySelector("[data-toast-title]").textContent = title;
    box.append(toast);
    armToast(toast);
  }
  document.addEventListener("htmx:oobAfterSwap", function () {
    document.querySelectorAll("#toasts [data-toast-key]:not([data-armed])").forEach(armToast);
  });

  // A refused row action comes back as its card with an alert (views._card_error):
  // keep focus on the card's main button and the alert in view.
  document.addEventListener("htmx:afterSettle", function () {
    const alert = document.querySelector("[data-session-card] [data-card-error]:not([data-seen])");
    if (!alert) return;
    alert.setAttribute("data-seen", "1");
    const primary = alert.closest("[data-session-card]").querySelector("[data-primary]");
    if (primary) primary.focus({ preventScroll: true });
    alert.scrollIntoView({ block: "nearest" });
    // The toast (bottom of the screen) must not hide the alert it repeats.
    const toasts = document.getElementById("toasts");
    if (toasts && toasts.children.length) {
      const covered = alert.getBoundingClientRect().bottom - (toasts.getBoundingClientRect().top - 8);
      if (covered > 0) window.scrollBy(0, covered);
    }
  });

  // The Create/Edit dialog's overlap hint: bring it into view above the sticky footer.
  document.addEventListener("htmx:afterSwap", function (event) {
    const region = event.detail.target;
    if (region && region.id === "session-overlap" && region.firstElementChild) {
      region.scrollIntoView({ block: "nearest" });
    }
  });

  // "Copy link" in a card's ⋯ menu: the session's address, confirmed by a toast.
  document.addEventListener("click", function (event) {
    const item = event.target.closest && event.target.closest("[data-copy-link]");
    if (!item) return;
    const url = new URL(item.getAttribute("data-copy-link"), window.location.href).href;
    function done(ok) { showToast("copy", ok ? "Link copied" : "Couldn't copy: " + url); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
