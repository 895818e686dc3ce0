import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { FlambeauError } from '../../errors/index.js';
import { isAdmin } from '../http/admin-routes.js';
import { overviewJson, windowOf } from '../http/dashboard-admin-routes.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { AppDeps } from '../http/route-call.js';
import { sendJson } from '../http/send.js';
import { UI_SECURITY_HEADERS, type UiAssets } from './ui-assets.js';
import { NO_TRUSTED_PROXY, type TrustedProxies } from './trusted-proxies.js';
import { cookieValue, CSRF_HEADER, SESSION_COOKIE, type SessionStore, type UiSession } from './ui-session.js';

/** The dashboard's server side (`ui.enabled`): its page and assets, sessions, and the /ui/api/ proxy. */
export interface UiDeps {
  assets: UiAssets;
  sessions: SessionStore;
  signIn: { allow(address: string, now: number): boolean };
  /** `ui.session_ttl_minutes`, in ms: the cookie's Max-Age too. */
  sessionTtlMs: number;
  /** `ui.secure_cookie` (default auto: TLS, or https at a trusted proxy). */
  secureCookie?: 'auto' | 'always' | 'never';
  /** `ui.trust_proxy` (default none): the proxies whose X-Forwarded-For and X-Forwarded-Proto are read. */
  trustProxy?: TrustedProxies;
  clock?: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Paths /ui/api/ may reach: the gateway's own API, nothing else (no /ui loop, no /metrics). */
const PROXIED = /^\/(v1|admin)\//;

/**
 * Answers everything under /ui. `/ui/api/PATH` re-enters the gateway's own request handler as
 * `/PATH` with the session's key as the bearer token, so every guard of that key applies (scopes,
 * budgets, rate limits, admin-only routes) and the call is recorded as any other.
 */
export async function handleUi(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
  deps: AppDeps,
  ui: UiDeps,
  reenter: Handler,
): Promise<void> {
  const method = req.method ?? 'GET';
  const now = (ui.clock ?? Date.now)();
  if (path === '/ui' || path === '/ui/') {
    allow(res, method, ['GET', 'HEAD'], path);
    ui.assets.index(res);
    return;
  }
  if (path.startsWith('/ui/assets/')) {
    allow(res, method, ['GET', 'HEAD'], path);
    if (!ui.assets.asset(req, res, path.slice('/ui/assets/'.length))) throw new FlambeauError('not_found', `No dashboard asset ${path.slice(0, 120)}.`);
    return;
  }
  if (path === '/ui/session') {
    allow(res, method, ['GET', 'POST', 'DELETE'], path);
    if (method === 'POST') return signIn(req, res, deps, ui, now);
    const session = await requireSession(req, ui, now);
    if (method === 'DELETE') {
      requireCsrf(req, ui, session);
      await ui.sessions.close(session.id);
      send(res, 200, { signed_in: false }, { 'set-cookie': clearCookie(req, ui) });
      return;
    }
    send(res, 200, sessionJson(session));
    return;
  }
  if (path === '/ui/own/overview') {
    // A key without admin rights sees its own usage only: the overview narrowed to its key id.
    allow(res, method, ['GET'], path);
    const session = await requireSession(req, ui, now);
    await stillValid(req, res, deps, ui, session);
    const dashboard = deps.admin.dashboard;
    if (dashboard === undefined) throw new FlambeauError('not_found', 'The dashboard endpoints are not wired in this server.');
    const window = windowOf(new URLSearchParams(query), now);
    send(res, 200, await overviewJson(dashboard, { ...window, keyId: session.keyId }));
    return;
  }
  if (path.startsWith('/ui/api/')) {
    const session = await requireSession(req, ui, now);
    if (method !== 'GET' && method !== 'HEAD') requireCsrf(req, ui, session);
    const target = path.slice('/ui/api'.length);
    if (!PROXIED.test(target)) throw new FlambeauError('not_found', `The dashboard proxies /v1/ and /admin/ only, not ${target.slice(0, 120)}.`);
    await stillValid(req, res, deps, ui, session);
    req.url = query === '' ? target : `${target}?${query}`;
    req.headers.authorization = session.credential;
    delete req.headers.cookie;
    delete req.headers['x-api-key'];
    delete req.headers[CSRF_HEADER];
    reenter(req, res);
    return;
  }
  throw new FlambeauError('not_found', `No dashboard route for ${method} ${path.slice(0, 120)}.`);
}

async function signIn(req: IncomingMessage, res: ServerResponse, deps: AppDeps, ui: UiDeps, now: number): Promise<void> {
  // A cross-site form cannot send JSON without a preflight this server never grants.
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
    throw new FlambeauError('unsupported_media_type', 'Sign in with a JSON body: {"key": "..."}.');
  if (!ui.signIn.allow(clientAddress(req, ui), now))
    throw new FlambeauError('rate_limited', 'Too many sign-in attempts from this address; wait a minute.', { details: { retryAfter: 60 } });
  const body = await readJsonBody(req, deps.bodyLimitBytes);
  const key = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { key?: unknown }).key : undefined;
  if (typeof key !== 'string' || key.trim() === '' || key.length > 512)
    throw new FlambeauError('invalid_request', 'Give the key to sign in with as "key".', { param: 'key' });
  const credential = `Bearer ${key.trim()}`;
  const principal = await deps.gateway.keys.authenticate(credential);
  if (principal.kind === 'loopback') throw new FlambeauError('unauthenticated', 'Sign in with a key.');
  const { session, cookie } = await ui.sessions.open({ credential, keyId: principal.keyId, name: principal.name, admin: isAdmin(principal) }, now);
  send(res, 200, sessionJson(session), { 'set-cookie': sessionCookie(req, ui, cookie) });
}

