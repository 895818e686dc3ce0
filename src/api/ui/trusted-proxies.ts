import { BlockList, isIP } from 'node:net';

/**
 * The reverse proxies the dashboard believes (`ui.trust_proxy`, as the config's address list):
 * their `X-Forwarded-For` and `X-Forwarded-Proto` count only when the socket's peer is one of them.
 * Everyone else's forwarded headers are the caller's word and are never read.
 */
export interface TrustedProxies {
  /**
   * The address a request comes from: the socket's, or, when the socket is a trusted proxy, the
   * right-most `X-Forwarded-For` entry that is not itself a trusted proxy. An entry that is not an
   * IP address (with an optional `:port`) stops the walk: the socket's address is used.
   */
  clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined): string;
  /** `X-Forwarded-Proto`'s last entry (lower-cased) when the socket is a trusted proxy, else undefined. */
  forwardedProto(socketAddress: string | undefined, header: string | string[] | undefined): string | undefined;
}

/** No proxy is trusted: forwarded headers are never read (`ui.trust_proxy: false`). */
export const NO_TRUSTED_PROXY: TrustedProxies = trustedProxies([]);

/**
 * Builds the matcher from `ADDRESS` or `ADDRESS/PREFIX` entries (IPv4 or IPv6), as the config
 * checked them; throws on an entry that is neither.
 */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (family === 0 || rest.length > 0 || bits < 0 || bits > (family === 6 ? 128 : 32))
      throw new Error(`"${entry}" is not an IP address or CIDR block (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`);
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  const trusted = (address: string | null): boolean => address !== null && entries.length > 0 && list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  const joined = (header: string | string[] | undefined): string[] =>
    header === undefined ? [] : (Array.isArray(header) ? header.join(',') : header).split(',');

  return {
    clientAddress(socketAddress, forwardedFor) {
      const socket = normalizeAddress(socketAddress ?? '') ?? socketAddress ?? 'unknown';
      if (!trusted(normalizeAddress(socket))) return socket; // a stranger's forwarded headers are its own word
      let client = socket;
      const entries = joined(forwardedFor);
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = normalizeAddress(stripPort((entries[i] as string).trim()));
        if (entry === null) return socket;
        client = entry;
        if (!trusted(entry)) return entry;
      }
      // Every entry was a trusted proxy (or there was none): the farthest one is the client.
      return client;
    },
    forwardedProto(socketAddress, header) {
      if (!trusted(normalizeAddress(socketAddress ?? ''))) return undefined;
      const last = joined(header).at(-1)?.trim().toLowerCase();
      return last === '' ? undefined : last;
    },
  };
}

/** `a.b.c.d:port` → `a.b.c.d`, `[v6]:port` and `[v6]` → `v6`; anything else as given. */
export function stripPort(entry: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(entry);
  if (v4 !== null && Number(v4[2]) <= 65_535) return v4[1] as string;
  const v6 = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  return v6 !== null && Number(v6[2] ?? 0) <= 65_535 ? (v6[1] as string) : entry;
}

/** An IP address as one key: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, IPv6 lower-cased; null when not an IP address. */
export function normalizeAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const lower = address.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped !== null && isIP(mapped[1] as string) === 4) return mapped[1] as string;
  return lower;
}
