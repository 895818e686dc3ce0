// Calls from the page: every one goes to this origin with the session cookie (HttpOnly: the page
// never sees it, nor the key); a state-changing one carries the CSRF token the session gave.

export interface Session {
  signed_in: boolean;
  name: string;
  key_id: string | null;
  admin: boolean;
  csrf_token: string;
  expires_at: string;
}

let csrf: string | null = null;
export const setCsrf = (token: string | null): void => {
  csrf = token;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Listeners told when a call finds the session gone (401): the app shows the sign-in form again. */
const onSignedOut = new Set<() => void>();
export const whenSignedOut = (f: () => void): (() => void) => {
  onSignedOut.add(f);
  return () => onSignedOut.delete(f);
};

export async function call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== null) headers['x-flambeau-csrf'] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal === undefined ? {} : { signal }),
  });
  if (!response.ok) {
    let code = `http_${response.status}`;
    let message = response.statusText;
    try {
      const parsed = (await response.json()) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // not JSON
    }
    if (response.status === 401 && path !== '/ui/session') for (const f of onSignedOut) f();
    throw new ApiError(response.status, code, message);
  }
  return response;
}

export async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await call(method, path, body)).json()) as T;
}

/** The gateway's own API through the session (`/ui/api/PATH`). */
export const gw = <T>(method: string, path: string, body?: unknown): Promise<T> => json<T>(method, `/ui/api${path}`, body);

export const usd = (n: number | null | undefined): string => (n == null ? '–' : n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(5)}` : `$${n.toFixed(2)}`);
export const num = (n: number | null | undefined): string => (n == null ? '–' : n.toLocaleString('en'));
export const ms = (n: number | null | undefined): string => (n == null ? '–' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);
/** Two durations in one unit: `167 / 346 ms`, or seconds when either reaches one. */
export const msPair = (a: number | null | undefined, b: number | null | undefined): string => {
  if (a == null && b == null) return '–';
  const inSeconds = (a ?? 0) >= 1000 || (b ?? 0) >= 1000;
  const show = (n: number | null | undefined) => (n == null ? '–' : inSeconds ? (n / 1000).toFixed(2) : String(Math.round(n)));
  return `${show(a)} / ${show(b)} ${inSeconds ? 's' : 'ms'}`;
};
export const bytes = (n: number | null | undefined): string =>
  n == null
    ? '–'
    : n < 1024
      ? `${n} B`
      : n < 1 << 20
        ? `${(n / 1024).toFixed(1)} KiB`
        : n < 1 << 30
          ? `${(n / (1 << 20)).toFixed(1)} MiB`
          : `${(n / (1 << 30)).toFixed(2)} GiB`;
export const when = (t: string | number | null | undefined): string => (t == null ? '–' : new Date(t).toISOString().replace('T', ' ').slice(0, 19));
