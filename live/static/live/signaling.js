// The room's signaling socket /ws/live/<id>/ (protocol: live/consumers.py) on
// top of the shared client socket (static/js/socket.js): reconnect with
// jittered backoff, heartbeat, 4001 → refresh cookies → reconnect, terminal
// close codes. A page that wants to be in the call sends "join" on every
// (re)connect, with the same page id, so media survives a signaling blip.

import { Socket } from "../js/socket.js";
import { cfg, pageId, state } from "./state.js";

const LIVE_HEARTBEAT_MS = 15000;
const WAITING_HEARTBEAT_MS = 5000; // a waiting page hears "live" sooner

function joinFrame() {
  return { type: "join", client: pageId };
}

export const signal = {
  socket: null,

  /**
   * handlers: onFrame(frame), onClose(code, terminal), onChange() after any
   * connection change, refresh() → Promise<boolean> (false: signed out).
   */
  start(handlers) {
    this.socket = new Socket({
      path: cfg.socketPath,
      hello: () => (state.wantJoin ? joinFrame() : null),
      heartbeatMs: () => (state.session === "live" ? LIVE_HEARTBEAT_MS : WAITING_HEARTBEAT_MS),
      readyTypes: ["hello", "pong"], // the server greets every connection
      refresh: handlers.refresh,
      onMessage: handlers.onFrame,
      onOpen: () => {
        state.socketOpen = true;
        state.everOpen = true;
        state.attempts = 0;
        handlers.onChange();
      },
      onClose: (code, terminal) => {
        state.socketOpen = false;
        handlers.onClose(code, terminal);
      },
      onStatus: (status, socket) => {
        state.attempts = socket.attempt;
        handlers.onChange();
      },
    });
    return this.socket.start();
  },

  send(frame) {
    return Boolean(this.socket) && this.socket.send(frame);
  },

  join() {
    return this.send(joinFrame());
  },

  leave() {
    return this.send({ type: "leave" });
  },

  /** Our media state: {audio, video, screen}. */
  mediaState(data) {
    return this.send({ type: "state", data });
  },

  /** offer / answer / ice for one peer. */
  addressed(type, to, data) {
    return this.send({ type, to, data });
  },

  shutdown() {
    if (this.socket) this.socket.stop(1000);
  },
};
