// The notifications socket (/ws/notifications/), the bell menu, toasts,
// banners and opt-in desktop alerts. An ES module on top of the shared socket
// client (static/js/socket.js: reconnect, heartbeat, 4001 → refresh cookies).
// CSP-safe: no eval, no inline handlers.
//
// Protocol (notifications/consumers.py): on every (re)connect we send the
// frame built by buildHello() and the server replays newer rows, then says
// "ready"; every NOTIFY_POLL_SECONDS a {"type":"ping"} with the same id
// doubles as heartbeat and catch-up. Server frames carry HTML with
// hx-swap-oob; htmx swaps them (applyUpdate / swapFragments).
import { Socket } from "../js/socket.js";
import "../js/banners.js"; // counting banners ("starts in 3 min")

const TOAST_MS = 8000;
const MAX_TOASTS = 4;
const ALERTS_KEY = "mentorhub.desktopAlerts";

const shell = document.getElementById("shell");
const rt = { socket: null, lastId: 0, seen: new Set(), pageSent: "", retried: false };

function pollMs() {
  const seconds = parseInt(shell.dataset.pollSeconds, 10) || 25;
  return Math.min(Math.max(seconds, 1), 30) * 1000;
}

// --- Socket frames -------------------------------------------------------------

// Sent on every (re)connect: what this page already has, and the live
// fragments it shows; the server re-sends those fresh before "ready", so a
// reconnect restores every live value.
function buildHello() {
  const fragments = pageFragments();
  rt.pageSent = JSON.stringify(fragments);
  return { type: "hello", last_id: rt.lastId, fragments };
}

// Lists the fragments again only when the page changed (an htmx swap).
function buildPing() {
  const ping = { type: "ping", last_id: rt.lastId };
  const fragments = pageFragments();
  const text = JSON.stringify(fragments);
  if (text !== rt.pageSent) {
    rt.pageSent = text;
    ping.fragments = fragments;
  }
  return ping;
}

// Live fragments (core/live_fragments.py) are marked data-live-fragment="name"
// with one data-live-key-<key>="<id>" per key, e.g. data-live-key-session-id.
const MAX_FRAGMENTS = 60; // notifications/consumers.py MAX_PAGE_FRAGMENTS

function pageFragments() {
  const list = [];
  const seen = new Set();
  for (const element of document.querySelectorAll("[data-live-fragment]")) {
    if (list.length >= MAX_FRAGMENTS) break;
    const key = {};
    for (const [name, value] of Object.entries(element.dataset)) {
      if (!name.startsWith("liveKey") || name === "liveKey") continue;
      // liveKeySessionId → session_id
      key[name.slice(7).replace(/[A-Z]/g, (c) => "_" + c.toLowerCase()).slice(1)] = Number(value);
    }
    const entry = { name: element.dataset.liveFragment, key };
    const id = JSON.stringify(entry);
    if (!seen.has(id)) {
      seen.add(id);
      list.push(entry);
    }
  }
  return list;
}

function receive(message) {
  if (message.type === "notification") applyNotification(message);
  else if (message.type === "update") applyUpdate(message);
}

function applyNotification(message) {
  if (rt.seen.has(message.id)) return;
  rt.seen.add(message.id);
  rt.lastId = Math.max(rt.lastId, message.id);
  shell.dataset.lastId = String(rt.lastId);
  swapFragments(message.html);
  refreshOpenMenu();
  if (message.level === "urgent") desktopAlert(message);
  shell.dispatchEvent(new CustomEvent("notifications:received", { bubbles: true, detail: message }));
}

// A live value (badge, participant count, …) rendered by the server.
function applyUpdate(message) {
  swapFragments(message.html);
}

// "reconnecting" shows the visible indicator; "refreshing" (routine cookie
// refresh after 4001) does not.
function showStatus(status) {
  const state = status === "idle" ? "connecting" : status;
  shell.dataset.realtimeState = state;
  const indicator = document.getElementById("realtime-status");
  const hadFocus = Boolean(indicator && indicator.contains(document.activeElement));
  if (indicator) indicator.hidden = state !== "reconnecting";
  if (state === "open" && rt.retried) afterRetry(hadFocus);
}

