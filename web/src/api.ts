// One way to call the API: same origin, the session cookie, and on every
// write the X-CSRF-Token the sign-in answered (session_api.cpp). Errors come
// back as ApiError with the API's code, message, field, (for an upload) its
// problems by row and column, and the refusal's reason when the API names
// one ("setting_stale", "config_range" …).
export interface Problem {
  row: number;
  column: string;
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field?: string,
    public problems: Problem[] = [],
    public reason?: string,
  ) {
    super(message);
  }
}

const CSRF_KEY = 'lianxin.csrf';

export function setCsrf(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

// Called when the API answers 401 to a signed-in call: the session has
// expired (idle or absolute limit) or was ended elsewhere. main.ts sends the
// user to sign in again and back to where they were.
let onSessionEnded: (() => void) | null = null;
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = options.contentType || body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    // Signing in and the who-am-I check answer 401 as part of their job.
    if (response.status === 401 && !path.startsWith('/api/v1/session') && path !== '/api/v1/me') {
      onSessionEnded?.();
    }
    const error = json?.error ?? {};
    throw new ApiError(
      response.status,
      error.code ?? 'http_' + response.status,
      error.message ?? response.statusText,
      error.field,
      json?.problems ?? [],
      error.reason,
    );
  }
  return json as T;
}
