import { keyIdOf } from '../auth/key-token.js';
import type { Endpoint, KeyPrincipal } from '../auth/principal.js';
import { checkScope } from '../auth/scope.js';
import { FlambeauError } from '../errors/index.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { GatewayRequest } from './request.js';

/**
 * Who is calling: the key's principal, or 401. A failed attempt is recorded (who it claimed to
 * be, never the secret); a store failure is 503, never a 401. With a known endpoint its scope is
 * checked at once: a key without it learns nothing more. `keyless` is the principal of a call that
 * sends no credential, when the caller (the HTTP edge) has found it may have one (key-less
 * loopback access); a credential that is sent is always checked, whatever `keyless` says.
 */
export async function authenticate(
  request: GatewayRequest,
  authorization: string | undefined,
  endpoint: Endpoint | null,
  deps: Pick<GatewayDeps, 'keys'>,
  keyless: KeyPrincipal | null = null,
): Promise<void> {
  try {
    request.outcome.principal = authorization === undefined && keyless !== null ? keyless : await deps.keys.authenticate(authorization);
  } catch (error) {
    if (error instanceof FlambeauError && error.code === 'unauthenticated') {
      const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
      request.outcome.claimedKeyId = token === undefined ? null : keyIdOf(token);
    }
    throw error;
  }
  if (endpoint !== null) checkScope(request.outcome.principal, { endpoint });
}
