import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestsDeeperThan } from './json-depth.js';

const deeper = (text: string, max: number): boolean => nestsDeeperThan(Buffer.from(text, 'utf8'), max);

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, the outermost value as level 1', () => {
    assert.equal(deeper('{}', 1), false);
    assert.equal(deeper('{"a":[]}', 1), true);
    assert.equal(deeper('{"a":[]}', 2), false);
    assert.equal(deeper('[[],[],{"b":{}}]', 2), true);
    assert.equal(deeper('[[],[],{"b":{}}]', 3), false);
    assert.equal(deeper('[[],[],{"b":{"c":[]}}]', 3), true);
    assert.equal(deeper('1', 0), false);
  });

  it('skips brackets inside strings, escaped quotes and backslashes included', () => {
    assert.equal(deeper('{"a":"[[[[{{{{"}', 1), false);
    assert.equal(deeper('{"a":"\\"[[[["}', 1), false, 'an escaped quote does not end the string');
    assert.equal(deeper('{"a":"\\\\","b":[[]]}', 2), true, 'an escaped backslash does: the brackets after it count');
    assert.equal(deeper('{"a\\\\\\"[[":1}', 1), false, 'three backslashes: the quote is escaped');
    assert.equal(deeper('{"é[ü":"日本[[["}', 1), false, 'multi-byte text around brackets');
  });

  it('says nothing useful about invalid JSON, and does not throw on it', () => {
    assert.equal(deeper('{"a":"unterminated [[[[', 1), false);
    assert.equal(deeper(']]]]', 1), false);
    assert.equal(deeper('', 1), false);
  });
});
