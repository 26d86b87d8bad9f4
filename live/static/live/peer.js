// One RTCPeerConnection per remote peer, using MDN's "perfect negotiation".
//
// Negotiation rules (shared with any other client, e.g. the aiortc test peer):
// - peer ids are "<user id>-<page id>"; the lexically smaller id is polite;
// - for each pair, the impolite side creates the connection (on "join" of the
//   other, or on "welcome" listing it) and adds one audio + one video
//   transceiver; the polite side answers on the transceivers it was offered;
// - every connection has a generation `gen` carried in offer/answer/ice data:
//   an offer with a new gen replaces the old connection, stale messages drop;
// - media changes never renegotiate (see media.js);
// - "failed" → restartIce() (perfect negotiation resolves any glare).

import { local, outgoingVideo } from "./media.js";
import { signal } from "./signaling.js";
import { cfg, peers, remoteStates, state } from "./state.js";
import { makeTile, offerSound, removeTile, render, showRemoteState } from "./ui.js";

export const pcs = {}; // peer id → RTCPeerConnection (for tests and debugging)

function newGen() {
  return Math.random().toString(36).slice(2, 10);
}

class Peer {
  constructor(id, info, { initiator, gen }) {
    this.id = id;
    this.userId = info.user_id;
    this.name = info.name || "Someone";
    this.role = info.role;
    this.polite = state.myPeer < id;
    this.gen = gen;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.queue = Promise.resolve();
    this.signalLost = false;
    this.graceTimer = null;
    this.remote = new MediaStream();
    this.audioTx = null;
    this.videoTx = null;
    this.pc = new RTCPeerConnection({
      iceServers: state.rtc.iceServers,
      iceTransportPolicy: state.rtc.iceTransportPolicy,
    });
    pcs[id] = this.pc;
    this.tile = makeTile(id, this.name, { role: this.role });
    this.tile.querySelector("video").srcObject = this.remote;
    if (remoteStates.has(id)) this.setRemoteState(remoteStates.get(id));
    this.wire();
    if (initiator) {
      this.audioTx = this.pc.addTransceiver("audio", { direction: "sendrecv" });
      this.videoTx = this.pc.addTransceiver("video", { direction: "sendrecv" });
      this.attachLocal();
    }
  }

  wire() {
    const pc = this.pc;
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.send("offer", pc.localDescription);
      } catch (error) {
        console.warn("live: offer failed", error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send("ice", candidate.toJSON());
    };
    pc.ontrack = ({ track }) => {
      for (const old of this.remote.getTracks()) {
        if (old.kind === track.kind && old !== track) this.remote.removeTrack(old);
      }
      this.remote.addTrack(track);
      this.play();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "failed") pc.restartIce();
      if (pc.connectionState === "connected") state.note = "";
      render();
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === "failed") pc.restartIce();
    };
  }

  play() {
    const video = this.tile.querySelector("video");
    const attempt = video.play();
    if (attempt && attempt.catch) {
      attempt.catch(() => {
        // Autoplay with sound was refused: play muted, offer sound.
        video.muted = true;
        video.play().catch(() => {});
        offerSound(this.tile, this.name, video);
      });
    }
  }

  /** Send our current tracks on this connection (no renegotiation). */
  attachLocal() {
    if (this.audioTx) this.audioTx.sender.replaceTrack(local.audio || null).catch(() => {});
    if (this.videoTx) this.videoTx.sender.replaceTrack(outgoingVideo() || null).catch(() => {});
  }

  send(type, data) {
    signal.addressed(type, this.id, { ...(data && data.toJSON ? data.toJSON() : data), gen: this.gen });
  }

  receive(type, data) {
    this.queue = this.queue.then(() => this.handle(type, data)).catch((error) => console.warn("live: signaling error", error));
  }

  async handle(type, data) {
    if (type === "ice") return this.addCandidate(data);
    const pc = this.pc;
    const description = { type: data.type, sdp: data.sdp };
    const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    if (description.type === "offer") await this.answer();
  }

  async addCandidate(data) {
    try {
      await this.pc.addIceCandidate({ candidate: data.candidate, sdpMid: data.sdpMid, sdpMLineIndex: data.sdpMLineIndex });
    } catch (error) {
      if (!this.ignoreOffer) throw error;
    }
  }

  // The answerer sends on the transceivers it was offered.
  async answer() {
    const pc = this.pc;
    for (const tx of pc.getTransceivers()) {
      const kind = tx.receiver.track.kind;
      if (kind === "audio" && !this.audioTx) this.audioTx = tx;
      if (kind === "video" && !this.videoTx) this.videoTx = tx;
    }
    for (const tx of [this.audioTx, this.videoTx]) {
      if (tx && tx.direction !== "sendrecv" && !tx.stopped) tx.direction = "sendrecv";
    }
    this.attachLocal();
    await pc.setLocalDescription();
    this.send("answer", pc.localDescription);
  }

  setRemoteState(data) {
    showRemoteState(this.tile, data);
  }

  close() {
    clearTimeout(this.graceTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.close();
    removeTile(this.tile);
    if (pcs[this.id] === this.pc) delete pcs[this.id];
  }
}

export function dropPeer(id) {
  const peer = peers.get(id);
  if (!peer) return;
  peer.close();
  peers.delete(id);
}

export function dropAll() {
  for (const id of Array.from(peers.keys())) dropPeer(id);
}

// One seat per person: a reload or second window replaces the old peer.
function dropUser(userId, exceptId) {
  for (const [id, peer] of peers) if (peer.userId === userId && id !== exceptId) dropPeer(id);
}

/** A peer is in the room ("join", or listed in "welcome"). */
export function connectTo(id, info) {
  if (id === state.myPeer) return;
  dropUser(info.user_id, id);
  const existing = peers.get(id);
  if (existing) {
    clearTimeout(existing.graceTimer);
    existing.signalLost = false;
    if (["connected", "connecting", "new"].includes(existing.pc.connectionState)) return;
    dropPeer(id);
  }
  if (state.myPeer < id) return; // polite: wait for the other side's offer
  peers.set(id, new Peer(id, info, { initiator: true, gen: newGen() }));
}

function lookup(peerId) {
  const userId = Number(String(peerId).split("-")[0]);
  const member = cfg.members.find((m) => m.user_id === userId);
  return member ? { user_id: userId, name: member.name, role: member.role } : { user_id: userId, name: "Guest", role: "learner" };
}

/** An offer, answer or ICE candidate addressed to us. */
export function onAddressed(msg) {
  const data = msg.data || {};
  let peer = peers.get(msg.from);
  if (msg.type === "offer" && (!peer || peer.gen !== data.gen)) {
    const info = peer ? { user_id: peer.userId, name: peer.name, role: peer.role } : lookup(msg.from);
    if (peer) dropPeer(msg.from);
    dropUser(info.user_id, msg.from);
    peer = new Peer(msg.from, info, { initiator: false, gen: data.gen });
    peers.set(msg.from, peer);
  }
  if (!peer || peer.gen !== data.gen) return; // a message for a connection that's gone
  peer.receive(msg.type, data);
  render();
}

/** New ICE servers (fresh TURN credentials) for the open connections. */
export function updateIceServers(iceServers) {
  for (const peer of peers.values()) {
    try {
      peer.pc.setConfiguration({ ...peer.pc.getConfiguration(), iceServers });
    } catch (_) { /* some fields can't change mid-call */ }
  }
}
