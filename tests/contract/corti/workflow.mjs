// Contract workflow: the official Corti TypeScript SDK (@corti/sdk, pinned in package.json) against
// scribe's Corti dialect, unchanged, with a custom environment object.
//
// Configuration (environment variables, or --name=value flags with the same names lower-cased and
// without the CORTI_ prefix, e.g. --base-url=http://127.0.0.1:8000):
//   CORTI_BASE_URL       server root, e.g. http://127.0.0.1:8000 (required)
//   CORTI_TENANT         tenant (realm) name (required)
//   CORTI_CLIENT_ID      client id from `scribe keys create` (required)
//   CORTI_CLIENT_SECRET  the API key from `scribe keys create` (required)
//   CORTI_AUDIO          path of the audio fixture to upload (required)
//   CORTI_VISIT_TEXT     path of a "[doctor] ..." / "[patient] ..." transcript used as extra document
//                        context (optional; the 6 s clip alone is only a greeting)
//   CORTI_TIMEOUT_S      per-request timeout in seconds (default 300)
//   CORTI_SKIP_STEPS     comma-separated step names to skip (default none)
//
// Prints one JSON line per step ({"step", "ok", "status", "checked", ...}). On the first failure it
// prints a {"ok": false} line with the error, the HTTP exchanges seen so far, and exits 1.
//
// Besides the SDK's own behaviour (it tolerates most schema drift), every JSON response is also
// parsed STRICTLY with the SDK's own serialization schemas (required keys, types, ISO dates, enums;
// unknown keys allowed), and "Failed to validate" warnings from the SDK are treated as errors.

import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import process from "node:process";

import { CortiClient, CortiError, serialization } from "@corti/sdk";

// ---------------------------------------------------------------------------------------------
// configuration

