// MentorHub live room: pre-join (preview, devices, mic level), a mesh of
// RTCPeerConnections using MDN's "perfect negotiation", and the signaling
// socket /ws/live/<id>/ (protocol: live/consumers.py). No framework, no
// inline handlers (CSP).
//
// Negotiation rules (shared with any other client, e.g. the aiortc test peer):
// - peer ids are "<user id>-<page id>"; the lexically smaller id is polite;
// - for each pair, the impolite side creates the connection (on "join" of the
//   other, or on "welcome" listing it) and adds one audio + one video
//   transceiver; the polite side answers on the transceivers it was offered;
// - every connection has a generation `gen` carried in offer/answer/ice data:
//   an offer with a new gen replaces the old connection, stale messages drop;
// - media changes (mute, camera, device, screen share) never renegotiate:
//   they use track.enabled or RTCRtpSender.replaceTrack;
// - "failed" → restartIce() (perfect negotiation resolves any glare).

const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const me = cfg.me;
const STORE_KEY = `mentorhub.live.${cfg.sessionId}`;
const HEARTBEAT_MS = 15000;
const SIGNAL_GRACE_MS = 30000; // keep media of a peer whose socket dropped this long

const pageId = (() => {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("").slice(0, 16);
})();

const state = {
  session: cfg.state, // scheduled | live | completed | cancelled | replaced
  rtc: cfg.rtc,
  joined: false,
  wantJoin: false, // stays true across socket reconnects
  myPeer: "",
  socketOpen: false,
  everOpen: false,
  attempts: 0,
  note: "", // e.g. "Lea left"
  media: { mode: "none", problems: [] },
};

const local = {
  stream: new MediaStream(),
  audio: null,
  camera: null,
  screen: null,
  muted: false,
  cameraOff: false,
};

const peers = new Map(); // peer id → Peer
const remoteStates = new Map(); // peer id → last {audio, video, screen} it announced

// Exposed for tests and debugging: the live connections and local tracks.
window.__live = {
  pcs: {},
  peers,
  local,
  state,
  get audioTrack() { return local.audio; },
  get videoTrack() { return local.screen || local.camera; },
};

// --- Status line --------------------------------------------------------------------

const TONES = {
  ok: "bg-emerald-400",
  wait: "bg-amber-400",
  bad: "bg-rose-500",
  off: "bg-slate-500",
};

function setStatus(text, tone) {
  const el = $("live-status-text");
  if (el.textContent !== text) el.textContent = text;
  const dot = $("live-status-dot");
  dot.className = `h-2.5 w-2.5 rounded-full ${TONES[tone] || TONES.wait}`;
  $("live-room").dataset.status = text;
}

function renderStatus() {
  if (state.session === "completed" || state.session === "cancelled") {
    return setStatus("Session ended", "off");
  }
  if (state.session === "replaced") return setStatus("Open in another window", "off");
  if (state.session === "forbidden") return setStatus("No access", "off");
  if (!state.socketOpen) {
    if (!state.everOpen) return setStatus("Connecting…", "wait");
    return state.attempts >= 3
      ? setStatus("Connection lost — retrying", "bad")
      : setStatus("Reconnecting…", "wait");
  }
  if (state.session !== "live") {
    return setStatus(me.role === "mentor" ? "Not started yet" : "Waiting for the mentor…", "wait");
  }
  if (!state.joined) return setStatus(state.note || "Ready to join", "wait");
  const list = Array.from(peers.values());
  if (list.length === 0) {
    if (state.note) return setStatus(state.note, "wait");
    return me.role === "mentor"
      ? setStatus("Waiting for learners to join…", "wait")
      : setStatus("Waiting for the mentor…", "wait");
  }
  const conn = list.map((p) => p.pc.connectionState);
  if (conn.includes("failed")) return setStatus("Connection lost — retrying", "bad");
  if (conn.includes("disconnected")) return setStatus("Reconnecting…", "wait");
  if (conn.some((c) => c !== "connected")) return setStatus("Connecting…", "wait");
  return setStatus("Connected", "ok");
}

