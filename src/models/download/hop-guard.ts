import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { FlambeauError } from '../../errors/index.js';
import { withoutSecrets } from './without-secrets.js';
import { classifyAddress, refusalOf, type AddressPolicy } from './address-policy.js';

/** Every address a host name resolves to (as `dns.lookup(name, { all: true })`); injectable for tests. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const resolveWithDns: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

/**
 * Decides, for each URL a download visits, whether it may be requested and how. The source (the hub
 * or URL the user configured) is requested as configured and is the only origin that gets the
 * source's headers (a hub token). Any other origin (a CDN, wherever a redirect points) must be
 * http(s) and is reached through an agent that checks the address actually connected to against
 * the address policy, so a name that resolves (or re-resolves: DNS rebinding) to the metadata
 * service or to this machine is refused at connection time, not only when first seen.
 */
export interface HopGuard {
  /** scheme://host:port of the source. */
  readonly sourceOrigin: string;
  /** Throws `upstream_failed` for a refused URL; otherwise how to request it. */
  route(url: URL): Promise<HopRoute>;
  /** Closes the connections opened to other origins. */
  close(): Promise<void>;
}

export interface HopRoute {
  /** undefined for the source (the default dispatcher); the checking agent for any other origin. */
  dispatcher: Dispatcher | undefined;
  /** True for the source's own origin: the only one that gets the source's headers. */
  isSource: boolean;
}

export function createHopGuard(source: string, resolveHost: ResolveHost = resolveWithDns): HopGuard {
  const sourceUrl = URL.canParse(source) ? new URL(source) : null;
  if (sourceUrl === null || (sourceUrl.protocol !== 'http:' && sourceUrl.protocol !== 'https:')) {
    throw new FlambeauError('invalid_request', `the model source ${source} is not an http(s) URL (check HF_ENDPOINT / FLAMBEAU_OLLAMA_REGISTRY).`, {
      details: { source },
    });
  }
  let policy: Promise<AddressPolicy> | undefined;
  let agent: Promise<Agent> | undefined;
  // Lazily: a pull that never leaves its source needs no lookup of it.
  const policyOnce = () => (policy ??= sourceIsLoopback(sourceUrl, resolveHost).then((allowLoopback) => ({ allowLoopback })));
  return {
    sourceOrigin: sourceUrl.origin,
    async route(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(url.href, `it is a ${url.protocol} URL, and only http and https are followed`);
      if (url.origin === sourceUrl.origin) return { dispatcher: undefined, isSource: true };
      const rules = await policyOnce();
      // An IP literal is connected to without a lookup: check it here, before any packet leaves.
      const literal = hostOf(url);
      const reason = isIP(literal) === 0 ? null : refusalOf(literal, rules);
      if (reason !== null) throw refused(url.href, `${literal} is ${reason}`);
      agent ??= Promise.resolve(createGuardedAgent(rules, resolveHost));
      return { dispatcher: await agent, isSource: false };
    },
    async close() {
      if (agent !== undefined) await (await agent).close();
    },
  };
}

/**
 * An undici agent whose connections pass the address policy: its DNS lookup refuses a name with any
 * refused address among its answers (so nothing is connected), and each new socket's peer address
 * is checked again before a byte of the request is written (IP literals skip the lookup).
 */
export function createGuardedAgent(policy: AddressPolicy, resolveHost: ResolveHost): Agent {
  const lookup: LookupFunction = (hostname, options, callback) => {
    const answer = (error: Error | null, addresses: { address: string; family: number }[]) => {
      const first = addresses[0];
      if (error !== null || first === undefined) return callback((error ?? notFound(hostname)) as NodeJS.ErrnoException, '', 0);
      if (options.all === true) callback(null, addresses);
      else callback(null, first.address, first.family);
    };
    resolveHost(hostname).then(
      (all) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const usable = family === 0 ? all : all.filter((a) => a.family === family);
        for (const { address } of usable) {
          const reason = refusalOf(address, policy);
          if (reason !== null) return answer(refused(hostname, `${hostname} resolves to ${address}, ${reason}`), []);
        }
        answer(null, usable);
      },
      (error: Error) => answer(error, []),
    );
  };
  const base = buildConnector({ lookup });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (...args) => {
      const [error, socket] = args;
      if (error !== null) return callback(error, null);
      const peer = socket.remoteAddress ?? '';
      const reason = peer === '' ? 'not connected' : refusalOf(peer, policy);
      if (reason === null) return callback(null, socket);
      socket.destroy();
      callback(refused(options.hostname, `${options.hostname} connected to ${peer}, ${reason}`), null);
    });
  };
  return new Agent({ connect });
}

async function sourceIsLoopback(source: URL, resolveHost: ResolveHost): Promise<boolean> {
  const host = hostOf(source);
  // A source whose name does not resolve here is not on loopback: the stricter reading.
  const addresses =
    isIP(host) !== 0
      ? [host]
      : await resolveHost(host).then(
          (all) => all.map((a) => a.address),
          () => [],
        );
  return addresses.length > 0 && addresses.every((address) => classifyAddress(address) === 'loopback');
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function notFound(hostname: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}

function refused(target: string, why: string): FlambeauError {
  // A redirect's URL may carry a signed query: named without it.
  const shown = withoutSecrets(target);
  return new FlambeauError(
    'upstream_failed',
    `refused to download from ${shown}: ${why}. A hub's redirects may not lead to link-local, metadata or unspecified addresses, nor to loopback unless the hub itself is on loopback.`,
    { details: { refused: shown } },
  );
}
