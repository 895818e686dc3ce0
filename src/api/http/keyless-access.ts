import { isLoopbackAddress, type KeyPrincipal } from '../../gateway/index.js';
import type { Route } from './route-call.js';

/**
 * The key-less loopback principal, for a call that sends no credential and may have it: a route of
 * the Ollama API (the tools that cannot send a header speak only that one), from this machine's
 * own socket address. Null otherwise: the call then needs a key like any other.
 */
export function keylessFor(remoteAddress: string | undefined, route: Pick<Route, 'path'> | undefined, keyless: KeyPrincipal | null): KeyPrincipal | null {
  if (keyless === null || route === undefined || !route.path.startsWith('/api/')) return null;
  return isLoopbackAddress(remoteAddress) ? keyless : null;
}