// --- Local media ----------------------------------------------------------------------

function explain(error, kind) {
  const name = (error && error.name) || "";
  const device = kind === "video" ? "camera" : kind === "audio" ? "microphone" : "camera and microphone";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return {
      title: `Your ${device} is blocked`,
      text: `Allow access in your browser: select the camera icon or the lock at the left of the address bar, allow the ${device}, then press Try again.`,
    };
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return { title: `No ${device} found`, text: `Connect a ${device} and press Try again.` };
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return {
      title: `Your ${device} is busy`,
      text: `Another app may be using it. Close that app and press Try again.`,
    };
  }
  return { title: `Can't use your ${device}`, text: String((error && error.message) || error || "") };
}

function constraints(kind) {
  const select = $(kind === "video" ? "camera-select" : "mic-select");
  const id = select.value;
  if (kind === "video") {
    return { deviceId: id ? { exact: id } : undefined, width: { ideal: 1280 }, height: { ideal: 720 } };
  }
  return { deviceId: id ? { exact: id } : undefined, echoCancellation: true, noiseSuppression: true };
}

async function getMedia(kinds) {
  const request = {};
  for (const kind of kinds) request[kind] = constraints(kind);
  return navigator.mediaDevices.getUserMedia(request);
}

function setLocalTrack(kind, track) {
  const old = kind === "audio" ? local.audio : local.camera;
  if (old && old !== track) {
    local.stream.removeTrack(old);
    old.stop();
  }
  if (kind === "audio") {
    local.audio = track;
    if (track) track.enabled = !local.muted;
  } else {
    local.camera = track;
    if (track) track.enabled = !local.cameraOff;
  }
  if (track && !(kind === "video" && local.screen)) local.stream.addTrack(track);
  for (const peer of peers.values()) peer.attachLocal();
}

async function openMedia() {
  const problems = [];
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    problems.push({
      title: "Camera and microphone aren't available here",
      text: window.isSecureContext
        ? "This browser doesn't support video calls. You can still join to watch and listen."
        : "Video calls need a secure (https://) connection. You can still join to watch and listen.",
    });
  } else {
    let stream = null;
    try {
      stream = await getMedia(["audio", "video"]);
    } catch (both) {
      // One device may still work: try each alone and explain the other.
      for (const kind of ["audio", "video"]) {
        try {
          const single = await getMedia([kind]);
          stream = stream || new MediaStream();
          single.getTracks().forEach((t) => stream.addTrack(t));
        } catch (error) {
          problems.push(explain(error, kind));
        }
      }
      if (problems.length === 2 && problems[0].title.includes("blocked") && problems[1].title.includes("blocked")) {
        problems.splice(0, 2, explain(both, "both"));
      }
    }
    if (stream) {
      setLocalTrack("audio", stream.getAudioTracks()[0] || null);
      setLocalTrack("video", stream.getVideoTracks()[0] || null);
    }
  }
  state.media.problems = problems;
  state.media.mode = local.camera ? "av" : local.audio ? "audio" : "none";
  await fillDevices();
  renderPrejoin();
  startMeter();
  if (state.joined) {
    // Joined before the devices answered (the session went live while the
    // page was still asking): show the tracks that arrived and tell the room.
    renderLocalTile();
    renderControls();
    sendMyState();
  }
}

async function fillDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  let devices = [];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch (_) {
    return;
  }
  const fill = (select, kind, current, label) => {
    const list = devices.filter((d) => d.kind === kind);
    select.replaceChildren();
    if (list.length === 0) {
      select.append(new Option(`No ${label} found`, ""));
      select.disabled = true;
      return;
    }
    list.forEach((d, i) => {
      const option = new Option(d.label || `${label[0].toUpperCase()}${label.slice(1)} ${i + 1}`, d.deviceId);
      if (current && d.deviceId === current) option.selected = true;
      select.append(option);
    });
    select.disabled = false;
  };
  const camId = local.camera && local.camera.getSettings().deviceId;
  const micId = local.audio && local.audio.getSettings().deviceId;
  fill($("camera-select"), "videoinput", camId, "camera");
  fill($("mic-select"), "audioinput", micId, "microphone");
}

