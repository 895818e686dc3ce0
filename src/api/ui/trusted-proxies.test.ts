import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_TRUSTED_PROXY, normalizeAddress, stripPort, trustedProxies } from './trusted-proxies.js';

describe('trusted proxies (ui.trust_proxy)', () => {
  const loopback = trustedProxies(['127.0.0.0/8', '::1']);
  const chain = trustedProxies(['10.0.0.0/8', '192.0.2.10', 'fd00::/8']);

  it('ignores forwarded headers from a peer that is not a listed proxy', () => {
    assert.equal(loopback.clientAddress('203.0.113.5', '198.51.100.1'), '203.0.113.5');
    assert.equal(loopback.forwardedProto('203.0.113.5', 'https'), undefined);
    assert.equal(NO_TRUSTED_PROXY.clientAddress('127.0.0.1', '198.51.100.1'), '127.0.0.1', 'false trusts nobody, loopback included');
    assert.equal(NO_TRUSTED_PROXY.forwardedProto('127.0.0.1', 'https'), undefined);
    assert.equal(chain.clientAddress('10.0.0.2', '198.51.100.1'), '198.51.100.1');
    assert.equal(chain.clientAddress('10.0.0.2', undefined), '10.0.0.2', 'no header: the socket');
  });

  it('honours a loopback proxy, in every spelling a socket reports', () => {
    assert.equal(loopback.clientAddress('127.0.0.1', '198.51.100.1'), '198.51.100.1');
    assert.equal(loopback.clientAddress('::ffff:127.0.0.1', '198.51.100.1'), '198.51.100.1');
    assert.equal(loopback.clientAddress('::1', '198.51.100.1'), '198.51.100.1');
    assert.equal(loopback.forwardedProto('::ffff:127.0.0.1', 'http, HTTPS'), 'https', 'the last entry, lower-cased');
  });

  it('takes the right-most entry that is not a trusted proxy', () => {
    assert.equal(chain.clientAddress('10.0.0.2', '203.0.113.66, 198.51.100.1, 10.1.1.1, 192.0.2.10'), '198.51.100.1');
    assert.equal(chain.clientAddress('10.0.0.2', ['203.0.113.66, 198.51.100.1', '10.1.1.1']), '198.51.100.1', 'repeated headers are one list');
    assert.equal(chain.clientAddress('10.0.0.2', '10.1.1.1, 10.2.2.2'), '10.1.1.1', 'all proxies: the farthest one');
    assert.equal(chain.clientAddress('10.0.0.2', '198.51.100.1, fd00::5'), '198.51.100.1');
    assert.equal(chain.clientAddress('10.0.0.2', '198.51.100.1, 192.0.2.11'), '192.0.2.11', 'a single address trusts only itself');
  });

  it('strips a port from a.b.c.d:port and [v6]:port, and reads bracketed IPv6', () => {
    assert.equal(loopback.clientAddress('127.0.0.1', '198.51.100.1:51234'), '198.51.100.1');
    assert.equal(loopback.clientAddress('127.0.0.1', '[2001:DB8::1]:443'), '2001:db8::1');
    assert.equal(loopback.clientAddress('127.0.0.1', '[2001:db8::1]'), '2001:db8::1');
    assert.equal(loopback.clientAddress('127.0.0.1', '2001:db8::1'), '2001:db8::1', 'bare IPv6 is not mistaken for a port');
    assert.equal(loopback.clientAddress('127.0.0.1', '::ffff:198.51.100.1'), '198.51.100.1', 'IPv4-mapped IPv6 is the IPv4 address');
    assert.equal(stripPort('198.51.100.1:80'), '198.51.100.1');
    assert.equal(stripPort('198.51.100.1:65536'), '198.51.100.1:65536', 'not a port: left for isIP to refuse');
    assert.equal(stripPort('2001:db8::1:80'), '2001:db8::1:80', 'unbracketed IPv6 keeps its last group');
  });

  it('an entry that is not an IP address gives the socket address', () => {
    for (const junk of ['unknown', '', 'example.com', '198.51.100.1:99999', '[2001:db8::1', '1.2.3.4/8', 'x'.repeat(16_000), '198.51.100.1:80:80'])
      assert.equal(loopback.clientAddress('127.0.0.1', `203.0.113.9, ${junk}`), '127.0.0.1', JSON.stringify(junk.slice(0, 20)));
    assert.equal(loopback.clientAddress('::ffff:127.0.0.1', 'junk'), '127.0.0.1', 'the socket address, normalised');
  });

  it('normalises addresses to one key each', () => {
    assert.equal(normalizeAddress('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('0:0:0:0:0:ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('2001:DB8::A'), '2001:db8::a');
    assert.equal(normalizeAddress('10.0.0.1'), '10.0.0.1');
    assert.equal(normalizeAddress('nope'), null);
  });

  it('refuses an entry that is neither an address nor a CIDR block', () => {
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'proxy.local', '10.0.0.0/8/1', '10.0.0.0/x', ''])
      assert.throws(() => trustedProxies([bad]), /not an IP address or CIDR block/, bad);
  });
});
