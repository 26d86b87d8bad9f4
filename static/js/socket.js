// The one client socket of MentorHub, used by the notifications client
// (notifications/realtime.js) and the live room (live/signaling.js).
//
// What every socket here needs, in one place:
// - reconnect with exponential backoff and FULL jitter (a server restart must
//   not bring every tab back in the same instant);
// - a heartbeat (≤ 30 s); silence past PONG_TIMEOUT_MS after a frame we sent
//   counts as a dropped connection;
// - close 4001 (access cookie expired, or signed out): refresh the cookies
//   with a normal request, then reconnect; a failed refresh goes to /login/;
// - a `hello` frame built by the caller, sent on every (re)connect;
// - "ready" frames (types chosen by the caller) that confirm the connection;
// - close codes after which reconnecting cannot help (TERMINAL_CLOSE_CODES);
// - a status hook for a visible "Reconnecting…" indicator.
// Close codes: core/websockets.py and live/consumers.py.

export const SIGNED_OUT = 4001;
// 4003 no access, 4009 replaced by another page, 4010 session over,
// 4013 frame too big, 4015 binary frame, 4029 too many frames.
export const TERMINAL_CLOSE_CODES = Object.freeze([4003, 4009, 4010, 4013, 4015, 4029]);

const PONG_TIMEOUT_MS = 10000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30000;
const MAX_HEARTBEAT_MS = 30000;
const MAX_REFRESHES = 3; // refreshes in a row without a confirmed connection
const AUTH_CHECK_EVERY = 4; // failed attempts: a socket refused at the handshake may mean signed out

/** Full jitter: uniform in [0, min(cap, base · 2^attempt)). */
export function backoffDelay(attempt, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS) {
  return Math.random() * Math.min(cap, base * 2 ** Math.min(attempt, 20));
}

// Paths come from the page (base.html renders them with {% url %}), not literals.
function pageUrl(name) {
  return document.body.dataset[name];
}

export function loginUrl() {
  return `${pageUrl("loginUrl")}?next=${encodeURIComponent(location.pathname + location.search)}`;
}

export function goToLogin() {
  location.href = loginUrl();
}

/**
 * Refresh the JWT cookies with a normal request (the auth middleware rotates
 * them). Resolves false when signed out, true otherwise (a network error is
 * transient: the reconnect loop tries again). One tab at a time: refresh
 * tokens are single use. `onResponse` may read a successful response;
 * `signedOut` lists the statuses that mean "signed out" for this URL.
 */
export function refreshCookies(url = pageUrl("meUrl"), { onResponse = null, signedOut = [401, 403] } = {}) {
  const run = async () => {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (_) {
      return true;
    }
    if (signedOut.includes(response.status)) return false;
    if (response.redirected && new URL(response.url).pathname === pageUrl("loginUrl")) return false;
    if (response.ok && onResponse) {
      try {
        await onResponse(response);
      } catch (_) { /* a bad body is not a sign-out */ }
    }
    return true;
  };
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request("mentorhub-auth-refresh", run);
  }
  return run();
}

const noop = () => {};

/**
 * options: path (e.g. "/ws/notifications/"), hello() → frame | null,
 * ping() → frame, heartbeatMs() → ms, readyTypes (frame types that confirm
 * the connection), refresh() → Promise<boolean>, onMessage(frame),
 * onOpen(), onClose(code, terminal), onStatus(status, socket) where status is
 * "connecting" | "open" | "reconnecting" | "refreshing" | "closed".
 */
export class Socket {
  constructor(options) {
    this.path = options.path;
    this.hello = options.hello || (() => null);
    this.ping = options.ping || (() => ({ type: "ping" }));
    this.heartbeatMs = options.heartbeatMs || (() => 25000);
    this.readyTypes = new Set(options.readyTypes || ["ready", "pong"]);
    this.terminalCodes = new Set(options.terminalCodes || TERMINAL_CLOSE_CODES);
    this.refresh = options.refresh || (() => refreshCookies());
    this.onMessage = options.onMessage || noop;
    this.onOpen = options.onOpen || noop;
    this.onClose = options.onClose || noop;
    this.onStatus = options.onStatus || noop;
    this.ws = null;
    this.status = "idle";
    this.attempt = 0; // failed attempts since the last confirmed connection
    this.refreshes = 0;
    this.closedForGood = false;
    this.unloading = false;
    this.timers = {};
  }

  /** Open the socket and keep it open until stop() or a terminal close. */
  start() {
    this.listen();
    this.setStatus("connecting");
    this.connect();
    return this;
  }

