// The console's page: sign in, start a note, show transcript, note, codes and a patient summary.

import { ApiError, session } from "./api.js";
import * as flow from "./flow.js";
import * as notes from "./note.js";
import * as recorder from "./record.js";
import * as summary from "./summary.js";
import * as transcript from "./transcript.js";

const $ = (id) => document.getElementById(id);
const AUDIO_EXTENSIONS = /\.(wav|mp3|m4a|ogg|oga|opus|flac|webm|aac|mp4)$/i;
const state = { note: null, limits: null, recorded: null, busy: false };

function say(message) {
  $("status").textContent = message;
}

function fail(error) {
  const message = error instanceof ApiError ? error.message : `Something went wrong in the console: ${error && error.message ? error.message : error}`;
  $("alert").textContent = message;
  $("alert").hidden = false;
  say("");
  if (error instanceof ApiError && error.status === 401) signOut(false);
}

function clearAlert() {
  $("alert").hidden = true;
  $("alert").textContent = "";
}

// Run one user action: one at a time, its failure shown, its buttons disabled meanwhile.
async function act(work) {
  if (state.busy) return;
  state.busy = true;
  clearAlert();
  document.querySelectorAll("#workspace button[type=submit], #codify, #save").forEach((b) => { b.disabled = true; });
  try {
    await work();
  } catch (error) {
    fail(error);
  } finally {
    state.busy = false;
    document.querySelectorAll("#workspace button").forEach((b) => { b.disabled = false; });
    $("progress-box").hidden = true;
  }
}

function progress(stage, fraction) {
  $("progress-box").hidden = false;
  $("progress-label").textContent = fraction == null ? `${stage}…` : `${stage}… ${Math.round(fraction * 100)}%`;
  const bar = $("progress");
  if (fraction == null) bar.removeAttribute("value");
  else bar.value = fraction;
  say(`${stage}…`);
}

async function loadLimits() {
  try {
    const response = await fetch("/console/settings.json", { credentials: "omit" });
    if (response.ok) return await response.json();
  } catch {
    // The sign-in call that follows says the server is down.
  }
  return { recording_bytes: 150 * 1024 * 1024, transcript_bytes: 1024 * 1024, bundle_bytes: 2 * 1024 * 1024 };
}

async function signIn(key, doctor) {
  session.save(key, doctor);
  state.limits = state.limits || await loadLimits();
  const templates = await summary.templates();
  const select = $("summary-template");
  select.replaceChildren(...templates.map((t) => new Option(t.name || t.id, t.id)));
  $("sign-in-panel").hidden = true;
  $("workspace").hidden = false;
  $("sign-out").hidden = false;
  $("who").hidden = false;
  $("who").textContent = `Signed in as ${session.doctor}`;
  say("Signed in.");
}

function signOut(announce = true) {
  session.clear();
  $("workspace").hidden = true;
  $("sign-out").hidden = true;
  $("who").hidden = true;
  $("sign-in-panel").hidden = false;
  $("api-key").value = "";
  $("api-key").focus();
  if (announce) say("Signed out.");
}

function source() {
  return document.querySelector("input[name=source]:checked").value;
}

function showSource() {
  document.querySelectorAll(".source").forEach((part) => { part.hidden = part.dataset.source !== source(); });
}

