import { isIPv6 } from 'node:net';
import type { Detector, Span } from '../pii-types.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Not inside a longer dotted number (version strings like 1.2.3.4.5) nor glued to a word or "v". */
const IPV4 = new RegExp(`(?<![\\w.]|\\d\\.)${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d|\\w)`, 'g');
/** Words that turn a dotted quad into a version number. */
const VERSION_CUE = /(?:\bv|version|release|build|\bver\.?)\s*$/i;

/**
 * "09 28.17.80.26", "05-35.65.16.79": four two-digit groups after a two-digit group and a space or
 * a dash are the end of a phone number written with mixed separators, not an address.
 */
const PHONE_TAIL = /^\d{2}\.\d{2}\.\d{2}\.\d{2}$/;
const PHONE_HEAD = /(?:^|[^\d.])\d{2}[ \u00a0-]$/;

/** IPv4 dotted quads and IPv6 addresses (validated by node:net). */
export const ipAddressDetector: Detector = {
  name: 'ip-address',
  type: 'IP_ADDRESS',
  // IPV4 holds four octets of a digit or more and three dots; ipv6Spans starts from a colon.
  mayMatch: (counts) => (counts.digits >= 4 && counts.dots >= 3) || counts.colons > 0,
  detect(text) {
    const spans: Span[] = [];
    IPV4.lastIndex = 0;
    for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
      const start = m.index;
      if (VERSION_CUE.test(text.slice(Math.max(0, start - 10), start))) continue;
      if (PHONE_TAIL.test(m[0]) && PHONE_HEAD.test(text.slice(Math.max(0, start - 4), start))) continue;
      spans.push({ type: 'IP_ADDRESS', start, end: start + m[0].length, detector: 'ip-address' });
    }
    spans.push(...ipv6Spans(text));
    return spans;
  },
};

function isIpv6Char(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46; // 0-9 : A-F a-f .
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * IPv6: from each colon, the run of hex digits, colons and dots around it; node:net decides.
 * Linear (each run is visited once). "::" or 7 colons keeps clock times (12:30:45) out, and a
 * digit is required: `a::b` in C++ or Rust paths is not an address.
 */
function ipv6Spans(text: string): Span[] {
  const spans: Span[] = [];
  let colon = text.indexOf(':');
  while (colon !== -1) {
    let start = colon;
    while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isIpv6Char(text.charCodeAt(end))) end++;
    while (end > colon + 1 && text.charCodeAt(end - 1) === 46) end--; // sentence dot
    const value = text.slice(start, end);
    const glued = isWordChar(text.charCodeAt(start - 1)) || isWordChar(text.charCodeAt(end));
    if (!glued && value.length >= 3 && /\d/.test(value) && (value.includes('::') || value.split(':').length === 8) && isIPv6(value)) {
      spans.push({ type: 'IP_ADDRESS', start, end, detector: 'ip-address' });
    }
    colon = text.indexOf(':', Math.max(end, colon + 1));
  }
  return spans;
}
