// Calls to this server's dialect APIs with the signed-in key; every failure becomes an ApiError
// whose message a clinician can read (the server's own words when it sent any).

const KEY = "scribe.apiKey";
const DOCTOR = "scribe.doctor";

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get doctor() { return sessionStorage.getItem(DOCTOR) || "console"; },
  save(key, doctor) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(DOCTOR, doctor);
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(DOCTOR);
  },
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const UNREACHABLE = "Cannot reach the scribe server. Check that it is running and try again.";

export function headers(extra = {}) {
  const base = { Authorization: `Bearer ${session.key}`, "x-doctor": session.doctor };
  return { ...base, ...extra };
}

// fetch() that turns a network failure into a readable ApiError.
export async function send(path, init = {}) {
  let response;
  try {
    response = await fetch(path, { ...init, headers: headers(init.headers), credentials: "omit" });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, UNREACHABLE);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

export async function json(path, { method = "GET", body, headers: extra } = {}) {
  const init = { method, headers: { Accept: "application/json", ...extra } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await send(path, init);
  return response.status === 204 ? null : response.json();
}

// Each dialect words its errors its own way: Omniloy and Clinia `message`, Corti `detail` and
// `title`, Invox `messsage`.
async function failure(response) {
  let said = "";
  try {
    const body = await response.json();
    said = body.message || body.detail || body.title || body.messsage || "";
  } catch {
    said = "";
  }
  if (typeof said !== "string") said = JSON.stringify(said);
  return new ApiError(response.status, explain(response.status, said));
}

function explain(status, said) {
  if (status === 401) return "The API key was not accepted. Check it and sign in again.";
  if (status === 413) return `Too large for this server: ${said || "the upload exceeds its limit"}.`;
  if (status === 429) return "Too many attempts: wait a minute and try again.";
  if (status >= 500) return `The server failed (${status}). ${said || "Try again later."}`;
  return said || `The server refused the request (${status}).`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
