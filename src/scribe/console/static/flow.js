// From a transcript or audio to a note, through the dialects as an integrator would call them:
// audio goes to Corti (interaction, recording, transcript), the note is an Omniloy extraction run.

import { ApiError, json, send, sleep } from "./api.js";

const POLL_MS = 250;

// report(stage, fraction) tells the page what is running (fraction null when unknown); show(t)
// puts the transcript on the page as soon as it exists, before the note is written.
export async function fromText(text, template, report, show) {
  report("Storing the transcript", null);
  const created = await json("/v1/transcriptions/create", {
    method: "POST",
    body: { duration_seconds: 0, original_transcript: text, language_used: "en" },
  });
  const transcript = { id: created.transcription.id, segments: textSegments(text), audio: false };
  show(transcript);
  const note = await writeNote(transcript.id, template, report);
  return note;
}

export async function fromAudio(file, template, report, show) {
  report("Uploading the audio", null);
  const interaction = await json("/v2/interactions/", {
    method: "POST",
    body: { encounter: { identifier: `console-${crypto.randomUUID()}`, status: "in-progress", type: "consultation" } },
  });
  const id = interaction.interactionId;
  const type = file.type && file.type.startsWith("audio/") ? file.type : "application/octet-stream";
  const uploaded = await send(`/v2/interactions/${id}/recordings/`, {
    method: "POST", body: file, headers: { "Content-Type": type, Accept: "application/json" },
  });
  const { recordingId } = await uploaded.json();
  const transcript = await transcribe(id, recordingId, report);
  show(transcript);
  const note = await writeNote(transcript.id, template, report);
  return note;
}

async function transcribe(interactionId, recordingId, report) {
  report("Transcribing", 0);
  const base = `/v2/interactions/${interactionId}/transcripts/`;
  const started = await json(base, {
    method: "POST",
    body: { recordingId, primaryLanguage: "en", diarize: true, async: true },
  });
  let status = started.status;
  while (status === "processing") {
    await sleep(POLL_MS);
    const polled = await json(`${base}${started.id}/status`);
    status = polled.status;
    report("Transcribing", polled.progress ?? null);
  }
  if (status !== "completed") {
    throw new ApiError(422, "Transcription failed: the audio could not be recognised.");
  }
  const done = await json(`${base}${started.id}`);
  return { id: done.id, segments: (done.transcripts || []).map(cortiSegment), audio: true };
}

const CORTI_SPEAKERS = { 0: "doctor", 1: "patient" };

function cortiSegment(s) {
  return { start_ms: s.start, end_ms: s.end, speaker: CORTI_SPEAKERS[s.speakerId] || "speaker", text: s.text };
}

async function writeNote(transcriptionId, template, report) {
  report("Writing the note", 0);
  const thread = await json("/v1/lang-graph/threads", { method: "POST", body: {} });
  const run = await json(`/v1/lang-graph/threads/${thread.thread_id}/runs`, {
    method: "POST",
    headers: { "x-is-chat": "false" },
    body: {
      input: { messages: [{ role: "user", content: `Write a ${template} note.` }] },
      config: { configurable: { thread_id: thread.thread_id, template, transcription_id: transcriptionId } },
    },
  });
  const finished = await waitForRun(thread.thread_id, run.run_id, report);
  if (!finished.clinical_note_id) throw new ApiError(422, "The run ended without a note.");
  return json(`/v1/clinical-notes/${finished.clinical_note_id}`);
}

async function waitForRun(threadId, runId, report) {
  for (;;) {
    const run = await json(`/v1/lang-graph/threads/${threadId}/runs/${runId}`);
    if (run.status === "completed") return run;
    if (run.status === "failed") {
      const reason = run.error && run.error.message ? run.error.message : "the run failed";
      throw new ApiError(422, `The note could not be written: ${reason}.`);
    }
    report("Writing the note", run.progress ?? null);
    await sleep(POLL_MS);
  }
}

// A pasted transcript split as it was typed: one turn a line, "[doctor] …" or "Doctor: …".
const BRACKET = /^\s*\[([^\]]{1,40})\]\s*(.*)$/;
const COLON = /^\s*([A-Za-z][A-Za-z .'-]{0,39}):\s+(.*)$/;

export function textSegments(text) {
  return text.split(/\r?\n/).filter((line) => line.trim()).map((line) => {
    const match = BRACKET.exec(line) || COLON.exec(line);
    return match
      ? { speaker: match[1].trim().toLowerCase(), text: match[2].trim() }
      : { speaker: "", text: line.trim() };
  });
}

export async function saveNote(noteId, content) {
  return json(`/v1/clinical-notes/${noteId}`, { method: "PATCH", body: { ai_generated_content: content } });
}

export async function reloadNote(noteId) {
  return json(`/v1/clinical-notes/${noteId}`);
}

export async function codify(text) {
  return json("/v1/codify", { method: "POST", body: { medical_note: text } });
}