async function switchDevice(kind) {
  try {
    const stream = await getMedia([kind]);
    const track = kind === "audio" ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    setLocalTrack(kind, track);
    state.media.problems = [];
  } catch (error) {
    state.media.problems = [explain(error, kind)];
  }
  state.media.mode = local.camera ? "av" : local.audio ? "audio" : "none";
  renderPrejoin();
  renderLocalTile();
  if (kind === "audio") startMeter();
}

// Microphone level: an AnalyserNode on the mic track, drawn each frame.
let meter = null;
function startMeter() {
  if (meter) {
    meter.source.disconnect();
    meter = null;
  }
  const bar = $("mic-meter-bar");
  const box = $("mic-meter");
  if (!local.audio || !window.AudioContext) {
    bar.style.width = "0%";
    box.setAttribute("aria-valuenow", "0");
    return;
  }
  const ctx = startMeter.ctx || (startMeter.ctx = new AudioContext());
  const source = ctx.createMediaStreamSource(new MediaStream([local.audio]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  meter = { source };
  const mine = meter;
  let last = 0;
  const draw = (time) => {
    if (meter !== mine) return;
    analyser.getByteTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += ((v - 128) / 128) ** 2;
    const level = local.muted ? 0 : Math.min(100, Math.round(Math.sqrt(sum / data.length) * 300));
    bar.style.width = `${level}%`;
    if (time - last > 250) {
      box.setAttribute("aria-valuenow", String(level));
      last = time;
    }
    requestAnimationFrame(draw);
  };
  requestAnimationFrame(draw);
}
document.addEventListener("click", () => {
  if (startMeter.ctx && startMeter.ctx.state === "suspended") startMeter.ctx.resume();
});

function renderPrejoin() {
  const preview = $("preview");
  const hasVideo = Boolean(local.camera);
  preview.srcObject = hasVideo ? new MediaStream([local.camera]) : null;
  $("preview-off").hidden = hasVideo;
  $("preview-off").classList.toggle("flex", !hasVideo);
  $("preview-off-text").textContent = hasVideo ? "" : local.audio ? "Camera off — you'll join with audio only" : "No camera or microphone — you'll join to watch and listen";
  const box = $("media-problem");
  const problems = state.media.problems;
  box.classList.toggle("hidden", problems.length === 0);
  if (problems.length) {
    $("media-problem-title").textContent = problems.map((p) => p.title).join(" · ");
    $("media-problem-text").textContent = problems.map((p) => p.text).join(" ");
  }
  const live = state.session === "live";
  const join = $("join-btn");
  join.disabled = !live;
  join.textContent = !live
    ? "Join"
    : state.media.mode === "av"
      ? state.note === "You left the call" ? "Rejoin" : "Join"
      : state.media.mode === "audio" ? "Join with audio only" : "Join to watch only";
  $("waiting-note").hidden = live;
  $("live-note").hidden = !live;
  const hint = $("join-hint");
  if (live) hint.textContent = "Your camera and microphone are shared only with the people in this session.";
}

// --- Tiles and participant list -------------------------------------------------------

function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}

function makeTile(id, name, { mine = false } = {}) {
  const node = $("tile-template").content.firstElementChild.cloneNode(true);
  node.dataset.peer = id;
  node.querySelector("[data-tile-name]").textContent = mine ? `${name} (you)` : name;
  node.querySelector("[data-tile-initials]").textContent = initials(name);
  node.setAttribute("aria-label", mine ? "Your video" : `${name}'s video`);
  const video = node.querySelector("video");
  if (mine) {
    video.muted = true;
    node.dataset.mine = "1";
    node.classList.add("order-last"); // the people you talk to come first
  }
  $("tiles").append(node);
  layoutTiles();
  return node;
}

function layoutTiles() {
  const count = $("tiles").children.length;
  const tiles = $("tiles");
  tiles.classList.toggle("sm:grid-cols-2", count > 1);
  tiles.classList.toggle("xl:grid-cols-3", count > 4);
}

function setTileOff(tile, off) {
  const cover = tile.querySelector("[data-tile-off]");
  cover.classList.toggle("hidden", !off);
  cover.classList.toggle("flex", off);
}

let localTile = null;
function renderLocalTile() {
  if (!state.joined) return;
  if (!localTile) localTile = makeTile("me", me.name, { mine: true });
  const video = localTile.querySelector("video");
  const track = local.screen || local.camera;
  video.classList.toggle("-scale-x-100", !local.screen); // mirror the camera, not the screen
  if (track) {
    if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== track) video.srcObject = new MediaStream([track]);
  } else {
    video.srcObject = null;
  }
  setTileOff(localTile, !track || (!local.screen && local.cameraOff));
  localTile.querySelector("[data-tile-muted]").hidden = !(local.muted || !local.audio);
  localTile.querySelector("[data-tile-note]").textContent = local.screen ? "· presenting" : "";
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
    badge.className = `shrink-0 rounded-full px-2 py-0.5 text-xs ${label === "In the room" ? "bg-emerald-500/20 text-emerald-200" : label ? "bg-amber-500/20 text-amber-200" : "bg-slate-800 text-slate-400"}`;
  }
}

