// The transcript list and its audio player: a segment with a time plays from there, and a note
// sentence's evidence lights up the segments it rests on.

const list = () => document.getElementById("transcript");
const player = () => document.getElementById("player");

export function clock(ms) {
  const seconds = Math.max(0, Math.floor((ms || 0) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function speakerName(speaker) {
  if (!speaker) return "";
  return speaker.charAt(0).toUpperCase() + speaker.slice(1);
}

export function showAudio(url) {
  const audio = player();
  if (audio.dataset.url) URL.revokeObjectURL(audio.dataset.url);
  if (!url) {
    audio.removeAttribute("src");
    audio.dataset.url = "";
    audio.hidden = true;
    return;
  }
  audio.src = url;
  audio.dataset.url = url;
  audio.hidden = false;
}

export function render(transcript) {
  const items = transcript.segments.map((segment, index) => item(segment, index, transcript.audio));
  list().replaceChildren(...items);
}

function item(segment, index, playable) {
  const li = document.createElement("li");
  li.className = "segment";
  li.dataset.index = String(index);
  li.dataset.text = normalise(segment.text);
  if (segment.start_ms != null) li.dataset.start = String(segment.start_ms);
  const who = document.createElement("span");
  who.className = `speaker speaker-${segment.speaker || "none"}`;
  who.textContent = speakerName(segment.speaker);
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = segment.text;
  if (playable && segment.start_ms != null) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "play";
    button.textContent = clock(segment.start_ms);
    button.setAttribute("aria-label", `Play from ${clock(segment.start_ms)}`);
    button.addEventListener("click", () => playFrom(segment.start_ms));
    li.append(button);
  }
  li.append(who, text);
  return li;
}

export function playFrom(ms) {
  const audio = player();
  if (audio.hidden || !audio.src) return;
  audio.currentTime = (ms || 0) / 1000;
  // A browser may refuse to play (no audio device, autoplay rules): the position is still set.
  audio.play().catch(() => {});
}

export function normalise(text) {
  return (text || "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

// The rows an evidence segment points at: same start time with audio, else the same words.
function rowsFor(segment) {
  const rows = [...list().children];
  if (segment.start_ms != null) {
    const timed = rows.filter((row) => row.dataset.start === String(segment.start_ms));
    if (timed.length) return timed;
  }
  const words = normalise(segment.text);
  if (!words) return [];
  return rows.filter((row) => row.dataset.text && (words.includes(row.dataset.text) || row.dataset.text.includes(words)));
}

export function highlight(segments) {
  clearHighlight();
  const rows = [...new Set(segments.flatMap(rowsFor))];
  rows.forEach((row) => row.classList.add("cited"));
  if (rows.length) rows[0].scrollIntoView({ block: "nearest" });
  const timed = segments.find((segment) => segment.start_ms != null);
  if (timed) playFrom(timed.start_ms);
  return rows.length;
}

export function clearHighlight() {
  list().querySelectorAll(".cited").forEach((row) => row.classList.remove("cited"));
}
