// Local media: camera and microphone (getUserMedia), the device pickers, the
// microphone level meter, mute / camera off and screen sharing.
//
// Media changes never renegotiate: mute and camera off flip track.enabled;
// a new device or a screen share swaps the sent track with
// RTCRtpSender.replaceTrack on every peer (peer.attachLocal / videoTx).

import { $, peers, state } from "./state.js";

export const local = {
  stream: new MediaStream(),
  audio: null,
  camera: null,
  screen: null,
  muted: false,
  cameraOff: false,
};

/** The video track we send: the screen while sharing, else the camera. */
export function outgoingVideo() {
  return local.screen || local.camera;
}

/** What the others see of us (the room's "state" frame). */
export function mediaState() {
  return {
    audio: Boolean(local.audio) && !local.muted,
    video: Boolean(local.camera) && !local.cameraOff,
    screen: Boolean(local.screen),
  };
}

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

function updateMode() {
  state.media.mode = local.camera ? "av" : local.audio ? "audio" : "none";
}

// Both devices at once; if that fails, each alone, explaining the other.
async function acquireBoth(problems) {
  try {
    return await getMedia(["audio", "video"]);
  } catch (both) {
    let stream = null;
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
    return stream;
  }
}

/** Ask for camera and microphone; state.media says what we got and why not. */
export async function acquire() {
  const problems = [];
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    problems.push({
      title: "Camera and microphone aren't available here",
      text: window.isSecureContext
        ? "This browser doesn't support video calls. You can still join to watch and listen."
        : "Video calls need a secure (https://) connection. You can still join to watch and listen.",
    });
  } else {
    const stream = await acquireBoth(problems);
    if (stream) {
      setLocalTrack("audio", stream.getAudioTracks()[0] || null);
      setLocalTrack("video", stream.getVideoTracks()[0] || null);
    }
  }
  state.media.problems = problems;
  updateMode();
  await fillDevices();
}

function fillSelect(select, devices, kind, current, label) {
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
}

export async function fillDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  let devices = [];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch (_) {
    return;
  }
  const camId = local.camera && local.camera.getSettings().deviceId;
  const micId = local.audio && local.audio.getSettings().deviceId;
  fillSelect($("camera-select"), devices, "videoinput", camId, "camera");
  fillSelect($("mic-select"), devices, "audioinput", micId, "microphone");
}

/** The user picked another camera or microphone. */
export async function switchDevice(kind) {
  try {
    const stream = await getMedia([kind]);
    const track = kind === "audio" ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    setLocalTrack(kind, track);
    state.media.problems = [];
  } catch (error) {
    state.media.problems = [explain(error, kind)];
  }
  updateMode();
  if (kind === "audio") startMeter();
}

// --- Microphone level: an AnalyserNode on the mic track, drawn each frame ---------

let meter = null;
let audioContext = null;

function stopMeter() {
  if (meter) meter.source.disconnect();
  meter = null;
}

export function startMeter() {
  stopMeter();
  const bar = $("mic-meter-bar");
  const box = $("mic-meter");
  if (!local.audio || !window.AudioContext) {
    bar.style.width = "0%";
    box.setAttribute("aria-valuenow", "0");
    return;
  }
  audioContext = audioContext || new AudioContext();
  const source = audioContext.createMediaStreamSource(new MediaStream([local.audio]));
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const data = new Uint8Array(analyser.fftSize);
  const mine = { source };
  meter = mine;
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

// Browsers start an AudioContext suspended until a user gesture.
document.addEventListener("click", () => {
  if (audioContext && audioContext.state === "suspended") audioContext.resume();
});

// --- Mute, camera, screen share --------------------------------------------------------

export function toggleMute() {
  if (!local.audio) return false;
  local.muted = !local.muted;
  local.audio.enabled = !local.muted;
  return true;
}

export function toggleCamera() {
  if (!local.camera) return false;
  local.cameraOff = !local.cameraOff;
  local.camera.enabled = !local.cameraOff;
  return true;
}

function sendVideo(track) {
  return Promise.all(Array.from(peers.values(), (p) => (p.videoTx ? p.videoTx.sender.replaceTrack(track) : null)));
}

/** Share a screen instead of the camera; `onEnded` runs when it stops by itself. */
export async function startShare(onEnded) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (error) {
    if (error && error.name !== "NotAllowedError") console.warn("live: screen share failed", error);
    return false; // cancelled in the picker: nothing changes
  }
  const track = stream.getVideoTracks()[0];
  if (!track) return false;
  if ("contentHint" in track) track.contentHint = "detail";
  track.addEventListener("ended", onEnded); // the browser's own "Stop sharing"
  local.screen = track;
  await sendVideo(track);
  return true;
}

export async function stopShare() {
  const track = local.screen;
  if (!track) return false;
  local.screen = null;
  track.stop();
  await sendVideo(local.camera || null);
  return true;
}

export function canShareScreen() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
}

export function stopLocal() {
  for (const track of [local.audio, local.camera, local.screen]) if (track) track.stop();
  stopMeter();
}
