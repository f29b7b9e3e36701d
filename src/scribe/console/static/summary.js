// A Clinia patient summary: ingest a record when one is chosen, then read the SSE stream
// (POST /ai/v1/summaries: `id:` and `data:` lines, no `event:`) and show each section as it grows.

import { ApiError, json, send, sleep } from "./api.js";

const POLL_MS = 250;
const box = () => document.getElementById("summary");

export async function templates() {
  const listed = await json("/ai/v1/summary-templates");
  return listed.data || [];
}

export async function ingest(patientId, file, limits, report) {
  report("Ingesting the patient record", null);
  let started;
  if (isJson(file)) {
    if (file.size > limits.bundle_bytes) throw new ApiError(413, `The bundle is larger than this server accepts (${megabytes(limits.bundle_bytes)}).`);
    let bundle;
    try {
      bundle = JSON.parse(await file.text());
    } catch {
      throw new ApiError(400, "That file is not valid JSON: choose a FHIR bundle, a PDF or a TIFF.");
    }
    started = await json("/ai/v1/ingest", { method: "POST", body: { patientId, bundle } });
  } else {
    const form = new FormData();
    form.append("patientId", patientId);
    form.append("file", file, file.name);
    started = await (await send("/ai/v1/ingest", { method: "POST", body: form, headers: { Accept: "application/json" } })).json();
  }
  for (;;) {
    const status = await json(`/ai/v1/ingest/${started.runId}/status`);
    if (status.status === "success") return;
    if (status.status === "failed" || status.status === "unknown") {
      throw new ApiError(422, `The record could not be ingested: ${status.error || status.status}.`);
    }
    await sleep(POLL_MS);
  }
}

function isJson(file) {
  return /json/.test(file.type) || /\.json$/i.test(file.name);
}

export function megabytes(bytes) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

// Stream the summary into the page; resolves with the stored summary's id.
export async function stream(patientId, templateId) {
  box().replaceChildren();
  const response = await send("/ai/v1/summaries", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ patientId, summaryTemplateId: templateId }),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const frames = buffer.split(/\r?\n\r?\n/);
    buffer = frames.pop();
    for (const frame of frames) {
      const end = handle(parse(frame));
      if (end) return finish(reader, end);
    }
  }
  throw new ApiError(0, "The summary stream ended before the summary did. Try again.");
}

async function finish(reader, end) {
  reader.cancel().catch(() => {});
  if (end.status !== "success") throw new ApiError(422, `The summary failed: ${end.error || "no reason given"}.`);
  box().dataset.state = "done";
  return end.summaryId;
}

function parse(frame) {
  const data = frame.split(/\r?\n/).filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, ""));
  if (!data.length) return null; // a keep-alive comment
  try {
    return JSON.parse(data.join("\n"));
  } catch {
    return null;
  }
}

function handle(event) {
  if (!event || !event.payload) return null;
  const { payload } = event;
  if (event.type === "summary-end") return payload;
  const part = sectionFor(payload);
  if (event.type === "text-delta") part.querySelector("p").textContent += payload.text || "";
  if (event.type === "text-end") part.dataset.state = "done";
  return null;
}

function sectionFor(payload) {
  const index = String(payload.sectionIndex);
  let part = box().querySelector(`section[data-index="${CSS.escape(index)}"]`);
  if (part) return part;
  part = document.createElement("section");
  part.className = "summary-section";
  part.dataset.index = index;
  part.dataset.state = "streaming";
  const heading = document.createElement("h3");
  heading.textContent = payload.sectionTitle || `Section ${Number(index) + 1}`;
  part.append(heading, document.createElement("p"));
  const later = [...box().children].find((s) => Number(s.dataset.index) > Number(index));
  box().insertBefore(part, later || null);
  return part;
}
