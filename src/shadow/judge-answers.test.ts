import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeRequest, readVerdict } from './judge-answers.js';

describe('readVerdict', () => {
  const cases: [string, ReturnType<typeof readVerdict>][] = [
    ['PASS: both give the same city.', { verdict: 'pass', reason: 'both give the same city.' }],
    ['fail — answer A misses the second step', { verdict: 'fail', reason: 'answer A misses the second step' }],
    ['Verdict: PASS', { verdict: 'pass', reason: null }],
    ['I cannot tell.', { verdict: null, reason: null }],
    ['PASSING is not a verdict', { verdict: null, reason: null }],
  ];
  for (const [answer, expected] of cases) it(JSON.stringify(answer), () => assert.deepEqual(readVerdict(answer), expected));

  it('keeps at most 200 characters of the reason', () => {
    assert.equal(readVerdict(`FAIL ${'x'.repeat(500)}`).reason?.length, 200);
  });
});

describe('judgeRequest', () => {
  it('fences the question and both answers as data', () => {
    const request = judgeRequest('Q?', 'local answer', 'reference answer', 'judge');
    const user = request.messages[1]?.content as string;
    assert.match(user, /<request>\nQ\?\n<\/request>/);
    assert.match(user, /<answer_a>\nlocal answer\n<\/answer_a>/);
    assert.match(user, /<answer_b>\nreference answer\n<\/answer_b>/);
    assert.equal(request.temperature, 0);
  });
});
