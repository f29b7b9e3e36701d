// A recording made in the browser with MediaRecorder; the result is treated like a chosen file.

import { ApiError } from "./api.js";

let recorder = null;
let chunks = [];

export const supported = () => Boolean(navigator.mediaDevices && window.MediaRecorder);

export async function start() {
  if (!supported()) throw new ApiError(0, "This browser cannot record audio here (it needs MediaRecorder and a secure origin such as localhost or HTTPS).");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    const denied = error && error.name === "NotAllowedError";
    throw new ApiError(0, denied ? "Microphone access was refused: allow it for this page to record." : "No microphone could be opened.");
  }
  chunks = [];
  recorder = new MediaRecorder(stream);
  recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
  recorder.start(250);
}

export const recording = () => recorder !== null && recorder.state === "recording";

// Stop and resolve with the recording as a File (its type is what the browser recorded in).
export function stop() {
  return new Promise((resolve) => {
    const done = recorder;
    done.addEventListener("stop", () => {
      done.stream.getTracks().forEach((track) => track.stop());
      const type = (done.mimeType || "audio/webm").split(";")[0];
      const blob = new Blob(chunks, { type });
      recorder = null;
      resolve(new File([blob], `recording.${type.includes("ogg") ? "ogg" : "webm"}`, { type: type.replace("video/", "audio/") }));
    }, { once: true });
    done.stop();
  });
}
