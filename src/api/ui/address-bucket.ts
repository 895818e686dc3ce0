import { isIP } from 'node:net';

/**
 * The key a per-address limiter counts a client under: an IPv4 address as itself (an
 * IPv4-mapped IPv6 address `::ffff:a.b.c.d`, in any spelling, as its IPv4 address), an IPv6
 * address as its /64 prefix (`2001:db8:0:0::/64`), with its zone id (`%eth0`) dropped. Anything
 * else (not an IP address) as given.
 *
 * Why /64: it is the smallest block an ISP or a cloud hands to one customer (RFC 6177; SLAAC
 * needs it), so one holder has 2^64 addresses to rotate through for free. Counting per address
 * would give each attempt a fresh budget; per /64 costs the holder of a larger block one budget
 * per /64, as an IPv4 holder pays per address.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const zone = address.indexOf('%');
  const groups = ipv6Groups((zone === -1 ? address : address.slice(0, zone)).toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address that `isIP` accepted (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const parts = (text: string): number[] => {
    if (text === '') return [];
    return text.split(':').flatMap((part) => {
      if (!part.includes('.')) return [parseInt(part, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const gap = address.indexOf('::');
  if (gap === -1) return parts(address);
  const head = parts(address.slice(0, gap));
  const tail = parts(address.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