function checkedAudio() {
  const file = source() === "record" ? state.recorded : $("audio-file").files[0];
  if (!file) throw new ApiError(400, source() === "record" ? "Record something first." : "Choose an audio file first.");
  const audio = (file.type && /^(audio|video)\//.test(file.type)) || (!file.type && AUDIO_EXTENSIONS.test(file.name));
  if (!audio) throw new ApiError(415, `${file.name} is not an audio file: choose a recording such as WAV, MP3, M4A, OGG, FLAC or WebM.`);
  if (file.size === 0) throw new ApiError(400, `${file.name} is empty.`);
  if (file.size > state.limits.recording_bytes) {
    throw new ApiError(413, `${file.name} is larger than this server accepts (${summary.megabytes(state.limits.recording_bytes)}).`);
  }
  return file;
}

function checkedText() {
  const text = $("transcript-text").value;
  if (!text.trim()) throw new ApiError(400, "Paste a transcript first.");
  if (new TextEncoder().encode(text).length > state.limits.transcript_bytes) {
    throw new ApiError(413, `The transcript is longer than this server accepts (${Math.round(state.limits.transcript_bytes / 1024)} KB).`);
  }
  return text;
}

async function start() {
  const template = $("template").value;
  const show = (shown) => {
    transcript.render(shown);
    $("transcript-panel").hidden = false;
  };
  $("note-panel").hidden = true;
  $("codes-panel").hidden = true;
  let note;
  if (source() === "paste") {
    const text = checkedText();
    transcript.showAudio(null);
    note = await flow.fromText(text, template, progress, show);
  } else {
    const file = checkedAudio();
    transcript.showAudio(URL.createObjectURL(file));
    note = await flow.fromAudio(file, template, progress, show);
  }
  showNote(note);
  say(`The ${template} note is ready.`);
}

function showNote(note) {
  state.note = note;
  notes.render(note);
  $("note-panel").hidden = false;
  $("codes-panel").hidden = false;
  $("codes").hidden = true;
  editing(false);
}

function editing(on) {
  $("edit").hidden = on;
  $("save").hidden = !on;
  $("cancel").hidden = !on;
}

async function save() {
  const content = notes.edited(state.note);
  say("Saving the note…");
  await flow.saveNote(state.note.id, content);
  showNote(await flow.reloadNote(state.note.id));
  say("The note is saved.");
}

async function codify() {
  say("Coding the note…");
  const answer = await flow.codify(notes.plainText(state.note));
  const rows = answer.final_code_assessments.map((code) => {
    const row = document.createElement("tr");
    const cells = [code.code, code.description, `${Math.round(code.confidence_percent)}%`, code.justification];
    row.append(...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
    return row;
  });
  if (!rows.length) {
    const cell = Object.assign(document.createElement("td"), { textContent: "No code was supported by this note.", colSpan: 4 });
    rows.push(document.createElement("tr"));
    rows[0].append(cell);
  }
  $("codes").querySelector("tbody").replaceChildren(...rows);
  $("codes").hidden = false;
  say(`${answer.final_code_assessments.length} codes suggested.`);
}

async function summarize() {
  const patientId = $("patient-id").value.trim();
  if (!patientId) throw new ApiError(400, "Enter the patient id the record was ingested under.");
  const templateId = $("summary-template").value;
  if (!templateId) throw new ApiError(400, "Choose a summary template.");
  const file = $("record-file").files[0];
  if (file) await summary.ingest(patientId, file, state.limits, progress);
  $("progress-box").hidden = true;
  say("Summarizing…");
  await summary.stream(patientId, templateId);
  say("The summary is complete.");
}

async function toggleRecording() {
  const button = $("record");
  if (recorder.recording()) {
    state.recorded = await recorder.stop();
    button.textContent = "Start recording";
    button.setAttribute("aria-pressed", "false");
    $("record-state").textContent = `Recorded ${Math.round(state.recorded.size / 1024)} KB: ready to write the note.`;
    const preview = $("record-preview");
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(state.recorded);
    preview.hidden = false;
    return;
  }
  await recorder.start();
  button.textContent = "Stop recording";
  button.setAttribute("aria-pressed", "true");
  $("record-state").textContent = "Recording…";
}

function wire() {
  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("api-key").value.trim();
    const doctor = $("doctor").value.trim() || "console";
    clearAlert();
    if (!key) {
      fail(new ApiError(400, "Enter your API key."));
      return;
    }
    act(() => signIn(key, doctor).catch((error) => { session.clear(); throw error; }));
  });
  $("sign-out").addEventListener("click", () => signOut());
  document.querySelectorAll("input[name=source]").forEach((radio) => radio.addEventListener("change", showSource));
  $("start").addEventListener("submit", (event) => { event.preventDefault(); act(start); });
  $("edit").addEventListener("click", () => { notes.startEditing(state.note); editing(true); });
  $("cancel").addEventListener("click", () => showNote(state.note));
  $("save").addEventListener("click", () => act(save));
  $("codify").addEventListener("click", () => act(codify));
  $("record").addEventListener("click", () => toggleRecording().catch(fail));
  $("summarize").addEventListener("submit", (event) => { event.preventDefault(); act(summarize); });
  window.addEventListener("unhandledrejection", (event) => { event.preventDefault(); fail(event.reason); });
}

async function resume() {
  state.limits = await loadLimits();
  if (!session.key) {
    $("api-key").focus();
    return;
  }
  await act(() => signIn(session.key, session.doctor).catch((error) => { signOut(false); throw error; }));
}

wire();
showSource();
resume();
document.documentElement.dataset.ready = "true";
