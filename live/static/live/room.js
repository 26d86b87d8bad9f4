// MentorHub live room, the entry module: wires local media (media.js), the
// peer connections (peer.js), the signaling socket (signaling.js) and the
// page (ui.js). No framework, no inline handlers (CSP).

import { goToLogin, refreshCookies } from "../js/socket.js";
import * as chat from "./chat.js";
import * as media from "./media.js";
import { connectTo, dropAll, dropPeer, onAddressed, pcs, updateIceServers } from "./peer.js";
import { signal } from "./signaling.js";
import * as sfu from "./sfu.js"; // group sessions through Janus (data-transport="sfu")
import { $, cfg, isOver, me, peers, remoteStates, state } from "./state.js";
import * as ui from "./ui.js";

const STORE_KEY = `mentorhub.live.${cfg.sessionId}`;
const SIGNAL_GRACE_MS = 30000; // keep media of a peer whose socket dropped this long
const { local } = media;
const SFU = cfg.transport === "sfu"; // media via Janus: no peer-to-peer connections

// Exposed for tests and debugging: the live connections and local tracks.
window.__live = {
  pcs,
  peers,
  local,
  state,
  get signal() { return signal.socket; },
  get audioTrack() { return local.audio; },
  get videoTrack() { return media.outgoingVideo(); },
};

// --- Remembering a joined call across reloads ----------------------------------------

function remember() {
  try {
    sessionStorage.setItem(STORE_KEY, "joined");
  } catch (_) { /* private mode */ }
}

function forget() {
  try {
    sessionStorage.removeItem(STORE_KEY);
  } catch (_) { /* private mode */ }
}

function remembered() {
  try {
    return sessionStorage.getItem(STORE_KEY) === "joined";
  } catch (_) {
    return false; // private mode
  }
}

// --- Local media ------------------------------------------------------------------------

function sendMyState() {
  if (state.joined) signal.mediaState(media.mediaState());
}

function mediaChanged() {
  ui.renderControls();
  ui.renderLocalTile();
  sendMyState();
}

async function openMedia() {
  await media.acquire();
  ui.renderPrejoin();
  media.startMeter();
  // Joined before the devices answered (the session went live while the page
  // was still asking): show the tracks that arrived and tell the room. Through
  // Janus the publisher may already be sending empty tracks: fill them in.
  if (state.joined) {
    mediaChanged();
    if (SFU) sfu.devicesChanged();
  }
}

async function switchDevice(kind) {
  await media.switchDevice(kind);
  if (SFU) sfu.devicesChanged();
  ui.renderPrejoin();
  ui.renderLocalTile();
}

async function toggleShare() {
  const changed = local.screen ? await media.stopShare() : await media.startShare(stopShare);
  if (changed) mediaChanged();
  if (changed && SFU) sfu.screenChanged(); // SFU: the screen is a second published stream
}

async function stopShare() {
  if (await media.stopShare()) {
    mediaChanged();
    if (SFU) sfu.screenChanged();
  }
}

// --- Frames from the room -------------------------------------------------------------------

const onFrame = {
  hello(msg) {
    onSessionFrame(msg);
    chat.onHistory(msg.chat);
  },
  pong: onSessionFrame,
  state(msg) {
    if (msg.session) return onSessionState(msg.session);
    if (!msg.from) return;
    // It may arrive before the connection exists: remember it for the tile.
    remoteStates.set(msg.from, msg.data || {});
    if (peers.has(msg.from)) peers.get(msg.from).setRemoteState(msg.data || {});
  },
  welcome(msg) {
    state.myPeer = msg.peer;
    state.joined = true;
    if (!SFU) {
      for (const info of msg.peers || []) connectTo(info.peer, info);
      // Peers we knew but the room no longer lists are gone.
      const listed = new Set((msg.peers || []).map((p) => p.peer));
      for (const id of Array.from(peers.keys())) if (!listed.has(id)) dropPeer(id);
    }
    sendMyState();
    ui.render();
  },
  join(msg) {
    state.note = "";
    if (!SFU) connectTo(msg.from, msg);
    sendMyState();
    ui.render();
  },
  leave: onLeave,
  offer: onAddressed,
  answer: onAddressed,
  ice: onAddressed,
  chat: chat.onMessage,
  sfu: (msg) => SFU && sfu.onTicket(msg), // our server's ticket into the Janus room
  error(msg) {
    if (chat.onError(msg)) return;
    if (msg.code === "not_live") state.wantJoin = false;
    if (msg.code === "sfu_unavailable" && SFU) sfu.retryLater(); // Janus unreachable: ask again
    console.warn("live: server said", msg.code, msg.message);
  },
};

function onSessionFrame(msg) {
  if (msg.session && msg.session !== state.session) onSessionState(msg.session);
}

function onLeave(msg) {
  if (SFU) {
    // Janus tells us when their media goes; the signaling says only who left.
    if (msg.reason === "left") state.note = `${msg.name} left`;
    ui.render();
    return;
  }
  const peer = peers.get(msg.from);
  if (!peer) return;
  if (msg.reason === "disconnected" && peer.pc.connectionState === "connected") {
    // Their socket dropped but media still flows: give them time to reconnect.
    peer.signalLost = true;
    clearTimeout(peer.graceTimer);
    peer.graceTimer = setTimeout(() => {
      if (peers.get(msg.from) !== peer || !peer.signalLost) return;
      dropPeer(msg.from);
      state.note = `${peer.name} left`;
      ui.render();
    }, SIGNAL_GRACE_MS);
    ui.render();
    return;
  }
  dropPeer(msg.from);
  if (msg.reason !== "replaced") state.note = `${peer.name} left`;
  ui.render();
}