function config() {
  const flags = {};
  for (const arg of process.argv.slice(2)) {
    const match = /^--([a-z-]+)=(.*)$/s.exec(arg);
    if (!match) fail("config", `unrecognised argument ${JSON.stringify(arg)} (use --name=value)`);
    flags[`CORTI_${match[1].toUpperCase().replaceAll("-", "_")}`] = match[2];
  }
  const get = (name, fallback) => flags[name] ?? process.env[name] ?? fallback;
  const required = ["CORTI_BASE_URL", "CORTI_TENANT", "CORTI_CLIENT_ID", "CORTI_CLIENT_SECRET", "CORTI_AUDIO"];
  const missing = required.filter((name) => !get(name));
  if (missing.length) fail("config", `missing configuration: ${missing.join(", ")}`);
  const root = get("CORTI_BASE_URL").replace(/\/+$/, "");
  const wsRoot = root.replace(/^http/, "ws");
  return {
    root,
    environment: {
      base: `${root}/v2`,
      wss: `${wsRoot}/audio-bridge/v2`,
      login: `${root}/realms`,
      agents: `${root}/agents`,
    },
    tenant: get("CORTI_TENANT"),
    clientId: get("CORTI_CLIENT_ID"),
    clientSecret: get("CORTI_CLIENT_SECRET"),
    audio: get("CORTI_AUDIO"),
    visitText: get("CORTI_VISIT_TEXT"),
    timeoutInSeconds: Number(get("CORTI_TIMEOUT_S", "300")),
    skip: new Set(
      get("CORTI_SKIP_STEPS", "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// output, failure, and a record of every HTTP exchange

const exchanges = [];
let currentStep = "startup";

function emit(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function fail(step, message, extra = {}) {
  emit({ step, ok: false, error: message, ...extra, http: exchanges.slice(-6).map(describeExchange) });
  process.stderr.write(`\nCORTI SDK CONTRACT FAILED at step "${step}": ${message}\n`);
  process.exit(1);
}

function describeExchange(x) {
  return {
    request: `${x.method} ${x.url}`,
    status: x.status,
    networkError: x.networkError,
    redirected: x.redirected,
    contentType: x.contentType,
    body: x.bodyText === undefined ? undefined : x.bodyText.slice(0, 600),
  };
}

class ContractError extends Error {}

function check(condition, message) {
  if (!condition) throw new ContractError(message);
}

// Wraps the global fetch: records each exchange and keeps a clone of the response so its JSON
// can be validated strictly after the SDK has parsed it. The SDK itself is not modified.
async function recordingFetch(input, init = {}) {
  const url = typeof input === "string" ? input : input.url;
  const method = (init.method ?? "GET").toUpperCase();
  let response;
  try {
    response = await fetch(input, init);
  } catch (err) {
    const reason = err?.cause?.code ?? err?.cause?.message ?? err?.message;
    exchanges.push({ step: currentStep, method, url, status: null, networkError: String(reason) });
    throw err;
  }
  const contentType = response.headers.get("content-type") ?? "";
  const exchange = {
    step: currentStep,
    method,
    url,
    status: response.status,
    redirected: response.redirected,
    location: response.headers.get("location"),
    contentType,
    requestHeaders: Object.fromEntries(new Headers(init.headers ?? {}).entries()),
  };
  exchanges.push(exchange);
  if (!contentType.startsWith("audio/") && !contentType.startsWith("application/octet-stream")) {
    exchange.bodyText = await response.clone().text();
  }
  return response;
}

// The SDK only console.warn()s when a response does not match its schema; make that an error.
const sdkWarnings = [];
const originalWarn = console.warn;
console.warn = (...args) => {
  const text = args.map(String).join(" ");
  if (text.includes("Failed to validate")) sdkWarnings.push(text);
  originalWarn(...args);
};

function lastExchange(method, pathSuffix) {
  for (let i = exchanges.length - 1; i >= 0; i--) {
    const x = exchanges[i];
    if (x.method === method && new URL(x.url).pathname.endsWith(pathSuffix)) return x;
  }
  throw new ContractError(`no ${method} request ending in ${pathSuffix} was made`);
}

// Strict parse of the raw JSON body of the last matching exchange with the SDK's own schema.
function strict(schemaName, method, pathSuffix) {
  const x = lastExchange(method, pathSuffix);
  check(!x.redirected, `${method} ${x.url} was answered with a redirect; serve the path as the SDK sends it`);
  check(x.status >= 200 && x.status < 300, `${method} ${x.url} answered ${x.status}`);
  check(
    x.contentType.toLowerCase().startsWith("application/json"),
    `${method} ${x.url} answered Content-Type ${JSON.stringify(x.contentType)}, expected application/json`,
  );
  let raw;
  try {
    raw = JSON.parse(x.bodyText);
  } catch {
    throw new ContractError(`${method} ${x.url} answered a body that is not JSON: ${x.bodyText?.slice(0, 200)}`);
  }
  const result = serialization[schemaName].parse(raw, {
    unrecognizedObjectKeys: "passthrough",
    allowUnrecognizedUnionMembers: false,
    allowUnrecognizedEnumValues: false,
    skipValidation: false,
    breadcrumbsPrefix: ["response"],
  });
  if (!result.ok) {
    const problems = result.errors.map((e) => `${e.path.join(".")}: ${e.message}`);
    throw new ContractError(`${method} ${x.url} does not match the SDK schema ${schemaName}: ${problems.join("; ")}`);
  }
  return { raw, status: x.status };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function step(cfg, name, fn) {
  if (cfg.skip.has(name)) {
    emit({ step: name, ok: true, skipped: true });
    return undefined;
  }
  currentStep = name;
  const before = exchanges.length;
  sdkWarnings.length = 0;
  let result;
  try {
    result = await fn();
    check(sdkWarnings.length === 0, `the SDK could not validate a response: ${sdkWarnings.join(" | ")}`);
  } catch (err) {
    fail(name, describeError(err), errorDetails(err));
  }
  const { checked = [], value, ...rest } = result ?? {};
  emit({
    step: name,
    ok: true,
    requests: exchanges.slice(before).map((x) => `${x.method} ${new URL(x.url).pathname}${new URL(x.url).search} -> ${x.status}`),
    checked,
    ...rest,
  });
  return value;
}

function describeError(err) {
  if (err instanceof ContractError) return err.message;
  if (err instanceof CortiError) {
    const last = exchanges.at(-1);
    const network = err.statusCode === undefined && last?.networkError ? ` (${last.networkError} on ${last.method} ${last.url})` : "";
    return `SDK ${err.constructor.name}: HTTP ${err.statusCode ?? "-"} ${err.message}${network}`;
  }
  return `${err?.constructor?.name ?? "Error"}: ${err?.message ?? String(err)}${err?.stack ? `\n${err.stack}` : ""}`;
}

function errorDetails(err) {
  if (err instanceof CortiError) return { statusCode: err.statusCode, body: err.body };
  return {};
}

// Expects the SDK call to throw a CortiError with the given status and a Corti error body.
async function expectHttpError(call, status, what) {
  try {
    await call();
  } catch (err) {
    check(err instanceof CortiError, `${what}: expected a CortiError, got ${describeError(err)}`);
    check(err.statusCode === status, `${what}: expected HTTP ${status}, got ${err.statusCode} ${JSON.stringify(err.body)}`);
    const parsed = serialization.ErrorResponse.parse(err.body, {
      unrecognizedObjectKeys: "passthrough",
      skipValidation: false,
    });
    check(
      parsed.ok,
      `${what}: the ${status} body is not a Corti ErrorResponse {requestid, status, type, detail}: ${JSON.stringify(err.body)}`,
    );
    check(err.body.status === status, `${what}: error body status ${err.body.status} != HTTP ${status}`);
    return err.body;
  }
  throw new ContractError(`${what}: expected HTTP ${status}, but the call succeeded`);
}

function isDate(value) {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function visitLines(path) {
  if (!path) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => /^\[(\w+)\]\s*(.+)$/.exec(line.trim()))
    .filter(Boolean)
    .map(([, role, text]) => ({ role: role.toLowerCase(), text }));
}

function checkDocument(doc, { templateKey, name }) {
  check(UUID.test(doc.id), `document id ${JSON.stringify(doc.id)} is not a UUID`);
  check(doc.templateRef === templateKey, `templateRef ${JSON.stringify(doc.templateRef)} != ${templateKey}`);
  if (name !== undefined) check(doc.name === name, `document name ${JSON.stringify(doc.name)} != ${JSON.stringify(name)}`);
  check(doc.outputLanguage === "en", `outputLanguage ${JSON.stringify(doc.outputLanguage)} != "en"`);
  check(typeof doc.isStream === "boolean", "isStream is not a boolean");
  check(isDate(doc.createdAt) && isDate(doc.updatedAt), "document createdAt/updatedAt are not ISO dates");
  check(Array.isArray(doc.sections) && doc.sections.length > 0, "document has no sections");
  for (const s of doc.sections) {
    check(typeof s.key === "string" && s.key, "a section has no key");
    check(typeof s.name === "string" && s.name, `section ${s.key} has no name`);
    check(typeof s.text === "string", `section ${s.key} text is not a string`);
    check(Number.isFinite(s.sort), `section ${s.key} sort is not a number`);
  }
  check(
    doc.sections.some((s) => s.text.trim().length > 0),
    `every section of the ${templateKey} document is empty`,
  );
  check(Number.isFinite(doc.usageInfo?.creditsConsumed), "usageInfo.creditsConsumed is not a number");
}

// ---------------------------------------------------------------------------------------------
// the workflow

async function main() {
  const cfg = config();
  const audioBytes = readFileSync(cfg.audio);
  const audioSha = createHash("sha256").update(audioBytes).digest("hex");
  const visit = visitLines(cfg.visitText);

  const client = new CortiClient({
    tenantName: cfg.tenant,
    environment: cfg.environment,
    auth: { clientId: cfg.clientId, clientSecret: cfg.clientSecret },
    fetch: recordingFetch,
    maxRetries: 0, // surface the first failure instead of retrying 5xx
    timeoutInSeconds: cfg.timeoutInSeconds,
  });
  emit({ step: "client", ok: true, environment: cfg.environment, tenant: cfg.tenant });

  const state = {};

  await step(cfg, "token", async () => {
    const headers = await client.getAuthHeaders();
    const authorization = headers.get("Authorization") ?? "";
    check(/^Bearer \S+$/.test(authorization), `Authorization header is ${JSON.stringify(authorization)}`);
    check(headers.get("Tenant-Name") === cfg.tenant, "Tenant-Name header does not carry the tenant");
    const tokenPath = `/realms/${cfg.tenant}/protocol/openid-connect/token`;
    const { raw, status } = strict("AuthTokenResponse", "POST", tokenPath);
    check(typeof raw.access_token === "string" && raw.access_token.length > 0, "access_token missing");
    check(
      typeof raw.expires_in === "number" && raw.expires_in > 120,
      `expires_in ${raw.expires_in}: the SDK refreshes 2 min early, so it must be a number > 120 (Corti: 300)`,
    );
    check(typeof raw.token_type === "string" && raw.token_type.toLowerCase() === "bearer", "token_type is not Bearer");
    return { status, checked: ["POST login/{tenant}/protocol/openid-connect/token", "access_token", "expires_in", "token_type"] };
  });

  await step(cfg, "token-rejects-bad-secret", async () => {
    const bad = new CortiClient({
      tenantName: cfg.tenant,
      environment: cfg.environment,
      auth: { clientId: cfg.clientId, clientSecret: `${cfg.clientSecret}-wrong` },
      fetch: recordingFetch,
      maxRetries: 0,
    });
    try {
      await bad.getAuthHeaders();
    } catch (err) {
      check(err instanceof CortiError, `expected a CortiError, got ${describeError(err)}`);
      check(err.statusCode === 401, `wrong client_secret: expected HTTP 401, got ${err.statusCode}`);
      return { checked: ["wrong client_secret -> 401 (Corti.UnauthorizedError)"] };
    }
    throw new ContractError("a wrong client_secret was given a token");
  });

  const startedAt = new Date(Date.now() - 10 * 60 * 1000);
  const encounterIdentifier = `contract-${Date.now()}`;
  state.interactionId = await step(cfg, "interactions.create", async () => {
    const created = await client.interactions.create({
      encounter: {
        identifier: encounterIdentifier,
        status: "planned",
        type: "first_consultation",
        period: { startedAt },
        title: "Knee pain (contract test)",
      },
      patient: { identifier: "pat-contract-1", name: "Jane Thompson", gender: "female", birthDate: new Date("1980-05-17T00:00:00Z") },
    });
    const { raw, status } = strict("InteractionsCreateResponse", "POST", "/v2/interactions/");
    check(UUID.test(created.interactionId), `interactionId ${JSON.stringify(created.interactionId)} is not a UUID`);
    const ws = created.websocketUrl;
    check(/^wss?:\/\//.test(ws), `websocketUrl ${JSON.stringify(ws)} is not a ws:// or wss:// URL`);
    check(
      ws.includes(`/audio-bridge/v2/interactions/${created.interactionId}/streams`),
      `websocketUrl ${ws} does not point at /audio-bridge/v2/interactions/{id}/streams`,
    );
    check(raw.id === undefined || raw.id === created.interactionId, "seed key id differs from interactionId");
    check(raw.wssUrl === undefined || raw.wssUrl === ws, "seed key wssUrl differs from websocketUrl");
    return {
      value: created.interactionId,
      status,
      checked: ["interactionId uuid", "websocketUrl -> /audio-bridge/v2/interactions/{id}/streams", "id/wssUrl mirror"],
    };
  });
  const id = state.interactionId;

  await step(cfg, "interactions.get", async () => {
    const got = await client.interactions.get(id);
    const { status } = strict("InteractionsGetResponse", "GET", `/v2/interactions/${id}`);
    check(got.id === id, `id ${got.id} != ${id}`);
    check(got.encounter.identifier === encounterIdentifier, "encounter.identifier not stored");
    check(got.encounter.status === "planned", `encounter.status ${got.encounter.status} != planned`);
    check(got.encounter.type === "first_consultation", `encounter.type ${got.encounter.type} != first_consultation`);
    check(isDate(got.encounter.period?.startedAt), "encounter.period.startedAt is not an ISO date");
    check(
      Math.abs(got.encounter.period.startedAt.getTime() - startedAt.getTime()) < 1000,
      `encounter.period.startedAt ${got.encounter.period.startedAt.toISOString()} != ${startedAt.toISOString()}`,
    );
    check(got.patient?.identifier === "pat-contract-1", "patient.identifier not stored");
    check(got.patient?.gender === "female", "patient.gender not stored");
    check(isDate(got.createdAt) && isDate(got.updatedAt) && isDate(got.lastUpdated), "createdAt/updatedAt/lastUpdated not dates");
    check(got.websocketUrl.includes(`/interactions/${id}/streams`), "websocketUrl differs from create");
    return { status, checked: ["strict InteractionsGetResponse", "encounter/patient round-trip", "dates parse"] };
  });

  await step(cfg, "interactions.update", async () => {
    const updated = await client.interactions.update(id, { encounter: { status: "in-progress" } });
    const { status } = strict("InteractionsGetResponse", "PATCH", `/v2/interactions/${id}`);
    check(updated.encounter.status === "in-progress", `PATCH answered encounter.status ${updated.encounter.status}`);
    check(updated.encounter.identifier === encounterIdentifier, "PATCH lost encounter.identifier (partial update)");
    check(updated.encounter.type === "first_consultation", "PATCH lost encounter.type (partial update)");
    const again = await client.interactions.get(id);
    check(again.encounter.status === "in-progress", "the PATCH was not persisted");
    return { status, checked: ["partial PATCH of encounter.status", "persisted"] };
  });

  state.recordingId = await step(cfg, "recordings.upload", async () => {
    const uploaded = await client.recordings.upload(createReadStream(cfg.audio), id);
    const { status } = strict("RecordingsCreateResponse", "POST", `/v2/interactions/${id}/recordings/`);
    check(UUID.test(uploaded.recordingId), `recordingId ${JSON.stringify(uploaded.recordingId)} is not a UUID`);
    const sent = lastExchange("POST", `/v2/interactions/${id}/recordings/`).requestHeaders;
    return {
      value: uploaded.recordingId,
      status,
      sentContentType: sent["content-type"],
      checked: ["raw body upload (fs.ReadStream)", "recordingId uuid"],
    };
  });
  const recordingId = state.recordingId;

  await step(cfg, "recordings.list", async () => {
    const listed = await client.recordings.list(id);
    const { status } = strict("RecordingsListResponse", "GET", `/v2/interactions/${id}/recordings/`);
    check(listed.recordings.includes(recordingId), `recordings ${JSON.stringify(listed.recordings)} lack ${recordingId}`);
    return { status, checked: ["recordings: [uuid] includes the upload"] };
  });

  await step(cfg, "recordings.get", async () => {
    const binary = await client.recordings.get(id, recordingId);
    const bytes = Buffer.from(await binary.arrayBuffer());
    const x = lastExchange("GET", `/v2/interactions/${id}/recordings/${recordingId}`);
    check(x.status === 200, `download answered ${x.status}`);
    check(bytes.length === audioBytes.length, `downloaded ${bytes.length} bytes, uploaded ${audioBytes.length}`);
    check(createHash("sha256").update(bytes).digest("hex") === audioSha, "downloaded bytes differ from the upload");
    return { status: x.status, contentType: x.contentType, checked: ["binary download == uploaded bytes"] };
  });

  state.transcript = await step(cfg, "transcripts.create", async () => {
    let transcript = await client.transcripts.create(id, {
      recordingId,
      primaryLanguage: "en",
      isDictation: false,
      isMultichannel: false,
      diarize: false,
      participants: [{ channel: 0, role: "multiple" }],
    });
    const { status } = strict("TranscriptsResponse", "POST", `/v2/interactions/${id}/transcripts/`);
    check(UUID.test(transcript.id), `transcript id ${JSON.stringify(transcript.id)} is not a UUID`);
    check(transcript.recordingId === recordingId, `transcript.recordingId ${transcript.recordingId} != ${recordingId}`);
    let polls = 0;
    const deadline = Date.now() + cfg.timeoutInSeconds * 1000;
    while (transcript.status === "processing") {
      check(Date.now() < deadline, "the transcript stayed in status processing");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const polled = await client.transcripts.getStatus(id, transcript.id);
      strict("TranscriptsStatusResponse", "GET", `/transcripts/${transcript.id}/status`);
      polls += 1;
      if (polled.status !== "processing") transcript = await client.transcripts.get(id, transcript.id);
    }
    check(transcript.status === "completed", `transcript status ${transcript.status}`);
    check(Array.isArray(transcript.transcripts) && transcript.transcripts.length > 0, "completed transcript has no segments");
    for (const seg of transcript.transcripts) {
      check(typeof seg.text === "string" && seg.text.trim(), "a segment has empty text");
      check(Number.isInteger(seg.start) && Number.isInteger(seg.end), "segment start/end are not integer milliseconds");
      check(seg.end >= seg.start, `segment end ${seg.end} < start ${seg.start}`);
      check(seg.end <= 60_000, `segment end ${seg.end} is not in milliseconds for a 6 s clip`);
    }
    check(Number.isFinite(transcript.usageInfo?.creditsConsumed), "usageInfo.creditsConsumed is not a number");
    return {
      value: transcript,
      status,
      polls,
      segments: transcript.transcripts.length,
      checked: ["strict TranscriptsResponse", "status completed", "segments with ms times", "recordingId echo"],
    };
  });
  const transcript = state.transcript;

  await step(cfg, "transcripts.list", async () => {
    const listed = await client.transcripts.list(id);
    const { status } = strict("TranscriptsListResponse", "GET", `/v2/interactions/${id}/transcripts/`);
    const item = (listed.transcripts ?? []).find((t) => t.id === transcript.id);
    check(item, `transcripts list lacks ${transcript.id}`);
    check(typeof item.transcriptSample === "string", "transcriptSample is not a string");
    const full = await client.transcripts.list(id, { full: true });
    strict("TranscriptsListResponse", "GET", `/v2/interactions/${id}/transcripts/`);
    const fullItem = (full.transcripts ?? []).find((t) => t.id === transcript.id);
    check(fullItem, "transcripts list ?full=true lacks the transcript");
    return { status, checked: ["{transcripts: [{id, transcriptSample}]}", "?full=true accepted"] };
  });

  await step(cfg, "transcripts.get", async () => {
    const got = await client.transcripts.get(id, transcript.id);
    const { status } = strict("TranscriptsResponse", "GET", `/v2/interactions/${id}/transcripts/${transcript.id}`);
    check(got.id === transcript.id && got.status === "completed", "get answered another transcript or status");
    check(
      JSON.stringify(got.transcripts) === JSON.stringify(transcript.transcripts),
      "GET transcript segments differ from the create response",
    );
    return { status, checked: ["same segments as create"] };
  });

  await step(cfg, "transcripts.getStatus", async () => {
    const polled = await client.transcripts.getStatus(id, transcript.id);
    const { status } = strict("TranscriptsStatusResponse", "GET", `/transcripts/${transcript.id}/status`);
    check(polled.status === "completed", `status ${polled.status} != completed`);
    return { status, checked: ["{status: completed}"] };
  });

  // SOAP from the created transcript's segments (context type "transcript", one object per
  // segment), followed by the rest of the same visit as further transcript objects so the engine
  // has enough content; H&P from the visit as plain text (context type "string").
  const soapContext = transcript.transcripts.map((seg) => ({
    type: "transcript",
    data: { channel: seg.channel, participant: seg.participant, speakerId: seg.speakerId, text: seg.text, start: seg.start, end: seg.end },
  }));
  let clock = transcript.transcripts.at(-1).end;
  for (const line of visit) {
    const channel = line.role === "patient" ? 1 : 0;
    soapContext.push({
      type: "transcript",
      data: { channel, participant: channel, speakerId: -1, text: line.text, start: clock, end: clock + 3000 },
    });
    clock += 3000;
  }
  const visitString = visit.map((l) => `${l.role === "patient" ? "Patient" : "Doctor"}: ${l.text}`).join("\n");

  state.soap = await step(cfg, "documents.create(corti-soap)", async () => {
    const doc = await client.documents.create(id, {
      context: soapContext,
      templateKey: "corti-soap",
      outputLanguage: "en",
      name: "SOAP note",
    });
    const { status } = strict("DocumentsGetResponse", "POST", `/v2/interactions/${id}/documents/`);
    checkDocument(doc, { templateKey: "corti-soap", name: "SOAP note" });
    return {
      value: doc,
      status,
      sections: doc.sections.map((s) => s.key),
      checked: ["strict DocumentsGetResponse", "context type transcript (one object per segment)", "sections"],
    };
  });

  state.hp = await step(cfg, "documents.create(corti-h-and-p)", async () => {
    check(visitString.length > 0, "CORTI_VISIT_TEXT is needed for the H&P document (string context)");
    const doc = await client.documents.create(id, {
      context: [{ type: "string", data: visitString }],
      templateKey: "corti-h-and-p",
      outputLanguage: "en",
      name: "History and physical",
    });
    const { status } = strict("DocumentsGetResponse", "POST", `/v2/interactions/${id}/documents/`);
    checkDocument(doc, { templateKey: "corti-h-and-p", name: "History and physical" });
    return {
      value: doc,
      status,
      sections: doc.sections.map((s) => s.key),
      checked: ["strict DocumentsGetResponse", "context type string"],
    };
  });
  const soap = state.soap;
  const hp = state.hp;

  await step(cfg, "documents.update", async () => {
    const first = soap.sections[0];
    const updated = await client.documents.update(id, soap.id, {
      name: "SOAP note (edited)",
      sections: [{ key: first.key, text: "Edited by the contract test." }],
    });
    const { status } = strict("DocumentsGetResponse", "PATCH", `/v2/interactions/${id}/documents/${soap.id}`);
    check(updated.name === "SOAP note (edited)", `PATCH name answered ${JSON.stringify(updated.name)}`);
    const section = updated.sections.find((s) => s.key === first.key);
    check(section?.text === "Edited by the contract test.", `PATCH section ${first.key} text not applied`);
    check(updated.sections.length === soap.sections.length, "PATCH of one section dropped the other sections");
    return { status, checked: ["PATCH name", "PATCH one section by key keeps the others"] };
  });

  await step(cfg, "documents.list+get", async () => {
    const listed = await client.documents.list(id);
    const { status } = strict("DocumentsListResponse", "GET", `/v2/interactions/${id}/documents/`);
    const ids = listed.data.map((d) => d.id);
    for (const doc of [soap, hp]) check(ids.includes(doc.id), `documents list lacks ${doc.id} (${doc.templateRef})`);
    for (const doc of listed.data) {
      const got = await client.documents.get(id, doc.id);
      strict("DocumentsGetResponse", "GET", `/v2/interactions/${id}/documents/${doc.id}`);
      check(got.id === doc.id && got.templateRef === doc.templateRef, `GET document ${doc.id} differs from the list`);
    }
    return { status, documents: ids.length, checked: ["{data: [Document]}", "GET each"] };
  });

  await step(cfg, "templates.list+get", async () => {
    const listed = await client.templates.list({ lang: "en" });
    const { status } = strict("TemplatesListResponse", "GET", "/v2/templates/");
    const keys = listed.data.map((t) => t.key);
    for (const key of ["corti-soap", "corti-h-and-p"]) check(keys.includes(key), `templates list lacks ${key}`);
    const tpl = await client.templates.get("corti-soap");
    strict("TemplatesItem", "GET", "/v2/templates/corti-soap");
    check(tpl.key === "corti-soap", `templates.get answered key ${tpl.key}`);
    const tplKeys = [...tpl.templateSections].sort((a, b) => a.sort - b.sort).map((s) => s.section.key);
    check(tplKeys.length > 0, "corti-soap has no templateSections");
    const docKeys = [...soap.sections].sort((a, b) => a.sort - b.sort).map((s) => s.key);
    check(
      JSON.stringify(docKeys) === JSON.stringify(tplKeys),
      `SOAP document sections ${JSON.stringify(docKeys)} != template sections ${JSON.stringify(tplKeys)}`,
    );
    const unknown = await expectHttpError(() => client.templates.get("no-such-template"), 404, "unknown template");
    return {
      status,
      templates: keys.length,
      soapSections: tplKeys,
      unknownTemplateType: unknown.type,
      checked: ["{data: [Template]}", "templates/{key}", "document sections follow the template", "unknown key -> 404"],
    };
  });

  await step(cfg, "templates.sectionList", async () => {
    const listed = await client.templates.sectionList({ lang: "en" });
    const { status } = strict("TemplatesSectionListResponse", "GET", "/v2/templateSections/");
    const keys = listed.data.map((s) => s.key);
    for (const s of soap.sections) check(keys.includes(s.key), `templateSections lacks ${s.key}`);
    return { status, sections: keys.length, checked: ["{data: [Section]}"] };
  });

  await step(cfg, "facts", async () => {
    const created = await client.facts.create(id, {
      facts: [{ text: "Allergic to penicillin", group: "allergies", source: "user" }],
    });
    const { status } = strict("FactsCreateResponse", "POST", `/v2/interactions/${id}/facts/`);
    const fact = created.facts[0];
    check(fact && typeof fact.id === "string" && fact.id, "facts.create answered no fact id");
    const listed = await client.facts.list(id);
    strict("FactsListResponse", "GET", `/v2/interactions/${id}/facts/`);
    check(listed.facts.some((f) => f.id === fact.id), "facts list lacks the created fact");
    const updated = await client.facts.update(id, fact.id, { isDiscarded: true });
    strict("FactsUpdateResponse", "PATCH", `/v2/interactions/${id}/facts/${fact.id}`);
    check(updated.isDiscarded === true, "facts.update did not set isDiscarded");
    return { status, checked: ["POST facts/", "GET facts/", "PATCH facts/{factId}"] };
  });

  await step(cfg, "interactions.list", async () => {
    const page = await client.interactions.list({ pageSize: 10 });
    const { status } = strict("InteractionsListResponse", "GET", "/v2/interactions/");
    check(page.data.some((i) => i.id === id), "the first page of interactions lacks the created one");
    // `for await (const i of page)` pages with ?index=1,2,... until a page is empty, so the server
    // must honour index (1-based) and answer an empty page past the last one.
    const paged = await client.interactions.list({ pageSize: 10 });
    const seenIds = new Set(paged.data.map((i) => i.id));
    let seen = paged.data.length;
    let pages = 1;
    while (paged.hasNextPage()) {
      check(pages < 20, "pagination never ends: the server must answer an empty page past the last (?index=)");
      await paged.getNextPage();
      strict("InteractionsListResponse", "GET", "/v2/interactions/");
      pages += 1;
      seen += paged.data.length;
      for (const i of paged.data) {
        check(!seenIds.has(i.id), `page ${pages} repeats interaction ${i.id}: the server ignores ?index=`);
        seenIds.add(i.id);
      }
    }
    const lastUrl = new URL(lastExchange("GET", "/v2/interactions/").url);
    check(lastUrl.searchParams.get("index") === String(pages), `the SDK asked for ?index=${lastUrl.searchParams.get("index")}`);
    check(seenIds.has(id), "paging through all interactions never met the created one");
    return { status, interactions: seen, pages, checked: ["{interactions: [Interaction]}", "paging by index ends"] };
  });

  await step(cfg, "not-found", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const body = await expectHttpError(() => client.interactions.get(missing), 404, "unknown interaction");
    return { errorType: body.type, checked: ["unknown interaction -> 404 with {requestid, status, type, detail}"] };
  });

  await step(cfg, "deletes", async () => {
    await client.documents.delete(id, hp.id);
    const docDelete = lastExchange("DELETE", `/documents/${hp.id}`).status;
    await expectHttpError(() => client.documents.get(id, hp.id), 404, "deleted document");
    await client.transcripts.delete(id, transcript.id);
    await expectHttpError(() => client.transcripts.get(id, transcript.id), 404, "deleted transcript");
    await client.recordings.delete(id, recordingId);
    await expectHttpError(() => client.recordings.get(id, recordingId), 404, "deleted recording");
    await client.interactions.delete(id);
    const interactionDelete = lastExchange("DELETE", `/v2/interactions/${id}`).status;
    await expectHttpError(() => client.interactions.get(id), 404, "deleted interaction");
    check(docDelete === 204 && interactionDelete === 204, `deletes answered ${docDelete}/${interactionDelete}, expected 204`);
    return { checked: ["DELETE document/transcript/recording/interaction -> 204, then 404"] };
  });

  emit({ step: "done", ok: true, requests: exchanges.length });
}

main().catch((err) => fail(currentStep, describeError(err), errorDetails(err)));
