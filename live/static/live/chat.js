// The room's text chat (#chat-panel, templates/live/_chat.html) over the signaling
// socket: {"type": "chat", "text"} out; {"type": "chat", "message"} in for everyone
// in the room, the recent history in every "hello" (so a reconnect catches up),
// refusals as {"type": "error", "code": "chat_…"}. Text only ever goes into the
// page through textContent.

import { signal } from "./signaling.js";
import { $, me } from "./state.js";

const shown = new Set(); // message ids already in the log
let unread = 0;
let lastSent = ""; // put back in the input if the server refuses it

const panel = () => $("chat-panel");

function timeFormat() {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: panel().dataset.timeZone || undefined });
  } catch (_) {
    return new Intl.DateTimeFormat("en-GB", options); // an unknown zone: the browser's
  }
}

let clock = null;

function line(message) {
  clock = clock || timeFormat();
  const item = document.createElement("li");
  item.className = "min-w-0";
  item.dataset.messageId = String(message.id);
  const head = document.createElement("p");
  head.className = "flex flex-wrap items-baseline gap-x-2 text-xs text-slate-400";
  const name = document.createElement("span");
  name.className = "font-semibold text-slate-100";
  name.textContent = message.author === me.userId ? "You" : message.author_name;
  head.append(name);
  const when = new Date(message.created_at);
  if (!Number.isNaN(when.getTime())) {
    const time = document.createElement("time");
    time.dateTime = message.created_at;
    time.textContent = clock.format(when);
    head.append(time);
  }
  const text = document.createElement("p");
  text.className = "whitespace-pre-wrap break-words text-sm text-slate-100";
  text.textContent = message.text;
  item.append(head, text);
  return item;
}

function valid(message) {
  return message && Number.isInteger(message.id) && typeof message.text === "string";
}

function nearBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 48;
}

function toBottom() {
  const box = $("chat-scroll");
  box.scrollTop = box.scrollHeight;
}

/** Add messages not shown yet, in id order; returns how many were new. */
function add(messages, { countUnread = true } = {}) {
  const log = $("chat-log");
  const stick = nearBottom($("chat-scroll"));
  let added = 0;
  let mine = false;
  for (const message of messages) {
    if (!valid(message) || shown.has(message.id)) continue;
    shown.add(message.id);
    const node = line(message);
    const later = Array.from(log.children).find((li) => Number(li.dataset.messageId) > message.id);
    log.insertBefore(node, later || null);
    added += 1;
    mine = mine || message.author === me.userId;
    if (countUnread && message.author !== me.userId && !isVisible()) unread += 1;
  }
  $("chat-empty").hidden = shown.size > 0;
  if (added && (stick || mine)) toBottom(); // don't pull a reader away from older lines
  renderUnread();
  return added;
}

function isVisible() {
  return panel().getClientRects().length > 0; // display: none on a phone until opened
}

function renderUnread() {
  const badge = $("chat-unread");
  if (!badge) return;
  badge.hidden = unread === 0;
  $("chat-unread-count").textContent = String(unread);
}

function showError(text) {
  $("chat-error").textContent = text || "";
  $("chat-input").setAttribute("aria-invalid", text ? "true" : "false");
}

/** "hello" on every (re)connect carries the recent history. */
export function onHistory(messages) {
  if (Array.isArray(messages)) add(messages, { countUnread: shown.size > 0 }); // a reconnect's catch-up
}

export function onMessage(frame) {
  if (!valid(frame.message)) return;
  if (frame.message.author === me.userId) {
    lastSent = "";
    showError("");
  }
  add([frame.message]);
}

/** True when the error frame was about the chat (its code starts with "chat_"). */
export function onError(frame) {
  if (typeof frame.code !== "string" || !frame.code.startsWith("chat_")) return false;
  showError(frame.message);
  const input = $("chat-input");
  if (lastSent && !input.value) input.value = lastSent;
  lastSent = "";
  return true;
}

function send(event) {
  event.preventDefault();
  const input = $("chat-input");
  const text = input.value.trim();
  if (!text) {
    showError("Write a message first.");
    return;
  }
  const max = Number(panel().dataset.maxLength) || 1000;
  if (text.length > max) {
    showError(`Messages are limited to ${max} characters.`);
    return;
  }
  if (!signal.send({ type: "chat", text })) {
    showError("Not connected — your message wasn't sent. Try again in a moment.");
    return;
  }
  showError("");
  lastSent = text;
  input.value = "";
  input.focus();
}

// --- On a phone: the Chat button in the controls opens the panel over the call ----------

function setOpen(open) {
  const toggle = $("chat-toggle");
  panel().toggleAttribute("data-open", open);
  if (toggle) toggle.setAttribute("aria-expanded", String(open));
  if (open) {
    unread = 0;
    renderUnread();
    toBottom();
    $("chat-input").focus();
  } else if (toggle && toggle.getClientRects().length) {
    toggle.focus();
  }
}

export function bindChat() {
  $("chat-form").addEventListener("submit", send);
  $("chat-input").addEventListener("input", () => $("chat-error").textContent && showError(""));
  const toggle = $("chat-toggle");
  if (toggle) toggle.addEventListener("click", () => setOpen(!panel().hasAttribute("data-open")));
  $("chat-close").addEventListener("click", () => setOpen(false));
  panel().addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel().hasAttribute("data-open")) setOpen(false);
  });
  // Wider than a phone the panel is always beside the call: nothing is unread.
  window.matchMedia("(min-width: 1024px)").addEventListener("change", (query) => {
    if (query.matches) {
      unread = 0;
      renderUnread();
    }
  });
}
