// The Janus WebSocket API, as much as the room needs (live/static/live/sfu.js):
// one Janus session per socket (create, keepalive, attach, destroy) and plugin
// handles, each with its own RTCPeerConnection and trickled candidates.
// Janus answers a synchronous request with "success", an asynchronous one
// with "ack" and then an "event" carrying the same transaction.
//
// This is the one socket that does not use static/js/socket.js: it talks to
// another server (Janus) in another protocol ("janus-protocol", its own
// keepalive, its sessions die with the socket); sfu.js rebuilds on a drop.

const KEEPALIVE_MS = 25000;

function tx() {
  return Math.random().toString(36).slice(2, 12);
}

export class JanusSession {
  /** rtc: {iceServers, iceTransportPolicy}; onLost(session): the socket dropped; onChange(): a connection state changed. */
  constructor(url, token, { rtc, onLost, onChange }) {
    this.url = url;
    this.token = token;
    this.rtc = rtc;
    this.onLost = onLost;
    this.onChange = onChange;
    this.ws = null;
    this.id = null;
    this.pending = new Map(); // transaction → {resolve, reject, ackOk}
    this.handles = new Map(); // handle id → Handle
    this.closed = false;
    this.timer = null;
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, "janus-protocol");
      this.ws = ws;
      ws.onopen = async () => {
        try {
          const created = await this.send({ janus: "create" });
          this.id = created.data.id;
          this.timer = setInterval(() => this.send({ janus: "keepalive" }, { ackOk: true }).catch(() => {}), KEEPALIVE_MS);
          resolve(this);
        } catch (error) {
          reject(error);
        }
      };
      ws.onerror = () => reject(new Error("janus socket error"));
      ws.onclose = () => this.gone();
      ws.onmessage = (event) => this.dispatch(JSON.parse(event.data));
    });
  }

  send(payload, { ackOk = false } = {}) {
    const transaction = tx();
    const frame = { ...payload, transaction, token: this.token };
    if (this.id && payload.janus !== "create") frame.session_id = this.id;
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new Error("janus socket closed"));
        return;
      }
      this.pending.set(transaction, { resolve, reject, ackOk });
      this.ws.send(JSON.stringify(frame));
    });
  }

  dispatch(msg) {
    const waiting = msg.transaction && this.pending.get(msg.transaction);
    if (waiting && (msg.janus !== "ack" || waiting.ackOk)) {
      this.pending.delete(msg.transaction);
      if (msg.janus === "error") waiting.reject(new Error(`janus: ${msg.error && msg.error.reason}`));
      else waiting.resolve(msg);
    }
    if (msg.janus === "ack" || msg.janus === "success") return;
    const handle = this.handles.get(msg.sender);
    if (handle) handle.onMessage(msg);
  }

  async attach(handle) {
    const answer = await this.send({ janus: "attach", plugin: "janus.plugin.videoroom" });
    handle.id = answer.data.id;
    handle.session = this;
    this.handles.set(handle.id, handle);
    return handle;
  }

  close() {
    this.closed = true;
    clearInterval(this.timer);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      try {
        if (this.id && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ janus: "destroy", session_id: this.id, transaction: tx(), token: this.token }));
      } catch (_) { /* closing anyway */ }
      this.ws.close();
    }
    this.gone();
  }

  gone() {
    clearInterval(this.timer);
    for (const waiting of this.pending.values()) waiting.reject(new Error("janus socket closed"));
    this.pending.clear();
    for (const handle of this.handles.values()) handle.closePc();
    this.handles.clear();
    if (!this.closed) {
      this.closed = true;
      this.onLost(this);
    }
  }
}

// A plugin handle with its own RTCPeerConnection.
export class Handle {
  constructor() {
    this.id = null;
    this.session = null;
    this.pc = null;
  }

  message(body, jsep) {
    const payload = { janus: "message", handle_id: this.id, body };
    if (jsep) payload.jsep = jsep;
    return this.session.send(payload);
  }

  // The event answering an asynchronous request; plugin errors reject.
  async request(body, jsep) {
    const msg = await this.message(body, jsep);
    const data = (msg.plugindata && msg.plugindata.data) || {};
    if (data.error_code) throw new Error(`videoroom ${data.error_code}: ${data.error}`);
    return msg;
  }

  newPc() {
    this.pc = new RTCPeerConnection(this.session.rtc);
    this.pc.onicecandidate = ({ candidate }) => {
      const body = candidate ? candidate.toJSON() : { completed: true };
      this.session.send({ janus: "trickle", handle_id: this.id, candidate: body }, { ackOk: true }).catch(() => {});
    };
    this.pc.onconnectionstatechange = () => this.session.onChange();
    return this.pc;
  }

  closePc() {
    if (this.pc) this.pc.close();
  }

  async detach() {
    this.closePc();
    if (!this.session || this.session.closed) return;
    this.session.handles.delete(this.id);
    await this.session.send({ janus: "detach", handle_id: this.id }).catch(() => {});
  }

  onMessage() {}
}

