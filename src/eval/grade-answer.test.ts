import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answer, EvalCase } from './eval-case.js';
import { gradeAnswer } from './grade-answer.js';
import { readJudgeReply } from './grade-judge.js';
import { answerNumber } from './grade-number.js';
import type { CallModel } from './model-call.js';
import { parseSuite } from './suite-parse.js';

/** A one-case suite read from a row, as a user writes it. */
function caseOf(row: Record<string, unknown>): EvalCase {
  return parseSuite(Buffer.from(JSON.stringify({ id: 'c', prompt: 'q', ...row })), 't.jsonl').cases[0] as EvalCase;
}
const text = (t: string): Answer => ({ text: t, toolCalls: [] });
const grade = async (row: Record<string, unknown>, answer: Answer) => gradeAnswer(caseOf(row), answer, null, 'rid');

describe('graders', () => {
  it('equals: whitespace and Unicode normalised, case kept unless ignore_case', async () => {
    assert.equal((await grade({ expect: { equals: 'Paris' } }, text('  Paris\n'))).pass, true);
    assert.equal((await grade({ expect: { equals: 'Paris' } }, text('paris'))).pass, false);
    assert.equal((await grade({ expect: { equals: 'Paris', ignore_case: true } }, text('PARIS'))).pass, true);
    assert.equal((await grade({ expect: { equals: 'café' } }, text('cafe\u0301'))).pass, true);
    const failed = await grade({ expect: { equals: 'secret-answer' } }, text('a wrong answer'));
    assert.ok(!failed.reason.includes('wrong') && !failed.reason.includes('secret'), 'a reason never quotes answer or expectation');
  });

  it('contains and not_contains: every listed text, none of them', async () => {
    assert.equal((await grade({ expect: { contains: ['Paris', 'France'] } }, text('Paris, en France.'))).pass, true);
    const miss = await grade({ expect: { contains: ['Paris', 'Lyon'] } }, text('Paris'));
    assert.deepEqual([miss.pass, miss.reason], [false, 'misses 1 of 2 expected text(s)']);
    assert.equal((await grade({ expect: { not_contains: 'PWNED' } }, text('I will not do that.'))).pass, true);
    assert.equal((await grade({ expect: { not_contains: 'pwned', ignore_case: true } }, text('PWNED'))).pass, false);
  });

  it('regex: flags apply; the match is anywhere unless anchored', async () => {
    assert.equal((await grade({ expect: { regex: '\\b\\d{4}-\\d{2}-\\d{2}\\b' } }, text('le 2026-03-14'))).pass, true);
    assert.equal((await grade({ expect: { regex: '^oui$', flags: 'i' } }, text('OUI'))).pass, true);
    assert.equal((await grade({ expect: { regex: '^oui$' } }, text('non'))).pass, false);
  });

  it('json_schema: the answer parses (bare, fenced or embedded) and validates', async () => {
    const schema = { type: 'object', required: ['name', 'age'], properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } } };
    assert.equal((await grade({ expect: { json_schema: schema } }, text('{"name":"Ada","age":36}'))).pass, true);
    assert.equal((await grade({ expect: { json_schema: schema } }, text('Voici :\n```json\n{"name":"Ada","age":36}\n```'))).pass, true);
    assert.equal((await grade({ expect: { json_schema: schema } }, text('Result: {"name":"Ada","age":36} done'))).pass, true);
    const wrong = await grade({ expect: { json_schema: schema } }, text('{"name":"Ada","age":-1}'));
    assert.equal(wrong.pass, false);
    assert.match(wrong.reason, /at 'age'/);
    assert.deepEqual(await grade({ expect: { json_schema: schema } }, text('no json here')), { pass: false, reason: 'no JSON in the answer' });
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    assert.equal((await grade({ expect: { json_schema: schema } }, text(deep))).pass, false, 'a deeply nested answer is refused, not a crash');
  });

  it('number: the whole answer or its last number, written as people write them, within the tolerance', async () => {
    const cases: [string, number | null][] = [
      ['155', 155],
      ['The journey takes 155 minutes.', 155],
      ['16:45 - 14:10 = 155', 155],
      ['3,5', 3.5],
      ['3.14', 3.14],
      ['1,500 euros', 1500],
      ['1 234,5', 1234.5],
      ['1.234.567', 1234567],
      ['1,234.5', 1234.5],
      ['−12', -12],
      ['2.5e3', 2500],
      ['aucun nombre', null],
    ];
    for (const [written, value] of cases) assert.equal(answerNumber(written), value, written);
    assert.equal((await grade({ expect: { number: 31 } }, text('Il lui reste 31 œufs.'))).pass, true);
    assert.equal((await grade({ expect: { number: 3.14159, tolerance: 0.01 } }, text('about 3.14'))).pass, true);
    assert.equal((await grade({ expect: { number: 100, tolerance: 1 } }, text('102'))).pass, false);
  });

  it('tool_call: the function by name, expected arguments present and equal (strings case-blind)', async () => {
    const tools = [{ type: 'function', function: { name: 'getWeather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const row = { tools, expect: { tool_call: { name: 'getWeather', arguments: { city: 'Lyon' } } } };
    const call = (name: string, args: string): Answer => ({ text: '', toolCalls: [{ name, arguments: args }] });
    assert.equal((await grade(row, call('getWeather', '{"city":"lyon ","unit":"C"}'))).pass, true);
    assert.equal((await grade(row, call('getWeather', '{"city":"Paris"}'))).reason, "called getWeather; argument(s) 'city' missing or different");
    assert.equal((await grade(row, call('getTime', '{}'))).pass, false);
    assert.equal((await grade(row, call('getWeather', 'not json'))).pass, false);
    assert.equal((await grade(row, text('It is sunny.'))).reason, 'no tool call');
    assert.equal((await grade({ tools, expect: { tool_call: { name: 'getWeather' } } }, call('getWeather', '{}'))).pass, true);
  });

  it('judge: asks the judge model through the call given, reads its verdict and keeps its reason', async () => {
    const seen: Record<string, unknown>[] = [];
    const judgeSays =
      (reply: string): CallModel =>
      async ({ body, requestId }) => {
        seen.push(body);
        return { ok: true, answer: text(reply), inputTokens: 10, outputTokens: 5, latencyMs: 1, requestId };
      };
    const c = caseOf({ prompt: 'Summarise: the cat sat.', expect: { judge: 'One sentence about a cat.' } });
    const signal = new AbortController().signal;
    const verdict = await gradeAnswer(
      c,
      text('A cat sat.'),
      { model: 'judge-m', call: judgeSays('{"pass": true, "reason": "one sentence, about the cat"}'), signal },
      'r-j',
    );
    assert.deepEqual(verdict, { pass: true, reason: 'judge: one sentence, about the cat', judgeRequestId: 'r-j' });
    const sent = JSON.stringify(seen[0]);
    assert.ok(sent.includes('One sentence about a cat.') && sent.includes('A cat sat.') && sent.includes('the cat sat'));
    const unreadable = await gradeAnswer(c, text('x'), { model: 'judge-m', call: judgeSays('Bonjour from flambeau.'), signal }, 'r-j');
    assert.deepEqual([unreadable.pass, unreadable.errorCode], [false, 'judge_unreadable']);
    const failing: CallModel = async ({ requestId }) => ({ ok: false, errorCode: 'policy_denied', status: 403, latencyMs: 1, requestId });
    const refused = await gradeAnswer(c, text('x'), { model: 'judge-m', call: failing, signal }, 'r-j');
    assert.deepEqual([refused.pass, refused.errorCode], [false, 'judge_policy_denied']);
    assert.equal((await gradeAnswer(c, text('x'), null, 'r-j')).errorCode, 'judge_missing');
  });

  it('reads judge replies in JSON or as a leading PASS/FAIL word', () => {
    assert.deepEqual(readJudgeReply('Sure: {"pass": false, "reason": "too long"}'), { pass: false, reason: 'too long' });
    assert.deepEqual(readJudgeReply('{"pass": "true"}'), { pass: true, reason: '' });
    assert.deepEqual(readJudgeReply('PASS - meets all criteria'), { pass: true, reason: '- meets all criteria' });
    assert.equal(readJudgeReply('I think it is fine'), null);
  });
});
