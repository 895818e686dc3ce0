import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBucket } from './address-bucket.js';

describe('addressBucket', () => {
  it('an IPv6 address counts as its /64, whatever its spelling', () => {
    const cases: [string, string][] = [
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['2001:0db8:0:0::2', '2001:db8:0:0::/64'],
      ['2001:0DB8:0000:0000:ffff:ffff:ffff:ffff', '2001:db8:0:0::/64'],
      ['2001:db8:0:1::1', '2001:db8:0:1::/64'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1:2::/64'],
      ['::1', '0:0:0:0::/64'],
      ['::', '0:0:0:0::/64'],
      ['1::', '1:0:0:0::/64'],
    ];
    for (const [address, bucket] of cases) assert.equal(addressBucket(address), bucket, address);
  });

  it('a zone id is dropped: fe80::1%eth0 is fe80::/64', () => {
    assert.equal(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressBucket('fe80::2%25wlan0'), 'fe80:0:0:0::/64');
  });

  it('IPv4, and IPv4 mapped into IPv6 in any spelling, count as the IPv4 address', () => {
    for (const address of ['192.0.2.1', '::ffff:192.0.2.1', '::FFFF:192.0.2.1', '0:0:0:0:0:ffff:192.0.2.1', '::ffff:c000:201'])
      assert.equal(addressBucket(address), '192.0.2.1', address);
    assert.equal(addressBucket('192.0.2.2'), '192.0.2.2');
  });

  it('what is not an IP address stays as given', () => {
    for (const text of ['unknown', '', 'example.org', '2001:db8::1%', '[::1]']) assert.equal(addressBucket(text), text);
  });
});
