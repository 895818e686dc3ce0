import { isIP } from 'node:net';

/**
 * Which addresses a download may be redirected to. A hub or URL the user configured is trusted as
 * given; the places it redirects to are not: a hostile or compromised hub could send the download
 * (and whatever the server answers, into a model file and error messages) to the cloud metadata
 * service, to a service listening on this machine, or to a `file:` URL.
 *
 * - link-local (169.254.0.0/16, fe80::/10: the metadata service lives at 169.254.169.254) and the
 *   other cloud metadata addresses: always refused;
 * - unspecified (0.0.0.0/8, ::): always refused (connecting to 0.0.0.0 reaches this machine);
 * - loopback (127.0.0.0/8, ::1): refused unless the source itself is on loopback (a hub mirror
 *   on this machine, the tests' imitation hub);
 * - the same checks apply to IPv4 written as IPv6: mapped (::ffff:a.b.c.d), compatible
 *   (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d).
 * Private LAN ranges (10/8, 192.168/16, fc00::/7) stay allowed: a mirror on the site's network
 * is the usual way offline sites get models.
 */
export type AddressKind = 'loopback' | 'link-local' | 'cloud-metadata' | 'unspecified' | 'other';

export interface AddressPolicy {
  /** True when the source is on loopback: its redirects may stay on this machine. */
  allowLoopback: boolean;
}

/** Metadata services outside link-local: Alibaba Cloud's (100.100.100.200) and AWS's IPv6 one (fd00:ec2::254). */
const METADATA_V4 = ['100.100.100.200'];
const METADATA_V6 = ['fd00:ec2:0:0:0:0:0:254'];

/** Why `address` may not be connected to under `policy`, or null when it may. */
export function refusalOf(address: string, policy: AddressPolicy): string | null {
  const kind = classifyAddress(address);
  if (kind === 'other' || (kind === 'loopback' && policy.allowLoopback)) return null;
  return kind === 'loopback' ? 'a loopback address (the source is not on loopback)' : `a ${kind} address`;
}

/** The kind of an IP address literal (IPv4, or IPv6 with or without brackets and zone); 'other' for anything else. */
export function classifyAddress(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return classifyV4(bare.split('.').map(Number));
  if (version !== 6) return 'other';
  const words = parseV6(bare);
  if (words === null) return 'other';
  if (METADATA_V6.includes(words.map((w) => w.toString(16)).join(':'))) return 'cloud-metadata';
  const embedded = embeddedV4(words);
  if (embedded !== null) return classifyV4(embedded);
  if (words.every((w) => w === 0)) return 'unspecified';
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback';
  if (((words[0] ?? 0) & 0xffc0) === 0xfe80) return 'link-local';
  return 'other';
}

function classifyV4(bytes: number[]): AddressKind {
  const [a, b] = bytes;
  if (METADATA_V4.includes(bytes.join('.'))) return 'cloud-metadata';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0) return 'unspecified';
  return 'other';
}

/** The IPv4 address carried by a mapped (::ffff:0:0/96), compatible (::/96) or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedV4(words: number[]): number[] | null {
  const head = words.slice(0, 6);
  const mapped = head.slice(0, 5).every((w) => w === 0) && head[5] === 0xffff;
  // ::/96 minus :: and ::1, which are IPv6's own unspecified and loopback addresses.
  const compatible = head.every((w) => w === 0) && (words[6] ?? 0) !== 0;
  const nat64 = head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((w) => w === 0);
  if (!mapped && !compatible && !nat64) return null;
  const [hi = 0, lo = 0] = words.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
}

/** Eight 16-bit words of a valid IPv6 literal (checked by isIP first), with `::` and a dotted IPv4 tail expanded. */
function parseV6(text: string): number[] | null {
  let body = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = (dotted[1] as string).split('.').map(Number);
    body = `${body.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = body.split('::');
  const parts = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const head = parts(left);
  const tail = right === undefined ? [] : parts(right);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (right === undefined && missing !== 0)) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
