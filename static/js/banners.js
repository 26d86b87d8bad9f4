// Banners that count: "‘Pairing’ starts in 3 min", "is starting now",
// "started 2 min ago". Each counting banner carries its start time
// (data-starts-at, ISO UTC) and its mode (data-countdown: "start" counts to
// it, "live" from it); the words are re-computed from the clock, so a banner
// is never older than a minute and needs no state here. Banners that stop
// being true (session started, ended, cancelled) are removed by the server's
// push (live fragment "banners", notifications/fragments.py), not from here.
//
// Mirrors notifications/templatetags/notifications.py countdown_phrase (the
// words on first paint). The ticking words are aria-hidden: screen readers get
// the fixed time beside them, so an alert is not re-read every minute.
// CSP-safe: no inline code, no eval.

const TICK_MS = 15000; // the words change once a minute; 15 s keeps them on time

function minutes(count) {
  const hours = Math.floor(count / 60);
  const rest = count % 60;
  if (!hours) return rest + " min";
  return rest ? hours + " h " + rest + " min" : hours + " h";
}

export function countdownPhrase(mode, startsAtMs, nowMs) {
  const seconds = (startsAtMs - nowMs) / 1000;
  if (mode === "live") {
    const since = -seconds;
    return since < 60 ? "is live now" : "started " + minutes(Math.floor(since / 60)) + " ago";
  }
  if (seconds > 0) return "starts in " + minutes(Math.ceil(seconds / 60));
  if (seconds > -60) return "is starting now";
  return "was due " + minutes(Math.floor(-seconds / 60)) + " ago";
}

export function tick(root) {
  const now = Date.now();
  (root || document).querySelectorAll("[data-countdown][data-starts-at]").forEach(function (element) {
    const startsAt = Date.parse(element.dataset.startsAt);
    if (Number.isNaN(startsAt)) return;
    const words = countdownPhrase(element.dataset.countdown, startsAt, now);
    // Only a real change touches the DOM (once a minute at most).
    if (element.textContent !== words) element.textContent = words;
  });
}

function start() {
  tick();
  setInterval(tick, TICK_MS);
  // A banner swapped in (push, reconnect) shows current words at once.
  document.addEventListener("htmx:load", function () { tick(); });
  // Timers sleep in background tabs: catch up when the page shows again.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) tick();
  });
}

start();
