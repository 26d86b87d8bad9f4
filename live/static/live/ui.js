// What the live room shows: the status line, the pre-join panel, video tiles,
// the participant list and the call controls. Reads state, writes the DOM.

import { layoutStage, watchStage } from "./layout.js";
import { local } from "./media.js";
import { $, isOver, me, peers, state } from "./state.js";

const TONES = {
  ok: "bg-emerald-400",
  wait: "bg-amber-400",
  bad: "bg-rose-500",
  off: "bg-slate-500",
};

// --- Status line --------------------------------------------------------------------

function setStatus(text, tone) {
  const el = $("live-status-text");
  if (el.textContent !== text) el.textContent = text;
  $("live-status-dot").className = `h-2.5 w-2.5 rounded-full ${TONES[tone] || TONES.wait}`;
  $("live-room").dataset.status = text;
}

function waitingText() {
  return me.role === "mentor" ? "Waiting for learners to join…" : "Waiting for the mentor…";
}

// The status before the call itself: session over, socket, not started, not joined.
function roomStatus() {
  if (isOver()) return ["Session ended", "off"];
  if (state.session === "replaced") return ["Open in another window", "off"];
  if (state.session === "forbidden") return ["No access", "off"];
  if (state.session === "closed") return ["Disconnected — reload to join again", "off"];
  if (!state.socketOpen) {
    if (!state.everOpen) return ["Connecting…", "wait"];
    return state.attempts >= 3 ? ["Connection lost — retrying", "bad"] : ["Reconnecting…", "wait"];
  }
  if (state.session !== "live") {
    return [me.role === "mentor" ? "Not started yet" : "Waiting for the mentor…", "wait"];
  }
  if (!state.joined) return [state.note || "Ready to join", "wait"];
  return null;
}

function callStatus() {
  const list = Array.from(peers.values());
  if (list.length === 0) return [state.note || waitingText(), "wait"];
  const conn = list.map((p) => p.pc.connectionState);
  if (conn.includes("failed")) return ["Connection lost — retrying", "bad"];
  if (conn.includes("disconnected")) return ["Reconnecting…", "wait"];
  if (conn.some((c) => c !== "connected")) return ["Connecting…", "wait"];
  return ["Connected", "ok"];
}

function renderStatus() {
  const [text, tone] = roomStatus() || callStatus();
  setStatus(text, tone);
}

function presenceClass(label) {
  if (label === "In the room") return "bg-emerald-500/20 text-emerald-200";
  return label ? "bg-amber-500/20 text-amber-200" : "bg-slate-800 text-slate-400";
}

function renderParticipants() {
  const online = new Map();
  if (state.joined) online.set(me.userId, "In the room");
  for (const peer of peers.values()) {
    const label = peer.signalLost ? "Reconnecting…" : peer.pc.connectionState === "connected" ? "In the room" : "Joining…";
    online.set(peer.userId, label);
  }
  for (const item of $("participants").querySelectorAll("[data-user-id]")) {
    const label = online.get(Number(item.dataset.userId));
    const badge = item.querySelector("[data-presence]");
    badge.textContent = label || "Not here";
    badge.className = `shrink-0 rounded-full px-2 py-0.5 text-xs ${presenceClass(label)}`;
  }
}

export function render() {
  renderStatus();
  renderParticipants();
}

// --- Pre-join ------------------------------------------------------------------------

function joinLabel() {
  if (state.session !== "live") return "Join";
  if (state.media.mode === "av") return state.note === "You left the call" ? "Rejoin" : "Join";
  return state.media.mode === "audio" ? "Join with audio only" : "Join to watch only";
}

function renderPreview() {
  const hasVideo = Boolean(local.camera);
  $("preview").srcObject = hasVideo ? new MediaStream([local.camera]) : null;
  const off = $("preview-off");
  off.hidden = hasVideo;
  off.classList.toggle("flex", !hasVideo);
  $("preview-off-text").textContent = hasVideo
    ? ""
    : local.audio
      ? "Camera off — you'll join with audio only"
      : "No camera or microphone — you'll join to watch and listen";
}

export function renderPrejoin() {
  renderPreview();
  const problems = state.media.problems;
  $("media-problem").classList.toggle("hidden", problems.length === 0);
  if (problems.length) {
    $("media-problem-title").textContent = problems.map((p) => p.title).join(" · ");
    $("media-problem-text").textContent = problems.map((p) => p.text).join(" ");
  }
  const live = state.session === "live";
  const join = $("join-btn");
  join.disabled = !live;
  join.textContent = joinLabel();
  $("waiting-note").hidden = live;
  $("live-note").hidden = !live;
  if (live) $("join-hint").textContent = "Your camera and microphone are shared only with the people in this session.";
}

// In the call the room is exactly one screen tall: the stage takes what the
// header and the controls leave, so the controls never need a scroll.
function fitRoomToScreen(inCall) {
  $("live-room").classList.toggle("h-dvh", inCall);
  $("live-room").classList.toggle("min-h-full", !inCall);
  for (const cls of ["flex", "min-h-0", "lg:max-w-none"]) $("main").classList.toggle(cls, inCall);
}

