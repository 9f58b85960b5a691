// The cadre app's own way to call the API (the admin's api.ts pulls in
// nothing heavy, but this one must also tell "no signal" apart from "the
// server said no", which decides whether a visit waits in the queue or is
// reported as not sent).
//
// Same origin, the session cookie, and on every write the X-CSRF-Token the
// sign-in answered. The token lives in sessionStorage under this app's own
// key, so signing out of the desktop in another tab does not sign out here.

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field?: string,
  ) {
    super(message);
  }
  /** The session is gone, or cannot write (no CSRF token): sign in again. */
  get needsSignIn(): boolean {
    return this.status === 401 || (this.status === 403 && /csrf_mismatch|origin_mismatch/.test(this.message));
  }
  /** Worth trying again later as it is (busy, rate-limited, server trouble). */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The request never got an answer: no signal, a timeout, or the server down. */
export class NetworkError extends Error {}

const CSRF_KEY = 'lianxin.cadre.csrf';
// A village's mobile signal can hang a request for minutes; after this long
// the write waits in the queue instead and the read shows what was saved.
const TIMEOUT_MS = 15_000;

export function csrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

export function setCsrf(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

let onSessionEnded: (() => void) | null = null;
/** Called when a signed-in call answers 401 (idle or absolute timeout, or ended elsewhere). */
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const csrf = csrfToken();
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: abort.signal,
    });
    text = await response.text();
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
  }
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json?.error ?? {};
    const failure = new ApiError(
      response.status,
      error.code ?? 'http_' + response.status,
      error.message ?? response.statusText,
      error.field,
    );
    // Signing in and the who-am-I check answer 401 as part of their job.
    if (failure.needsSignIn && path !== '/api/v1/session' && path !== '/api/v1/me') onSessionEnded?.();
    throw failure;
  }
  return json as T;
}