// Retry in the "connection lost" box: reconnect at once instead of waiting
// out the backoff. Live values come back with the hello; the tab panel's
// lists are reloaded too, unless a dialog or a field is in use.
function retry() {
  if (rt.socket && rt.socket.reconnectNow()) rt.retried = true;
}

function afterRetry(hadFocus) {
  rt.retried = false;
  const panel = document.getElementById("tab-panel");
  const busy = document.querySelector("dialog[open]") ||
    (panel && panel.contains(document.activeElement) && document.activeElement.matches("input, textarea, select"));
  if (panel && !busy && window.htmx) {
    window.htmx.ajax("GET", location.pathname + location.search, { target: "#tab-panel", swap: "innerHTML" });
  }
  // The button that had focus is gone: keep the keyboard user in the page.
  if (hadFocus) document.getElementById("main")?.focus();
}

document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-realtime-retry]")) retry();
});

// Swap hx-swap-oob fragments, skipping those whose target is not on this page
// (a participant count of a tab that is not open).
function swapFragments(html) {
  if (!html || !window.htmx) return;
  const template = document.createElement("template");
  template.innerHTML = html;
  template.content.querySelectorAll("[hx-swap-oob]").forEach(dropUnplaceable);
  if (!template.content.children.length) return;
  window.htmx.swap(shell, template.innerHTML, { swapStyle: "none" });
  armToasts();
}

function dropUnplaceable(element) {
  const value = element.getAttribute("hx-swap-oob");
  const colon = value.indexOf(":");
  const selector = colon >= 0 ? value.slice(colon + 1) : "#" + element.id;
  let target = null;
  try {
    target = selector && selector !== "#" ? document.querySelector(selector) : null;
  } catch (e) {
    target = null;
  }
  if (!target) {
    element.remove();
    return;
  }
  // Inserts (toast, banner, list row) never duplicate an element already shown.
  if (colon >= 0) {
    Array.from(element.children).forEach(function (child) {
      if (child.id && document.getElementById(child.id)) child.remove();
    });
    if (!element.children.length) element.remove();
  }
}

// --- Toasts -----------------------------------------------------------------
function armToasts() {
  const box = document.getElementById("toasts");
  if (!box) return;
  const toasts = box.querySelectorAll("[data-toast]");
  for (let i = 0; i < toasts.length - MAX_TOASTS; i++) toasts[i].remove();
  box.querySelectorAll("[data-toast]:not([data-armed])").forEach(function (toast) {
    toast.dataset.armed = "1";
    let timer = setTimeout(function () { toast.remove(); }, TOAST_MS);
    // Don't take a toast away while someone is reading or using it.
    const hold = function () { clearTimeout(timer); };
    const release = function () {
      clearTimeout(timer);
      timer = setTimeout(function () { toast.remove(); }, TOAST_MS / 2);
    };
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("mouseleave", release);
    toast.addEventListener("focusout", release);
  });
}

document.addEventListener("click", function (event) {
  const dismiss = event.target.closest && event.target.closest("[data-toast] [data-dismiss]");
  if (dismiss) dismiss.closest("[data-toast]").remove();
});

// --- Bell menu ---------------------------------------------------------------
function menuParts() {
  return { button: document.getElementById("bell-button"), menu: document.getElementById("bell-menu") };
}

function openMenu() {
  const parts = menuParts();
  if (!parts.menu) return;
  parts.menu.hidden = false;
  parts.button.setAttribute("aria-expanded", "true");
  window.htmx.ajax("GET", parts.button.dataset.menuUrl, { target: "#bell-menu", swap: "innerHTML" });
}

function refreshOpenMenu() {
  const parts = menuParts();
  if (parts.menu && !parts.menu.hidden) {
    window.htmx.ajax("GET", parts.button.dataset.menuUrl, { target: "#bell-menu", swap: "innerHTML" });
  }
}