function render() {
  renderStatus();
  renderParticipants();
}

// --- Peers (perfect negotiation) ---------------------------------------------------------

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
    window.__live.pcs[id] = this.pc;
    this.tile = makeTile(id, this.name);
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
        // Autoplay with sound needs a gesture (e.g. after a reload): play muted, offer sound.
        video.muted = true;
        video.play().catch(() => {});
        this.offerSound(video);
      });
    }
  }

  offerSound(video) {
    if (this.tile.querySelector("[data-sound]")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.sound = "1";
    button.className = "absolute right-2 top-2 min-h-11 rounded-md bg-slate-950/80 px-3 text-sm font-medium text-white";
    button.textContent = `Hear ${this.name}`;
    button.addEventListener("click", () => {
      video.muted = false;
      video.play().catch(() => {});
      button.remove();
    });
    this.tile.append(button);
  }

  attachLocal() {
    const video = local.screen || local.camera;
    if (this.audioTx) {
      this.audioTx.sender.replaceTrack(local.audio || null).catch(() => {});
    }
    if (this.videoTx) {
      this.videoTx.sender.replaceTrack(video || null).catch(() => {});
    }
  }

  send(type, data) {
    signal.send({ type, to: this.id, data: { ...(data && data.toJSON ? data.toJSON() : data), gen: this.gen } });
  }

  receive(type, data) {
    this.queue = this.queue.then(() => this.handle(type, data)).catch((error) => console.warn("live: signaling error", error));
  }

  async handle(type, data) {
    const pc = this.pc;
    if (type === "ice") {
      try {
        await pc.addIceCandidate({ candidate: data.candidate, sdpMid: data.sdpMid, sdpMLineIndex: data.sdpMLineIndex });
      } catch (error) {
        if (!this.ignoreOffer) throw error;
      }
      return;
    }
    const description = { type: data.type, sdp: data.sdp };
    const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    if (description.type === "offer") {
      // The answerer sends on the transceivers it was offered.
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
  }

  setRemoteState(data) {
    setTileOff(this.tile, data.video === false && !data.screen);
    this.tile.querySelector("[data-tile-muted]").hidden = data.audio !== false;
    this.tile.querySelector("[data-tile-note]").textContent = data.screen ? "· presenting" : "";
  }

  close() {
    clearTimeout(this.graceTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.close();
    this.tile.remove();
    layoutTiles();
    if (window.__live.pcs[this.id] === this.pc) delete window.__live.pcs[this.id];
  }
}

function dropPeer(id) {
  const peer = peers.get(id);
  if (!peer) return;
  peer.close();
  peers.delete(id);
}

function dropUser(userId, exceptId) {
  // One seat per person: a reload or second window replaces the old peer.
  for (const [id, peer] of peers) if (peer.userId === userId && id !== exceptId) dropPeer(id);
}

function connectTo(id, info) {
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

function onAddressed(msg) {
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

function lookup(peerId) {
  const userId = Number(String(peerId).split("-")[0]);
  const member = cfg.members.find((m) => m.user_id === userId);
  return member ? { user_id: userId, name: member.name, role: member.role } : { user_id: userId, name: "Guest", role: "learner" };
}

// --- Signaling socket ------------------------------------------------------------------

const signal = {
  ws: null,
  timer: null,
  pongTimer: null,
  retryTimer: null,
  closedForGood: false,

  url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${location.host}${cfg.socketPath}`;
  },

  open() {
    if (this.closedForGood) return;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      state.socketOpen = true;
      state.everOpen = true;
      state.attempts = 0;
      if (state.wantJoin) this.send({ type: "join", client: pageId });
      this.heartbeat();
      render();
    };
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      onSignal(msg);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      state.socketOpen = false;
      clearInterval(this.timer);
      clearTimeout(this.pongTimer);
      if (event.code === 4009) {
        state.session = "replaced";
        this.closedForGood = true;
        hangUp();
        showEnded("This call is open in another window", "You joined from another tab or device, so this page left the call.");
      } else if (event.code === 4003) {
        // No longer a member (booking cancelled, account deactivated): don't reconnect.
        state.session = "forbidden";
        this.closedForGood = true;
        hangUp();
        forget();
        showEnded("You no longer have access to this call", "Your booking for this session was cancelled.");
      } else if (event.code === 4010 || state.session === "completed" || state.session === "cancelled") {
        this.closedForGood = true;
      } else if (event.code === 4001) {
        refreshAuth().then(() => this.retry(true));
      } else {
        this.retry(false);
      }
      render();
    };
  },

  retry(now) {
    state.attempts += 1;
    const base = Math.min(30000, 500 * 2 ** Math.min(state.attempts, 6));
    const delay = now ? 0 : base / 2 + Math.random() * (base / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delay);
  },

  heartbeat() {
    clearInterval(this.timer);
    const interval = state.session === "live" ? HEARTBEAT_MS : 5000; // waiting pages look often
    this.timer = setInterval(() => {
      this.send({ type: "ping" });
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.ws && this.ws.close(), 10000);
    }, interval);
  },

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  },

  shutdown() {
    this.closedForGood = true;
    clearInterval(this.timer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000);
  },
};

async function refreshAuth() {
  // Any authenticated request refreshes the access cookie; this one also
  // renews the TURN credentials. One tab at a time (refresh tokens rotate).
  const run = async () => {
    try {
      const response = await fetch(cfg.iceUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.redirected || response.status === 401) {
        location.href = `/login/?next=${encodeURIComponent(location.pathname)}`;
        return;
      }
      if (response.ok) {
        const rtc = await response.json();
        state.rtc = rtc;
        for (const peer of peers.values()) {
          try {
            peer.pc.setConfiguration({ ...peer.pc.getConfiguration(), iceServers: rtc.iceServers });
          } catch (_) { /* some fields can't change mid-call */ }
        }
      }
    } catch (_) { /* offline: the reconnect loop retries */ }
  };
  if (navigator.locks) return navigator.locks.request("mentorhub-auth-refresh", run);
  return run();
}

window.__live.signal = signal;

function onSignal(msg) {
  switch (msg.type) {
    case "hello":
    case "pong":
      clearTimeout(signal.pongTimer);
      if (msg.session && msg.session !== state.session) onSessionState(msg.session);
      break;
    case "state":
      if (msg.session) onSessionState(msg.session);
      else if (msg.from) {
        // It may arrive before the connection exists: remember it for the tile.
        remoteStates.set(msg.from, msg.data || {});
        if (peers.has(msg.from)) peers.get(msg.from).setRemoteState(msg.data || {});
      }
      break;
    case "welcome": {
      state.myPeer = msg.peer;
      state.joined = true;
      for (const info of msg.peers || []) connectTo(info.peer, info);
      // Peers we knew but the room no longer lists are gone.
      const listed = new Set((msg.peers || []).map((p) => p.peer));
      for (const id of Array.from(peers.keys())) if (!listed.has(id)) dropPeer(id);
      sendMyState();
      render();
      break;
    }
    case "join":
      state.note = "";
      connectTo(msg.from, msg);
      sendMyState();
      render();
      break;
    case "leave":
      onLeave(msg);
      break;
    case "offer":
    case "answer":
    case "ice":
      onAddressed(msg);
      break;
    case "error":
      if (msg.code === "not_live") state.wantJoin = false;
      console.warn("live: server said", msg.code, msg.message);
      break;
    default:
      break;
  }
}

function onLeave(msg) {
  const peer = peers.get(msg.from);
  if (!peer) return;
  if (msg.reason === "disconnected" && peer.pc.connectionState === "connected") {
    // Their socket dropped but media still flows: give them time to reconnect.
    peer.signalLost = true;
    clearTimeout(peer.graceTimer);
    peer.graceTimer = setTimeout(() => {
      if (peers.get(msg.from) === peer && peer.signalLost) {
        dropPeer(msg.from);
        state.note = `${peer.name} left`;
        render();
      }
    }, SIGNAL_GRACE_MS);
    render();
    return;
  }
  dropPeer(msg.from);
  if (msg.reason !== "replaced") state.note = `${peer.name} left`;
  render();
}

function sendMyState() {
  if (!state.joined) return;
  signal.send({
    type: "state",
    data: { audio: Boolean(local.audio) && !local.muted, video: Boolean(local.camera) && !local.cameraOff, screen: Boolean(local.screen) },
  });
}

function onSessionState(session) {
  const before = state.session;
  state.session = session;
  if (session === "live" && before !== "live") {
    signal.heartbeat();
    renderPrejoin();
    if (document.activeElement === document.body) $("join-btn").focus();
    if (state.autoJoin) join();
  }
  if (session === "completed" || session === "cancelled") {
    hangUp();
    forget();
    signal.shutdown();
    showEnded(
      session === "cancelled" ? "This session was cancelled" : "Session ended",
      me.role === "mentor" ? "The call is over." : "The mentor ended the session. Thanks for joining!",
    );
  }
  render();
}

function showEnded(title, text) {
  $("ended-title").textContent = title;
  $("ended-text").textContent = text;
  $("ended-panel").hidden = false;
  $("prejoin").hidden = true;
  $("call").hidden = true;
  stopLocal();
}

// --- Join / leave ----------------------------------------------------------------------

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

function join() {
  if (state.session !== "live" || state.wantJoin) return;
  state.wantJoin = true;
  state.note = "";
  remember();
  $("prejoin").hidden = true;
  $("call").hidden = false;
  $("share-btn").hidden = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
  state.joined = true; // the local tile shows at once; "welcome" confirms
  renderLocalTile();
  renderControls();
  signal.send({ type: "join", client: pageId });
  render();
}

function hangUp() {
  state.wantJoin = false;
  state.joined = false;
  for (const id of Array.from(peers.keys())) dropPeer(id);
  if (local.screen) stopShare();
  if (localTile) {
    localTile.remove();
    localTile = null;
  }
}

function leave() {
  signal.send({ type: "leave" });
  hangUp();
  forget();
  state.note = "You left the call";
  $("call").hidden = true;
  $("prejoin").hidden = false;
  renderPrejoin();
  render();
  $("join-btn").focus();
}

function stopLocal() {
  for (const track of [local.audio, local.camera, local.screen]) if (track) track.stop();
  if (meter) {
    meter.source.disconnect();
    meter = null;
  }
}

// --- Controls --------------------------------------------------------------------------

function renderControls() {
  const mute = $("mute-btn");
  mute.setAttribute("aria-pressed", String(local.muted));
  $("mute-label").textContent = local.muted ? "Unmute" : "Mute";
  mute.disabled = !local.audio;
  mute.title = local.audio ? "" : "No microphone";
  const cam = $("camera-btn");
  cam.setAttribute("aria-pressed", String(local.cameraOff));
  $("camera-label").textContent = local.cameraOff ? "Start video" : "Stop video";
  cam.disabled = !local.camera;
  cam.title = local.camera ? "" : "No camera";
  const share = $("share-btn");
  share.setAttribute("aria-pressed", String(Boolean(local.screen)));
  $("share-label").textContent = local.screen ? "Stop sharing" : "Share screen";
}

function toggleMute() {
  if (!local.audio) return;
  local.muted = !local.muted;
  local.audio.enabled = !local.muted;
  renderControls();
  renderLocalTile();
  sendMyState();
}

function toggleCamera() {
  if (!local.camera) return;
  local.cameraOff = !local.cameraOff;
  local.camera.enabled = !local.cameraOff;
  renderControls();
  renderLocalTile();
  sendMyState();
}

async function startShare() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (error) {
    if (error && error.name !== "NotAllowedError") console.warn("live: screen share failed", error);
    return; // cancelled in the picker: nothing changes
  }
  const track = stream.getVideoTracks()[0];
  if (!track) return;
  if ("contentHint" in track) track.contentHint = "detail";
  track.addEventListener("ended", stopShare); // the browser's own "Stop sharing"
  local.screen = track;
  await Promise.all(Array.from(peers.values(), (p) => (p.videoTx ? p.videoTx.sender.replaceTrack(track) : null)));
  renderControls();
  renderLocalTile();
  sendMyState();
}

async function stopShare() {
  const track = local.screen;
  if (!track) return;
  local.screen = null;
  track.stop();
  await Promise.all(Array.from(peers.values(), (p) => (p.videoTx ? p.videoTx.sender.replaceTrack(local.camera || null) : null)));
  renderControls();
  renderLocalTile();
  sendMyState();
}

function bind() {
  $("join-btn").addEventListener("click", join);
  $("leave-btn").addEventListener("click", leave);
  $("mute-btn").addEventListener("click", toggleMute);
  $("camera-btn").addEventListener("click", toggleCamera);
  $("share-btn").addEventListener("click", () => (local.screen ? stopShare() : startShare()));
  $("media-retry").addEventListener("click", () => openMedia());
  $("camera-select").addEventListener("change", () => switchDevice("video"));
  $("mic-select").addEventListener("change", () => switchDevice("audio"));
  const end = $("end-btn");
  if (end) {
    const dialog = $("end-dialog");
    end.addEventListener("click", () => dialog.showModal());
    dialog.querySelector("[data-close-dialog]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => end.focus());
    dialog.querySelector("form").addEventListener("submit", () => {
      forget();
      $("end-confirm").disabled = true;
    });
  }
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", fillDevices);
  }
  // Tell the room at once when the page goes away (reload, close, navigate).
  window.addEventListener("pagehide", () => {
    if (state.joined) signal.send({ type: "leave" });
  });
  document.addEventListener("keydown", (event) => {
    if (!state.joined || event.target.closest("input, select, textarea, dialog")) return;
    if (event.key === "m" && !event.ctrlKey && !event.metaKey && !event.altKey) toggleMute();
  });
}

// --- Start --------------------------------------------------------------------------------

async function main() {
  bind();
  render();
  if (state.session === "completed" || state.session === "cancelled") return;
  const params = new URLSearchParams(location.search);
  let remembered = false;
  try {
    remembered = sessionStorage.getItem(STORE_KEY) === "joined";
  } catch (_) { /* private mode */ }
  state.autoJoin = params.has("autojoin") || remembered;
  if (params.has("autojoin")) history.replaceState(null, "", location.pathname);
  signal.open();
  await openMedia();
  if (state.autoJoin && state.session === "live") join();
  setInterval(refreshAuth, Math.max(30, state.rtc.refreshAfterSeconds || 3300) * 1000);
}

main();
