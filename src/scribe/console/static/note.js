// The note by template: each section's sentences, those with evidence selectable; edit and save.

import { clock, clearHighlight, highlight, speakerName } from "./transcript.js";

const box = () => document.getElementById("note");
const evidenceBox = () => document.getElementById("evidence");

export function title(key) {
  return key.replace(/[_-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

// Section texts in template order (ai_generated_content keeps it); nested values as JSON.
export function sections(note) {
  return Object.entries(note.ai_generated_content || {}).map(([key, value]) => [
    key,
    typeof value === "string" ? value : JSON.stringify(value, null, 2),
  ]);
}

export function plainText(note) {
  return sections(note).map(([key, text]) => `${title(key)}: ${text}`).join("\n\n");
}

export function render(note) {
  const evidence = note.evidence && typeof note.evidence === "object" ? note.evidence : null;
  const parts = sections(note).map(([key, text]) => section(key, text, evidence ? evidence[key] : null));
  box().replaceChildren(...parts);
  box().dataset.noteId = note.id;
  evidenceBox().replaceChildren();
  const hint = document.getElementById("note-hint");
  hint.textContent = evidence
    ? "Select a sentence to highlight what it rests on in the transcript."
    : "This server returned no evidence for this note, so its sentences cannot be traced to the transcript.";
}

function section(key, text, items) {
  const wrap = document.createElement("section");
  wrap.className = "note-section";
  wrap.dataset.key = key;
  const heading = document.createElement("h3");
  heading.textContent = title(key);
  const body = document.createElement("p");
  body.className = "note-text";
  appendSentences(body, text, Array.isArray(items) ? items : []);
  wrap.append(heading, body);
  return wrap;
}

// Each evidence sentence found in the text (in order) becomes selectable; the rest stays plain.
function appendSentences(body, text, items) {
  let cursor = 0;
  for (const item of items) {
    if (!item || typeof item.text !== "string" || !item.text) continue;
    const at = text.indexOf(item.text, cursor);
    if (at < 0) continue;
    if (at > cursor) body.append(text.slice(cursor, at));
    body.append(sentence(item));
    cursor = at + item.text.length;
  }
  if (cursor < text.length) body.append(text.slice(cursor));
  if (!text) body.append(Object.assign(document.createElement("em"), { textContent: "(empty)" }));
}

function sentence(item) {
  const segments = Array.isArray(item.segments) ? item.segments : [];
  const span = document.createElement("span");
  span.textContent = item.text;
  if (!segments.length) return span;
  span.className = "sentence";
  span.tabIndex = 0;
  span.setAttribute("role", "button");
  span.setAttribute("aria-pressed", "false");
  const choose = () => select(span, segments);
  span.addEventListener("click", choose);
  span.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose();
    }
  });
  return span;
}

function select(span, segments) {
  box().querySelectorAll(".sentence[aria-pressed='true']").forEach((s) => s.setAttribute("aria-pressed", "false"));
  span.setAttribute("aria-pressed", "true");
  const found = highlight(segments);
  const heading = document.createElement("h3");
  heading.textContent = found ? "Rests on" : "Rests on (not in the transcript shown)";
  const quotes = segments.map((segment) => {
    const quote = document.createElement("blockquote");
    const when = segment.start_ms != null ? `${clock(segment.start_ms)} ` : "";
    quote.textContent = `${when}${speakerName(segment.speaker)}: ${segment.text}`;
    return quote;
  });
  evidenceBox().replaceChildren(heading, ...quotes);
}

export function startEditing(note) {
  clearHighlight();
  evidenceBox().replaceChildren();
  const fields = sections(note).map(([key, text]) => {
    const wrap = document.createElement("div");
    wrap.className = "note-section";
    const label = document.createElement("label");
    label.htmlFor = `edit-${key}`;
    label.textContent = title(key);
    const area = document.createElement("textarea");
    area.id = `edit-${key}`;
    area.dataset.key = key;
    area.rows = Math.min(12, Math.max(3, Math.ceil(text.length / 80)));
    area.value = text;
    wrap.append(label, area);
    return wrap;
  });
  box().replaceChildren(...fields);
  const first = box().querySelector("textarea");
  if (first) first.focus();
}

// The edited sections, as the note had them (string sections only; others are kept as sent).
export function edited(note) {
  const content = { ...(note.ai_generated_content || {}) };
  box().querySelectorAll("textarea[data-key]").forEach((area) => {
    const before = content[area.dataset.key];
    if (typeof before === "string" || before == null) {
      content[area.dataset.key] = area.value;
      return;
    }
    try {
      content[area.dataset.key] = JSON.parse(area.value);
    } catch {
      content[area.dataset.key] = area.value;
    }
  });
  return content;
}