function closeMenu(focusButton) {
  const parts = menuParts();
  if (!parts.menu || parts.menu.hidden) return;
  parts.menu.hidden = true;
  parts.button.setAttribute("aria-expanded", "false");
  if (focusButton) parts.button.focus();
}

document.addEventListener("click", function (event) {
  const parts = menuParts();
  if (!parts.button) return;
  if (event.target.closest("#bell-button")) {
    if (parts.menu.hidden) openMenu(); else closeMenu(false);
  } else if (!parts.menu.hidden && !event.target.closest("#bell-menu")) {
    closeMenu(false);
  }
});

document.addEventListener("keydown", function (event) {
  if (event.key === "Escape" && event.target.closest && event.target.closest("[data-bell]")) {
    closeMenu(true);
  }
});

// --- Desktop alerts (opt-in, urgent only, when the page is hidden) --------------
function alertsOn(permission) {
  return "Notification" in window && (permission || Notification.permission) === "granted" &&
    localStorage.getItem(ALERTS_KEY) === "on";
}

function desktopAlert(message) {
  if (!document.hidden || !alertsOn()) return;
  try {
    const alert = new Notification(message.title, { body: message.body || "", tag: "mentorhub-" + message.id });
    alert.onclick = function () {
      window.focus();
      if (message.url) location.href = message.url;
      alert.close();
    };
  } catch (e) { /* some browsers only allow this from a service worker */ }
}

// Notification.permission asks the browser process (a synchronous round trip,
// ms under load): read once per render, not per button and per use (#19).
function renderAlertsToggle(root) {
  const buttons = (root || document).querySelectorAll("[data-desktop-alerts]");
  if (!buttons.length || !("Notification" in window)) return;
  const permission = Notification.permission;
  const on = alertsOn(permission);
  buttons.forEach(function (button) {
    button.hidden = false;
    const status = document.querySelector("[data-desktop-alerts-status]");
    if (permission === "denied") {
      button.disabled = true;
      button.textContent = "Desktop alerts blocked";
      if (status) status.textContent = "Your browser blocks alerts from MentorHub. Allow them in the site settings to turn them on.";
      return;
    }
    button.textContent = on ? "Turn off desktop alerts" : "Enable desktop alerts";
    button.setAttribute("aria-pressed", on ? "true" : "false");
  });
}

document.addEventListener("click", function (event) {
  const button = event.target.closest && event.target.closest("[data-desktop-alerts]");
  if (!button) return;
  const status = document.querySelector("[data-desktop-alerts-status]");
  if (alertsOn()) {
    localStorage.setItem(ALERTS_KEY, "off");
    if (status) status.textContent = "Desktop alerts are off.";
    renderAlertsToggle();
    return;
  }
  Notification.requestPermission().then(function (permission) {
    if (permission === "granted") {
      localStorage.setItem(ALERTS_KEY, "on");
      if (status) status.textContent = "Desktop alerts are on: urgent alerts show up while MentorHub is in the background.";
    } else if (status) {
      status.textContent = "Desktop alerts were not allowed.";
    }
    renderAlertsToggle();
  });
});

document.addEventListener("htmx:load", function (event) { renderAlertsToggle(event.detail.elt); });

// --- Start -----------------------------------------------------------------------
function start() {
  if (!shell || !shell.dataset.realtime || !window.WebSocket) return;
  renderAlertsToggle();
  armToasts();
  rt.lastId = parseInt(shell.dataset.lastId, 10) || 0;
  rt.socket = new Socket({
    path: shell.dataset.realtime,
    hello: buildHello,
    ping: buildPing,
    heartbeatMs: pollMs,
    readyTypes: ["ready", "pong"],
    onMessage: receive,
    onStatus: showStatus,
  });
  // For tests and other modules: the state and a way to drop the socket.
  window.MentorHubRealtime = {
    lastId: function () { return rt.lastId; },
    state: function () { return shell.dataset.realtimeState; },
    drop: function () { rt.socket.drop(); },
    reconnect: retry,
  };
  rt.socket.start();
}

start();
