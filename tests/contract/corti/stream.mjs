// The official SDK's real-time stream client against scribe's /audio-bridge/v2 WebSocket:
// create an interaction over REST, connect with a config, send the audio in ~500 ms chunks,
// end, and require at least one transcript message and ENDED. Prints one JSON line at the end.
// Configuration: CORTI_BASE_URL, CORTI_TENANT, CORTI_CLIENT_ID, CORTI_CLIENT_SECRET, CORTI_AUDIO
// (an Ogg/Opus file), optional CORTI_AUDIO_BYTES_PER_SECOND (default 3200).
import { readFileSync } from "node:fs";
import process from "node:process";
import { CortiClient } from "@corti/sdk";

const env = (name, fallback) => process.env[name] ?? fallback;
const root = env("CORTI_BASE_URL").replace(/\/+$/, "");
const fail = (message) => {
  console.log(JSON.stringify({ ok: false, error: message }));
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const client = new CortiClient({
    tenantName: env("CORTI_TENANT"),
    environment: {
      base: `${root}/v2`,
      wss: `${root.replace(/^http/, "ws")}/audio-bridge/v2`,
      login: `${root}/realms`,
      agents: `${root}/agents`,
    },
    auth: { clientId: env("CORTI_CLIENT_ID"), clientSecret: env("CORTI_CLIENT_SECRET") },
  });
  const created = await client.interactions.create({
    encounter: {
      identifier: "stream-contract",
      status: "in-progress",
      type: "consultation",
      period: { startedAt: new Date() },
    },
  });
  const socket = await client.stream.connect({
    id: created.interactionId,
    configuration: {
      transcription: {
        primaryLanguage: "en",
        isDiarization: false,
        isMultichannel: false,
        participants: [{ channel: 0, role: "multiple" }],
      },
      mode: { type: "transcription" },
    },
  });
  const seen = { transcript: 0, ended: false, types: [] };
  socket.on("message", (message) => {
    seen.types.push(message.type);
    if (message.type === "transcript") seen.transcript += 1;
    if (message.type === "ENDED") seen.ended = true;
  });
  const audio = readFileSync(env("CORTI_AUDIO"));
  const chunk = Math.floor(Number(env("CORTI_AUDIO_BYTES_PER_SECOND", "3200")) / 2);
  for (let start = 0; start < audio.length; start += chunk) {
    socket.sendAudio(audio.subarray(start, start + chunk));
    await sleep(100);
  }
  socket.sendEnd({ type: "end" });
  for (let waited = 0; !seen.ended && waited < 120_000; waited += 100) await sleep(100);
  socket.close();
  if (!seen.ended) fail(`no ENDED message; got ${JSON.stringify(seen.types)}`);
  if (seen.transcript === 0) fail(`no transcript message; got ${JSON.stringify(seen.types)}`);
  console.log(JSON.stringify({ ok: true, transcriptMessages: seen.transcript, types: [...new Set(seen.types)] }));
  process.exit(0);
}

main().catch((error) => fail(`${error?.name ?? "Error"}: ${error?.message ?? error} ${error?.cause ?? ""}`));