function onSessionState(session) {
  const before = state.session;
  state.session = session;
  if (session === "live" && before !== "live") {
    ui.renderPrejoin();
    if (document.activeElement === document.body) $("join-btn").focus();
    if (state.autoJoin) join();
  }
  if (isOver()) {
    hangUp();
    forget();
    signal.shutdown();
    endCall(
      session === "cancelled" ? "This session was cancelled" : "Session ended",
      me.role === "mentor" ? "The call is over." : "The mentor ended the session. Thanks for joining!",
    );
    loadEndedPanel();
  }
  ui.render();
}

// The server knows who attended and whether this learner may rate the session:
// swap in its rendering of the ended panel (the room view answers htmx with it).
async function loadEndedPanel() {
  try {
    const response = await fetch(location.pathname, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!response.ok) return;
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    ui.replaceEnded(doc.getElementById("ended-panel"));
  } catch (_) { /* offline: the panel keeps the words it has */ }
}

// Close codes after which the socket does not come back (static/js/socket.js).
const CLOSED_FOR_GOOD = {
  4003: ["forbidden", "You no longer have access to this call", "Your booking for this session was cancelled."],
  4009: ["replaced", "This call is open in another window", "You joined from another tab or device, so this page left the call."],
  4013: ["closed", "Disconnected from the call", "The connection was closed. Reload the page to join again."],
  4015: ["closed", "Disconnected from the call", "The connection was closed. Reload the page to join again."],
  4029: ["closed", "Disconnected from the call", "The connection was closed. Reload the page to join again."],
};

function onClose(code, terminal) {
  const ending = CLOSED_FOR_GOOD[code];
  if (terminal && ending && !isOver()) {
    const [session, title, text] = ending;
    state.session = session;
    hangUp();
    if (code === 4003) forget(); // no longer a member: don't rejoin after a reload either
    endCall(title, text);
  }
  ui.render();
}

function endCall(title, text) {
  ui.showEnded(title, text);
  media.stopLocal();
}

// --- Join / leave ----------------------------------------------------------------------

function join() {
  if (state.session !== "live" || state.wantJoin) return;
  state.wantJoin = true;
  state.note = "";
  remember();
  ui.showCall(true);
  $("share-btn").hidden = !media.canShareScreen();
  state.joined = true; // the local tile shows at once; "welcome" confirms
  ui.renderLocalTile();
  ui.renderControls();
  signal.join();
  ui.render();
}

function hangUp() {
  state.wantJoin = false;
  state.joined = false;
  if (SFU) sfu.stop();
  dropAll();
  if (local.screen) stopShare();
  ui.removeLocalTile();
}

function leave() {
  signal.leave();
  hangUp();
  forget();
  state.note = "You left the call";
  ui.showCall(false);
  ui.renderPrejoin();
  ui.render();
  $("join-btn").focus();
}

// --- Controls ----------------------------------------------------------------------------

function bindEndDialog() {
  const end = $("end-btn");
  if (!end) return;
  const dialog = $("end-dialog");
  end.addEventListener("click", () => dialog.showModal());
  dialog.querySelector("[data-close-dialog]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => end.focus());
  dialog.querySelector("form").addEventListener("submit", () => {
    forget();
    $("end-confirm").disabled = true;
  });
}

function bind() {
  $("join-btn").addEventListener("click", join);
  $("leave-btn").addEventListener("click", leave);
  $("mute-btn").addEventListener("click", () => media.toggleMute() && mediaChanged());
  $("camera-btn").addEventListener("click", () => media.toggleCamera() && mediaChanged());
  $("share-btn").addEventListener("click", toggleShare);
  $("media-retry").addEventListener("click", () => openMedia());
  $("camera-select").addEventListener("change", () => switchDevice("video"));
  $("mic-select").addEventListener("change", () => switchDevice("audio"));
  bindEndDialog();
  chat.bindChat();
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", media.fillDevices);
  }
  // Tell the room at once when the page goes away (reload, close, navigate).
  window.addEventListener("pagehide", () => state.joined && signal.leave());
  document.addEventListener("keydown", (event) => {
    if (!state.joined || event.target.closest("input, select, textarea, dialog")) return;
    if (event.key === "m" && !event.ctrlKey && !event.metaKey && !event.altKey && media.toggleMute()) mediaChanged();
  });
}

// --- Start --------------------------------------------------------------------------------

// Any authenticated request refreshes the access cookie; this one also renews
// the TURN credentials. Only a 401 (or the sign-in page) means signed out.
function refreshAuth() {
  return refreshCookies(cfg.iceUrl, {
    signedOut: [401],
    onResponse: async (response) => {
      state.rtc = await response.json();
      updateIceServers(state.rtc.iceServers);
    },
  });
}

function startSignaling() {
  signal.start({
    onFrame: (msg) => onFrame[msg.type] && onFrame[msg.type](msg),
    onClose,
    onChange: ui.render,
    refresh: refreshAuth,
  });
}

async function main() {
  bind();
  ui.render();
  if (isOver()) {
    ui.focusEnded();
    return;
  }
  const params = new URLSearchParams(location.search);
  state.autoJoin = params.has("autojoin") || remembered();
  if (params.has("autojoin")) history.replaceState(null, "", location.pathname);
  startSignaling();
  // Start Session lands in the call at once: the devices join when they answer.
  if (state.autoJoin && state.session === "live") join();
  await openMedia();
  const every = Math.max(30, state.rtc.refreshAfterSeconds || 3300) * 1000;
  setInterval(async () => (await refreshAuth()) || goToLogin(), every);
}

main();
