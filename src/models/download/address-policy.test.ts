import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAddress, refusalOf, type AddressKind } from './address-policy.js';

describe('the address policy of download redirects', () => {
  const cases: [string, AddressKind][] = [
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['[febf:ffff::1]', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['::169.254.169.254', 'link-local'],
    ['100.100.100.200', 'cloud-metadata'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['10.0.0.5', 'other'],
    ['192.168.1.20', 'other'],
    ['172.16.0.1', 'other'],
    ['8.8.8.8', 'other'],
    ['169.253.255.255', 'other'],
    ['fec0::1', 'other'],
    ['fd12:3456::1', 'other'],
    ['2001:db8::1', 'other'],
    ['::ffff:8.8.8.8', 'other'],
    ['cdn-lfs.hf.co', 'other'],
    ['', 'other'],
  ];
  for (const [address, kind] of cases) {
    it(`${address || '(empty)'} is ${kind}`, () => assert.equal(classifyAddress(address), kind));
  }

  it('refuses link-local, metadata and unspecified addresses always, loopback unless the source is on loopback', () => {
    for (const allowLoopback of [false, true]) {
      for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fe80::1', 'fd00:ec2::254', '0.0.0.0', '::']) {
        assert.notEqual(refusalOf(address, { allowLoopback }), null, `${address} with allowLoopback ${allowLoopback}`);
      }
      for (const address of ['10.0.0.5', '2001:db8::1', '93.184.215.14']) assert.equal(refusalOf(address, { allowLoopback }), null, address);
    }
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      assert.match(refusalOf(address, { allowLoopback: false }) ?? '', /loopback/);
      assert.equal(refusalOf(address, { allowLoopback: true }), null);
    }
  });
});
