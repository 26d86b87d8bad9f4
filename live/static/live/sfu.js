// Group sessions through the media server (Janus VideoRoom), for rooms whose
// #call says data-transport="sfu". The signaling socket (signaling.js) still
// carries presence and media states; the media goes through Janus:
//
// - after "welcome" our server sends {type: "sfu", url, room, token, pin,
//   iceServers}: `token` is a short-lived signed Janus token, `pin` this
//   member's entry on the room's allowed list (live/janus.py). Nothing else
//   lets a browser into the room;
// - one publisher handle sends the camera and microphone; a second one the
//   screen while sharing; one subscriber handle per remote feed;
// - a feed's `display` is JSON {peer, kind: "camera" | "screen", name, role,
//   user_id}: the camera feed of peer P is P's tile (same tile code as the
//   mesh, ui.js), a screen feed its own large "presenting" tile;
// - Janus "talking" events mark the active speaker;
// - if the Janus socket drops (or Janus lost the room), the page asks our
//   server for a fresh ticket ({type: "sfu"}) and rebuilds everything; a page
//   reload simply joins again and gets a new ticket.
//
// The Janus WebSocket API is spoken directly (janus-session.js; no janus.js).

import { Handle, JanusSession } from "./janus-session.js";
import { layoutStage } from "./layout.js";
import { signal } from "./signaling.js";
import { local } from "./media.js";
import { me, peers, remoteStates, state } from "./state.js";
import { makeTile, offerSound, removeTile, render, showRemoteState } from "./ui.js";

const RECONNECT_MS = 2000;
const SPEAKING = ["outline-4", "-outline-offset-4", "outline-emerald-400"]; // drawn inside: never clipped by the stage

let ticket = null;
let janus = null; // the current JanusSession
const feeds = new Map(); // Janus feed id → Subscription
const screens = new Map(); // peer id → Subscription of their screen

// For tests and debugging.
window.__sfu = {
  get janus() { return janus; },
  get ticket() { return ticket; },
  feeds,
  screens,
  talking: 0, // "talking" events heard
  highlighted: 0, // tiles ringed as the active speaker
};

function describe(kind) {
  return JSON.stringify({ peer: state.myPeer, kind, name: me.name, role: me.role, user_id: me.userId });
}

function parseDisplay(display) {
  try {
    const info = JSON.parse(display || "{}");
    return info && typeof info.peer === "string" ? info : null;
  } catch (_) {
    return null;
  }
}

// --- Publishing -------------------------------------------------------------------------

class Publisher extends Handle {
  constructor(kind) {
    super();
    this.kind = kind; // "camera" | "screen"
    this.feedId = null;
    this.senders = {};
  }

  tracks() {
    if (this.kind === "screen") return { video: local.screen };
    return { audio: local.audio, video: local.camera };
  }

  async publish() {
    const joined = await this.request({
      request: "join", ptype: "publisher", room: ticket.room, display: describe(this.kind), token: ticket.pin,
    });
    const data = joined.plugindata.data;
    this.feedId = data.id;
    if (this.kind === "camera") {
      janus.privateId = data.private_id;
      janus.publisher = this;
      for (const feed of data.publishers || []) subscribe(feed);
    }
    const pc = this.newPc();
    const tracks = this.tracks();
    for (const kind of ["audio", "video"]) {
      if (tracks[kind] === undefined) continue;
      const stream = new MediaStream(tracks[kind] ? [tracks[kind]] : []);
      this.senders[kind] = pc.addTransceiver(tracks[kind] || kind, { direction: "sendonly", streams: [stream] }).sender;
    }
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await this.request(
      { request: "publish", audio: tracks.audio !== undefined, video: true, display: describe(this.kind) },
      { type: pc.localDescription.type, sdp: pc.localDescription.sdp },
    );
    if (answer.jsep) await pc.setRemoteDescription(answer.jsep);
  }

