// What every part of the live room shares: the page's config (rendered by
// live/views.py as #live-config), the room state and the remote peers.

export const $ = (id) => document.getElementById(id);

export const cfg = JSON.parse($("live-config").textContent);
export const me = cfg.me;

// "<user id>-<pageId>" is this page's peer id: stable across socket
// reconnects (media survives a signaling blip), new after a reload.
export const pageId = (() => {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("").slice(0, 16);
})();

export const state = {
  session: cfg.state, // scheduled | live | completed | cancelled | replaced | forbidden | closed
  rtc: cfg.rtc,
  joined: false,
  wantJoin: false, // stays true across socket reconnects
  autoJoin: false,
  myPeer: "",
  socketOpen: false,
  everOpen: false,
  attempts: 0,
  note: "", // e.g. "Lea left"
  media: { mode: "none", problems: [] },
};

export const peers = new Map(); // peer id → Peer
export const remoteStates = new Map(); // peer id → last {audio, video, screen} it announced

export function isOver() {
  return state.session === "completed" || state.session === "cancelled";
}