  get isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Lose the current connection as a network drop would: the status says
   * so at once (not when the close handshake ends), then it reconnects. */
  drop() {
    if (this.ws) this.lost(1006);
  }

  /** Try again now (a Retry button): forget the backoff and open a fresh
   * connection, replacing one that has not been confirmed yet. False when
   * the socket is confirmed open, stopped, or refreshing its cookies. */
  reconnectNow() {
    if (this.status === "open" || this.closedForGood || this.unloading || this.status === "refreshing") return false;
    const ws = this.ws;
    this.clearTimers();
    this.ws = null;
    if (ws) {
      try {
        ws.close();
      } catch (_) { /* already closed */ }
    }
    this.attempt = 0;
    this.setStatus("reconnecting");
    this.connect();
    return true;
  }

  /** Close for good: no reconnect. */
  stop(code = 1000) {
    this.closedForGood = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(code);
    this.setStatus("closed");
  }

  setStatus(status) {
    this.status = status;
    this.onStatus(status, this);
  }

  connect() {
    this.clearTimer("reconnect");
    if (this.ws || this.closedForGood || this.unloading) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + this.path);
    this.ws = ws;
    ws.addEventListener("open", () => this.ws === ws && this.opened());
    ws.addEventListener("message", (event) => this.ws === ws && this.received(event.data));
    // Ignore a socket we already gave up on (pong timeout, stop()).
    ws.addEventListener("close", (event) => this.ws === ws && this.lost(event.code));
  }

  opened() {
    this.onOpen();
    const hello = this.hello();
    if (hello) this.send(hello);
    this.armPong();
    this.scheduleHeartbeat();
  }

  received(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (_) {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    this.clearTimer("pong"); // any frame proves the connection is alive
    if (this.readyTypes.has(frame.type)) {
      this.attempt = 0;
      this.refreshes = 0;
      if (this.status !== "open") this.setStatus("open");
    }
    this.onMessage(frame);
  }

  scheduleHeartbeat() {
    this.clearTimer("heartbeat");
    const ms = Math.min(Math.max(this.heartbeatMs(), 1000), MAX_HEARTBEAT_MS);
    this.timers.heartbeat = setTimeout(() => {
      if (this.send(this.ping()) && !this.timers.pong) this.armPong();
      this.scheduleHeartbeat();
    }, ms);
  }

  armPong() {
    this.clearTimer("pong");
    this.timers.pong = setTimeout(() => this.lost(1006), PONG_TIMEOUT_MS);
  }

  // The connection is gone: closed by the server or the network, or silent.
  lost(code) {
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close();
      } catch (_) { /* already closed */ }
    }
    if (this.unloading) return;
    const terminal = this.terminalCodes.has(code);
    if (terminal) this.closedForGood = true;
    this.onClose(code, terminal);
    if (this.closedForGood) {
      this.setStatus("closed");
    } else if (code === SIGNED_OUT) {
      // Routine (the access token ran out): no "Reconnecting…" flash.
      this.setStatus("refreshing");
      this.refreshThenConnect();
    } else {
      this.attempt += 1;
      this.setStatus("reconnecting");
      // Refused again right after a refresh, or refused repeatedly: check that
      // we are still signed in before trying again.
      if (this.refreshes > 0 || this.attempt % AUTH_CHECK_EVERY === 0) this.checkThenSchedule();
      else this.schedule();
    }
  }

  schedule() {
    this.clearTimer("reconnect");
    this.timers.reconnect = setTimeout(() => this.connect(), backoffDelay(this.attempt));
  }

  async refreshThenConnect() {
    this.refreshes += 1;
    if (this.refreshes > MAX_REFRESHES) return goToLogin();
    if (!(await this.refresh())) return goToLogin();
    this.attempt = 0;
    this.connect();
  }

  async checkThenSchedule() {
    if (await this.refresh()) this.schedule();
    else goToLogin();
  }

  // Reconnect at once when back online or back in front; stay quiet while the
  // page unloads (a navigation is not a dropped connection).
  listen() {
    const now = () => {
      if (this.ws || this.closedForGood || this.unloading || this.status === "refreshing") return;
      this.attempt = 0;
      this.connect();
    };
    window.addEventListener("pagehide", () => { this.unloading = true; });
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted) return;
      this.unloading = false;
      now();
    });
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", () => document.hidden || now());
  }

  clearTimer(name) {
    clearTimeout(this.timers[name]);
    delete this.timers[name];
  }

  clearTimers() {
    for (const name of Object.keys(this.timers)) this.clearTimer(name);
  }
}