/** Switch between the pre-join panel and the call. */
export function showCall(inCall) {
  $("prejoin").hidden = inCall;
  $("call").hidden = !inCall;
  fitRoomToScreen(inCall);
  if (inCall) {
    watchStage($("tiles"));
    layoutTiles();
  }
}

/** Move focus to what the ended screen says: the mentor's summary, else the panel. */
export function focusEnded() {
  const target = $("session-summary") || $("ended-panel");
  if (target && !target.hidden) target.focus();
}

export function showEnded(title, text) {
  $("ended-title").textContent = title;
  $("ended-text").textContent = text;
  $("ended-panel").hidden = false;
  $("prejoin").hidden = true;
  $("call").hidden = true;
  fitRoomToScreen(false);
  focusEnded();
}

/** The server's version of the ended panel (summary, "Rate this session"). */
export function replaceEnded(panel) {
  const current = $("ended-panel");
  if (!panel || panel.id !== "ended-panel" || !current) return;
  current.replaceWith(panel);
  panel.hidden = false;
  focusEnded();
}

// --- Tiles -----------------------------------------------------------------------------

function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

export function makeTile(id, name, { mine = false, role = "" } = {}) {
  const node = $("tile-template").content.firstElementChild.cloneNode(true);
  node.dataset.peer = id;
  node.querySelector("[data-tile-name]").textContent = mine ? `${name} (you)` : name;
  node.querySelector("[data-tile-initials]").textContent = initials(name);
  node.setAttribute("aria-label", mine ? "Your video" : `${name}'s video`);
  node.dataset.role = mine ? me.role : role;
  if (mine) {
    node.querySelector("video").muted = true;
    node.dataset.mine = "1";
  }
  $("tiles").append(node);
  layoutTiles();
  return node;
}

export function removeTile(tile) {
  tile.remove();
  layoutTiles();
}

function layoutTiles() {
  layoutStage($("tiles"));
}

function setTileOff(tile, off) {
  const cover = tile.querySelector("[data-tile-off]");
  cover.classList.toggle("hidden", !off);
  cover.classList.toggle("flex", off);
}

/** A remote peer's announced media state, shown on its tile. */
export function showRemoteState(tile, data) {
  setTileOff(tile, data.video === false && !data.screen);
  tile.querySelector("[data-tile-muted]").hidden = data.audio !== false;
  tile.querySelector("[data-tile-note]").textContent = data.screen ? "· presenting" : "";
  showPresenting(tile, Boolean(data.screen));
}

// A shared screen is shown whole (never cropped) and becomes the large tile.
function showPresenting(tile, presenting) {
  if ((tile.dataset.presenting === "1") === presenting) return;
  tile.dataset.presenting = presenting ? "1" : "";
  const video = tile.querySelector("video");
  video.classList.toggle("object-contain", presenting);
  video.classList.toggle("object-cover", !presenting);
  layoutTiles();
}

/** Autoplay with sound needs a gesture (e.g. after a reload): offer a button. */
export function offerSound(tile, name, video) {
  if (tile.querySelector("[data-sound]")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.sound = "1";
  button.className = "absolute right-2 top-2 min-h-11 rounded-md bg-slate-950/80 px-3 text-sm font-medium text-white";
  button.textContent = `Hear ${name}`;
  button.addEventListener("click", () => {
    video.muted = false;
    video.play().catch(() => {});
    button.remove();
  });
  tile.append(button);
}

let localTile = null;

export function renderLocalTile() {
  if (!state.joined) return;
  if (!localTile) localTile = makeTile("me", me.name, { mine: true });
  const video = localTile.querySelector("video");
  const track = local.screen || local.camera;
  video.classList.toggle("-scale-x-100", !local.screen); // mirror the camera, not the screen
  video.classList.toggle("object-contain", Boolean(local.screen));
  video.classList.toggle("object-cover", !local.screen);
  if (track) {
    if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== track) video.srcObject = new MediaStream([track]);
  } else {
    video.srcObject = null;
  }
  setTileOff(localTile, !track || (!local.screen && local.cameraOff));
  localTile.querySelector("[data-tile-muted]").hidden = !(local.muted || !local.audio);
  localTile.querySelector("[data-tile-note]").textContent = local.screen ? "· presenting" : "";
}

export function removeLocalTile() {
  if (!localTile) return;
  removeTile(localTile);
  localTile = null;
}

// --- Controls --------------------------------------------------------------------------

function renderToggle(id, labelId, pressed, label, enabled, missing) {
  const button = $(id);
  button.setAttribute("aria-pressed", String(pressed));
  $(labelId).textContent = label;
  if (missing === undefined) return;
  button.disabled = !enabled;
  button.title = enabled ? "" : missing;
}

export function renderControls() {
  renderToggle("mute-btn", "mute-label", local.muted, local.muted ? "Unmute" : "Mute", Boolean(local.audio), "No microphone");
  renderToggle(
    "camera-btn", "camera-label", local.cameraOff, local.cameraOff ? "Start video" : "Stop video",
    Boolean(local.camera), "No camera",
  );
  renderToggle("share-btn", "share-label", Boolean(local.screen), local.screen ? "Stop sharing" : "Share screen");
}