  /** A new camera or microphone (device switch): swap the sent tracks. */
  refresh() {
    const tracks = this.tracks();
    for (const [kind, sender] of Object.entries(this.senders)) {
      if (sender.track !== tracks[kind]) sender.replaceTrack(tracks[kind] || null).catch(() => {});
    }
  }

  onMessage(msg) {
    const data = (msg.plugindata && msg.plugindata.data) || {};
    if (this.kind !== "camera") return; // room events: once, on the camera handle
    for (const feed of data.publishers || []) subscribe(feed);
    const gone = data.unpublished || data.leaving;
    if (gone && gone !== "ok") unsubscribe(gone);
    if (data.videoroom === "talking" || data.videoroom === "stopped-talking") speaking(data.id, data.videoroom === "talking");
    if (data.videoroom === "destroyed") stop();
  }
}

// --- Subscribing -----------------------------------------------------------------------------

class RemotePeer {
  // Stands in the shared `peers` map like a mesh Peer (ui.js reads pc, userId, name).
  constructor(info) {
    this.id = info.peer;
    this.userId = info.user_id;
    this.name = info.name || "Someone";
    this.role = info.role;
    this.signalLost = false;
    this.subscription = null;
    this.tile = makeTile(this.id, this.name, { role: this.role });
    if (remoteStates.has(this.id)) this.setRemoteState(remoteStates.get(this.id));
  }

  get pc() {
    return (this.subscription && this.subscription.pc) || { connectionState: "new" };
  }

  setRemoteState(data) {
    showRemoteState(this.tile, { ...data, screen: false }); // the screen has its own tile
  }

  attachLocal() {} // the mesh's hook: our media goes to Janus, not to each peer
}

class Subscription extends Handle {
  constructor(feed, info) {
    super();
    this.feed = feed;
    this.info = info;
    this.stream = new MediaStream();
  }

  tile() {
    if (this.info.kind === "screen") return this.screenTile;
    const peer = peers.get(this.info.peer);
    return peer ? peer.tile : null;
  }

  async start() {
    if (this.info.kind === "screen") {
      this.screenTile = makeTile(`${this.info.peer}:screen`, `${this.info.name || "Someone"}'s screen`, { role: this.info.role });
      this.screenTile.dataset.presenting = "1";
      const video = this.screenTile.querySelector("video");
      video.classList.replace("object-cover", "object-contain");
      video.muted = true;
      video.srcObject = this.stream;
      layoutStage(document.getElementById("tiles")); // a shared screen is the large tile
      screens.set(this.info.peer, this);
    } else {
      let peer = peers.get(this.info.peer);
      if (!peer) {
        peer = new RemotePeer(this.info);
        peers.set(peer.id, peer);
      }
      peer.subscription = this;
      peer.tile.dataset.feed = String(this.feed);
      peer.tile.querySelector("video").srcObject = this.stream;
    }
    const attached = await this.request({
      request: "join", ptype: "subscriber", room: ticket.room, streams: [{ feed: this.feed }],
      private_id: janus.privateId, token: ticket.pin,
    });
    const pc = this.newPc();
    pc.ontrack = ({ track }) => {
      for (const old of this.stream.getTracks()) if (old.kind === track.kind) this.stream.removeTrack(old);
      this.stream.addTrack(track);
      this.play();
    };
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.request({ request: "start" }, { type: pc.localDescription.type, sdp: pc.localDescription.sdp });
    render();
  }

  play() {
    const tile = this.tile();
    if (!tile) return;
    const video = tile.querySelector("video");
    video.play().catch(() => {
      video.muted = true;
      video.play().catch(() => {});
      if (this.info.kind !== "screen") offerSound(tile, this.info.name, video);
    });
  }

  async end() {
    await this.detach();
    if (this.info.kind === "screen") {
      if (screens.get(this.info.peer) === this) screens.delete(this.info.peer);
      if (this.screenTile) removeTile(this.screenTile);
      return;
    }
    const peer = peers.get(this.info.peer);
    if (peer && peer.subscription === this) {
      peers.delete(peer.id);
      removeTile(peer.tile);
    }
    render();
  }
}

