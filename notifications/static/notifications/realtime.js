// The notifications socket (/ws/notifications/), the bell menu, toasts,
// banners and opt-in desktop alerts. Plain JS, CSP-safe (no eval, no inline
// handlers). Server frames carry HTML with hx-swap-oob; htmx swaps them.
//
// Protocol: on every (re)connect we send {"type":"hello","last_id":N} and the
// server replays newer rows; every NOTIFY_POLL_SECONDS a {"type":"ping"} with
// the same id doubles as heartbeat and catch-up. Close code 4001 means the
// access cookie expired: refresh it with a normal request, then reconnect.
(function () {
  "use strict";

  const TOAST_MS = 8000;
  const MAX_TOASTS = 4;
  const PONG_TIMEOUT_MS = 10000;
  const MAX_BACKOFF_MS = 30000;
  const ALERTS_KEY = "mentorhub.desktopAlerts";

  const shell = document.getElementById("shell");

  // --- Socket ---------------------------------------------------------------
  const rt = {
    socket: null,
    lastId: 0,
    seen: new Set(),
    attempt: 0,
    refreshes: 0,
    timers: {},
    unloading: false,
  };

  function pollMs() {
    const seconds = parseInt(shell.dataset.pollSeconds, 10) || 25;
    return Math.min(Math.max(seconds, 1), 30) * 1000;
  }

  function setState(state) {
    shell.dataset.realtimeState = state;
    const indicator = document.getElementById("realtime-status");
    if (indicator) indicator.hidden = state !== "reconnecting";
  }

  function clearTimer(name) {
    clearTimeout(rt.timers[name]);
    clearInterval(rt.timers[name]);
    delete rt.timers[name];
  }

  function send(message) {
    if (rt.socket && rt.socket.readyState === WebSocket.OPEN) {
      rt.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    clearTimer("reconnect");
    if (rt.socket || rt.unloading) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + shell.dataset.realtime);
    rt.socket = socket;
    socket.addEventListener("open", function () {
      if (rt.socket !== socket) return;
      send({ type: "hello", last_id: rt.lastId });
      armPong();
      rt.timers.heartbeat = setInterval(function () {
        if (send({ type: "ping", last_id: rt.lastId })) armPong();
      }, pollMs());
    });
    socket.addEventListener("message", function (event) {
      if (rt.socket === socket) receive(event.data);
    });
    socket.addEventListener("close", function (event) {
      if (rt.socket !== socket) return; // already dropped by us
      lost(event.code);
    });
  }

  // The socket is gone (closed, or silent past the pong timeout).
  function lost(code) {
    clearTimer("heartbeat");
    clearTimer("pong");
    if (rt.socket) {
      const old = rt.socket;
      rt.socket = null;
      try { old.close(); } catch (e) { /* already closed */ }
    }
    if (rt.unloading) return;
    if (code === 4001) {
      // Routine: the socket's access token ran out (the server closes it then).
      // Refresh and come back without flashing "Reconnecting…".
      setState("refreshing");
      refreshThenReconnect();
      return;
    }
    setState("reconnecting");
    rt.attempt += 1;
    // Repeated refusals may mean we were signed out elsewhere: check. A refusal
    // right after a 4001 refresh means the refresh didn't help (signed out in
    // another tab, the cookies cleared meanwhile): check at once.
    if (rt.refreshes > 0 || rt.attempt % 4 === 0) {
      checkAuth().then(function (ok) { if (ok) schedule(); });
      return;
    }
    schedule();
  }

  function schedule() {
    // Exponential backoff with jitter, capped: 0.5 s, 1 s, 2 s … 30 s.
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, Math.min(rt.attempt, 10)));
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    clearTimer("reconnect");
    rt.timers.reconnect = setTimeout(connect, delay);
  }

  function armPong() {
    clearTimer("pong");
    rt.timers.pong = setTimeout(function () { lost(1006); }, PONG_TIMEOUT_MS);
  }

  function toLogin() {
    location.href = "/login/?next=" + encodeURIComponent(location.pathname + location.search);
  }

  // One tab at a time refreshes (refresh tokens are single use).
  function checkAuth() {
    const run = function () {
      return fetch("/api/me/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401 || response.status === 403) {
            toLogin();
            return false;
          }
          return true; // signed in (or a transient error: keep trying)
        })
        .catch(function () { return true; });
    };
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("mentorhub-auth-refresh", run);
    }
    return run();
  }

  function refreshThenReconnect() {
    rt.refreshes += 1;
    if (rt.refreshes > 3) { toLogin(); return; }
    checkAuth().then(function (ok) {
      if (ok) { rt.attempt = 0; connect(); }
    });
  }

  function receive(data) {
    let message;
    try { message = JSON.parse(data); } catch (e) { return; }
    if (message.type === "ready" || message.type === "pong") {
      clearTimer("pong");
      rt.attempt = 0;
      rt.refreshes = 0;
      setState("open");
    } else if (message.type === "notification") {
      if (rt.seen.has(message.id)) return;
      rt.seen.add(message.id);
      rt.lastId = Math.max(rt.lastId, message.id);
      shell.dataset.lastId = String(rt.lastId);
      swapFragments(message.html);
      refreshOpenMenu();
      if (message.level === "urgent") desktopAlert(message);
      shell.dispatchEvent(new CustomEvent("notifications:received", { bubbles: true, detail: message }));
    } else if (message.type === "update") {
      swapFragments(message.html);
    }
  }

  // Swap hx-swap-oob fragments, skipping those whose target is not on this page
  // (a participant count of a tab that is not open).
  function swapFragments(html) {
    if (!html || !window.htmx) return;
    const template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[hx-swap-oob]").forEach(function (element) {
      const value = element.getAttribute("hx-swap-oob");
      const colon = value.indexOf(":");
      const selector = colon >= 0 ? value.slice(colon + 1) : "#" + element.id;
      let target = null;
      try { target = selector && selector !== "#" ? document.querySelector(selector) : null; } catch (e) { target = null; }
      if (!target) { element.remove(); return; }
      // Inserts (toast, banner, list row) never duplicate an element already shown.
      if (colon >= 0) {
        Array.from(element.children).forEach(function (child) {
          if (child.id && document.getElementById(child.id)) child.remove();
        });
        if (!element.children.length) element.remove();
      }
    });
    if (!template.content.children.length) return;
    window.htmx.swap(shell, template.innerHTML, { swapStyle: "none" });
    armToasts();
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
  function alertsOn() {
    return "Notification" in window && Notification.permission === "granted" &&
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

  function renderAlertsToggle(root) {
    (root || document).querySelectorAll("[data-desktop-alerts]").forEach(function (button) {
      if (!("Notification" in window)) return;
      button.hidden = false;
      const status = document.querySelector("[data-desktop-alerts-status]");
      if (Notification.permission === "denied") {
        button.disabled = true;
        button.textContent = "Desktop alerts blocked";
        if (status) status.textContent = "Your browser blocks alerts from MentorHub. Allow them in the site settings to turn them on.";
        return;
      }
      button.textContent = alertsOn() ? "Turn off desktop alerts" : "Enable desktop alerts";
      button.setAttribute("aria-pressed", alertsOn() ? "true" : "false");
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
  if (!shell || !shell.dataset.realtime || !window.WebSocket) return;
  rt.lastId = parseInt(shell.dataset.lastId, 10) || 0;
  setState("connecting");
  renderAlertsToggle();
  armToasts();

  window.addEventListener("pagehide", function () { rt.unloading = true; });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { rt.unloading = false; connect(); }
  });
  // Back online or back in front: don't wait for the backoff timer.
  window.addEventListener("online", function () { if (!rt.socket) { rt.attempt = 0; connect(); } });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !rt.socket) { rt.attempt = 0; connect(); }
  });

  // For tests and other modules: the state and a way to drop the socket.
  window.MentorHubRealtime = {
    lastId: function () { return rt.lastId; },
    state: function () { return shell.dataset.realtimeState; },
    drop: function () { if (rt.socket) rt.socket.close(); },
  };

  connect();
})();
