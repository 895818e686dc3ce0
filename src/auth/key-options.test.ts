import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { parseBudget, parseDuration, parseNameList, parseSince } from './key-options.js';

describe('key option text forms', () => {
  it('parses durations', () => {
    assert.equal(parseDuration('30d'), 30 * 86_400_000);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    for (const bad of ['', '30', 'd', '-1d', '0d', '3y'])
      assert.throws(
        () => parseDuration(bad, 'expires'),
        (e: unknown) => e instanceof FlambeauError && e.code === 'invalid_request' && e.param === 'expires',
        bad,
      );
  });

  it('parses budgets', () => {
    assert.deepEqual(parseBudget('25/month'), { usd: 25, period: 'month' });
    assert.deepEqual(parseBudget('$0.5/day'), { usd: 0.5, period: 'day' });
    assert.deepEqual(parseBudget('100/total'), { usd: 100, period: 'total' });
    assert.deepEqual(parseBudget('7'), { usd: 7, period: 'month' });
    for (const bad of ['25/year', 'abc', '/month', '-3/day']) assert.throws(() => parseBudget(bad), FlambeauError, bad);
  });

  it('parses name lists', () => {
    assert.deepEqual(parseNameList('a, b,,c'), ['a', 'b', 'c']);
    assert.deepEqual(parseNameList('*'), ['*']);
  });

  it('parses since as a date, an ISO time or a duration back from now', () => {
    const now = Date.UTC(2026, 10, 15, 12);
    assert.equal(parseSince('2026-11-01', now), Date.UTC(2026, 10, 1));
    assert.equal(parseSince('2026-11-01T10:00:00', now), Date.UTC(2026, 10, 1, 10));
    assert.equal(parseSince('2026-11-01T10:00:00+02:00', now), Date.UTC(2026, 10, 1, 8));
    assert.equal(parseSince('7d', now), now - 7 * 86_400_000);
    for (const bad of ['yesterday', '2026-13-45', '']) assert.throws(() => parseSince(bad, now), FlambeauError, bad);
  });
});