function subscribe(feed) {
  const info = parseDisplay(feed.display);
  if (!info || info.peer === state.myPeer || feeds.has(feed.id)) return;
  // A newer page of the same person replaces the older one's tile.
  for (const [id, sub] of feeds) {
    if (sub.info.user_id === info.user_id && sub.info.kind === info.kind && sub.info.peer !== info.peer) {
      feeds.delete(id);
      sub.end();
    }
  }
  const sub = new Subscription(feed.id, info);
  feeds.set(feed.id, sub);
  janus.attach(sub).then(() => sub.start()).catch((error) => {
    console.warn("live: subscribing failed", error);
    feeds.delete(feed.id);
    sub.end();
  });
}

function unsubscribe(feedId) {
  const sub = feeds.get(feedId);
  if (!sub) return;
  feeds.delete(feedId);
  sub.end();
}

// Janus tells every publisher who talks, ourselves included.
function speaking(feedId, on) {
  if (on) window.__sfu.talking += 1;
  const sub = feeds.get(feedId);
  const mine = janus && janus.publisher && janus.publisher.feedId === feedId;
  const tile = sub ? sub.tile() : mine ? document.querySelector("#tiles [data-mine]") : null;
  if (!tile) return;
  if (on) window.__sfu.highlighted += 1;
  tile.dataset.speaking = on ? "1" : "";
  for (const cls of SPEAKING) tile.classList.toggle(cls, on);
}

// --- Lifecycle -------------------------------------------------------------------------------

async function connect() {
  const rtc = { iceServers: ticket.iceServers || [], iceTransportPolicy: state.rtc.iceTransportPolicy };
  const session = new JanusSession(ticket.url, ticket.token, { rtc, onLost: lostJanus, onChange: render });
  janus = session;
  try {
    await session.open();
    const camera = await session.attach(new Publisher("camera"));
    await camera.publish();
    if (local.screen) await publishScreen();
    render();
  } catch (error) {
    console.warn("live: media server", error);
    if (janus === session) {
      session.close();
      janus = null;
      clearAll();
      retryLater();
    }
  }
}

function lostJanus(session) {
  if (session !== janus) return;
  clearAll();
  janus = null;
  retryLater();
}

let retryTimer = null;

/** Ask our server for a fresh ticket soon (it re-creates the room if Janus lost it). */
export function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    if (!janus && state.wantJoin && state.joined) signal.send({ type: "sfu" });
  }, RECONNECT_MS);
}

function clearAll() {
  for (const sub of feeds.values()) sub.end();
  feeds.clear();
  for (const sub of screens.values()) sub.end();
  screens.clear();
}

/** The server's ticket (after every "welcome"): connect once, later keep the newest. */
export function onTicket(msg) {
  ticket = msg;
  if (!janus && state.wantJoin) connect();
}

async function publishScreen() {
  if (!janus || janus.screen) return;
  const handle = await janus.attach(new Publisher("screen"));
  janus.screen = handle;
  try {
    await handle.publish();
  } catch (error) {
    console.warn("live: screen share failed", error);
  }
}

/** The screen share started or stopped (media.js keeps local.screen). */
export async function screenChanged() {
  if (!janus) return;
  if (local.screen) {
    await publishScreen();
  } else if (janus.screen) {
    const handle = janus.screen;
    janus.screen = null;
    await handle.request({ request: "leave" }).catch(() => {});
    await handle.detach();
  }
}

/** Another camera or microphone was picked. */
export function devicesChanged() {
  if (janus && janus.publisher) janus.publisher.refresh();
}

/** Leave the call (Leave, the session ended, access lost). */
export function stop() {
  const session = janus;
  janus = null;
  clearAll();
  for (const peer of Array.from(peers.values())) {
    if (peer instanceof RemotePeer) {
      peers.delete(peer.id);
      removeTile(peer.tile);
    }
  }
  if (session) session.close();
  render();
}