function sessionJson(session: UiSession): Record<string, unknown> {
  return {
    signed_in: true,
    name: session.name,
    key_id: session.keyId,
    admin: session.admin,
    csrf_token: session.csrf,
    expires_at: new Date(session.expiresAt).toISOString(),
  };
}

async function requireSession(req: IncomingMessage, ui: UiDeps, now: number): Promise<UiSession> {
  const session = await ui.sessions.read(cookieValue(req.headers.cookie, SESSION_COOKIE), now);
  if (session === null)
    throw new FlambeauError('unauthenticated', 'Sign in to the dashboard first (the session is missing or has expired).', {
      details: { reason: 'no_session' },
    });
  return session;
}

function requireCsrf(req: IncomingMessage, ui: UiDeps, session: UiSession): void {
  const given = req.headers[CSRF_HEADER];
  if (!ui.sessions.csrfMatches(session, typeof given === 'string' ? given : undefined))
    throw new FlambeauError('forbidden', `A state-changing dashboard call needs the session's ${CSRF_HEADER} header.`, { details: { denied: 'csrf' } });
}

/** The session ends with its key: a revoked or expired key closes it at its next call. */
async function stillValid(req: IncomingMessage, res: ServerResponse, deps: AppDeps, ui: UiDeps, session: UiSession): Promise<void> {
  try {
    await deps.gateway.keys.authenticate(session.credential);
  } catch (error) {
    if (error instanceof FlambeauError && error.code === 'unauthenticated') {
      await ui.sessions.closeKey(session.keyId);
      res.setHeader('set-cookie', clearCookie(req, ui));
    }
    throw error;
  }
}

const isTls = (req: IncomingMessage): boolean => (req.socket as Partial<TLSSocket>).encrypted === true;

/**
 * The address sign-in attempts count against: the socket's, or when the socket is a trusted proxy,
 * the client it forwards for (trusted-proxies.ts: the right-most X-Forwarded-For entry that is not a
 * trusted proxy, an IP address, else the socket's).
 */
function clientAddress(req: IncomingMessage, ui: UiDeps): string {
  return (ui.trustProxy ?? NO_TRUSTED_PROXY).clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for']);
}

/** Whether the session cookie gets `Secure` (`ui.secure_cookie`): auto, when the browser reached us over TLS. */
function secureCookie(req: IncomingMessage, ui: UiDeps): boolean {
  const mode = ui.secureCookie ?? 'auto';
  if (mode !== 'auto') return mode === 'always';
  return isTls(req) || (ui.trustProxy ?? NO_TRUSTED_PROXY).forwardedProto(req.socket.remoteAddress, req.headers['x-forwarded-proto']) === 'https';
}

function sessionCookie(req: IncomingMessage, ui: UiDeps, value: string): string {
  return `${SESSION_COOKIE}=${value}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(ui.sessionTtlMs / 1000)}${secureCookie(req, ui) ? '; Secure' : ''}`;
}

function clearCookie(req: IncomingMessage, ui: UiDeps): string {
  return `${SESSION_COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0${secureCookie(req, ui) ? '; Secure' : ''}`;
}

function allow(res: ServerResponse, method: string, methods: string[], path: string): void {
  if (methods.includes(method)) return;
  res.setHeader('allow', methods.join(', '));
  throw new FlambeauError('method_not_allowed', `${method} is not allowed on ${path}; use ${methods.join(' or ')}.`);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, body, { ...UI_SECURITY_HEADERS, 'cache-control': 'no-store', ...headers });
}
