import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlambeauError } from '../errors/index.js';
import { readSuiteSource } from './builtin-suites.js';
import { parseSuite, SUITE_LIMITS } from './suite-parse.js';

const lines = (...rows: unknown[]) => Buffer.from(rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'));

function problemsOf(bytes: Buffer): string[] {
  try {
    parseSuite(bytes, 's.jsonl');
  } catch (error) {
    assert.ok(error instanceof FlambeauError);
    assert.equal(error.code, 'invalid_request');
    return (error.details as { problems?: string[] }).problems ?? [error.message];
  }
  assert.fail('expected the suite to be refused');
}

describe('suite files', () => {
  it('reads prompt and messages rows, skips blank and // lines, numbers unnamed cases', () => {
    const suite = parseSuite(
      lines({ id: 'a', prompt: 'Capital of France?', system: 'Be brief.', expect: { contains: 'Paris' }, tags: ['geo', 'en'] }, '', '// a comment', {
        messages: [{ role: 'user', content: 'Combien ?' }],
        expect: { number: 3 },
        max_tokens: 20,
      }),
      's.jsonl',
    );
    assert.equal(suite.cases.length, 2);
    assert.deepEqual(suite.cases[0]?.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of France?' },
    ]);
    assert.deepEqual([suite.cases[0]?.tags, suite.cases[1]?.id, suite.cases[1]?.line, suite.cases[1]?.maxTokens], [['geo', 'en'], 'case-2', 4, 20]);
    assert.match(suite.sha256, /^[0-9a-f]{64}$/);
  });

  it('names the line and the field of each problem, all of them at once', () => {
    const problems = problemsOf(
      lines(
        { id: 'ok', prompt: 'x', expect: { equals: 'y' } },
        '{"id": "broken", ',
        { id: 'two', prompt: 'x', expect: { equals: 'y', contains: 'z' } },
        { id: 'none', prompt: 'x', expect: {} },
        { id: 'typo', promt: 'x', expect: { equals: 'y' } },
        { id: 'both', prompt: 'x', messages: [{ role: 'user', content: 'x' }], expect: { equals: 'y' } },
        { id: 'ok', prompt: 'x', expect: { equals: 'y' } },
        { id: 'mod', prompt: 'x', expect: { equals: 'y', tolerance: 1 } },
        { id: 'num', prompt: 'x', expect: { number: 'ten' } },
        { id: 'tool', prompt: 'x', expect: { tool_call: { name: 'f' } } },
        { id: 'role', messages: [{ role: 'wizard', content: 'x' }], expect: { equals: 'y' } },
        { id: 'noexp', prompt: 'x' },
        [1, 2],
      ),
    );
    assert.match(problems.shift() as string, /^s\.jsonl:2: is not JSON \(/);
    assert.deepEqual(problems, [
      "s.jsonl:3: 'expect' names equals and contains: give one grader per case",
      "s.jsonl:4: 'expect' needs one grader among equals, contains, not_contains, regex, json_schema, number, tool_call, judge",
      "s.jsonl:5: 'promt' is not a field of a suite row (id, prompt, system, messages, tools, max_tokens, expect, tags)",
      "s.jsonl:6: 'prompt' give either 'prompt' or 'messages'",
      "s.jsonl:7: 'id' 'ok' is used twice; ids must be unique",
      "s.jsonl:8: 'expect.tolerance' is not a field of the equals grader",
      "s.jsonl:9: 'expect.number' Invalid input: expected number, received string",
      "s.jsonl:10: 'tools' is required by the tool_call grader: offer the function to call",
      's.jsonl:11: \'messages.0.role\' Invalid option: expected one of "system"|"developer"|"user"|"assistant"|"tool"',
      "s.jsonl:12: 'expect' is required",
      's.jsonl:13: must be a JSON object',
    ]);
  });

  it('refuses bad and catastrophic regexes, in expect and inside a JSON schema', () => {
    const problems = problemsOf(
      lines(
        { id: 'bad', prompt: 'x', expect: { regex: '(' } },
        { id: 'slow', prompt: 'x', expect: { regex: '(a+)+$' } },
        { id: 'flags', prompt: 'x', expect: { regex: 'a', flags: 'g' } },
        { id: 'schema', prompt: 'x', expect: { json_schema: { type: 'string', pattern: '^(\\w+\\s?)+:$' } } },
        { id: 'unsupported', prompt: 'x', expect: { json_schema: { if: {}, then: {} } } },
      ),
    );
    assert.equal(problems.length, 5);
    assert.match(problems[0] as string, /^s\.jsonl:1: 'expect\.regex' is not a valid regular expression/);
    assert.match(problems[1] as string, /^s\.jsonl:2: 'expect\.regex' takes over \d+ ms/);
    assert.match(problems[2] as string, /^s\.jsonl:3: 'expect\.flags' use letters among i, m, s, u/);
    assert.match(problems[3] as string, /^s\.jsonl:4: 'expect\.json_schema\.pattern' takes over/);
    assert.match(problems[4] as string, /^s\.jsonl:5: 'expect\.json_schema' cannot be used: Conditional schemas/);
  });

  it('survives hostile input: huge lines, deep nesting, binary, too many problems', () => {
    const huge = Buffer.concat([Buffer.from('{"id":"h","prompt":"'), Buffer.alloc(SUITE_LIMITS.lineBytes, 0x61), Buffer.from('","expect":{"equals":"a"}}')]);
    assert.match(problemsOf(huge)[0] as string, /^s\.jsonl:1: the line is over 1024 KiB/);
    const deep = `{"id":"d","prompt":"x","expect":{"json_schema":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    assert.match(problemsOf(Buffer.from(deep))[0] as string, /nests deeper than 64 levels/);
    assert.match(problemsOf(Buffer.from([0xff, 0xfe, 0x00, 0x01]))[0] as string, /is not JSON/);
    assert.equal(problemsOf(Buffer.from('nope\n'.repeat(1000))).length, SUITE_LIMITS.problems);
    assert.throws(() => parseSuite(Buffer.from('\n\n'), 'e.jsonl'), /no case/);
  });

  it('ships a built-in smoke suite that parses, in French and English, with every kind of case', async () => {
    const { name, bytes } = await readSuiteSource('builtin:smoke');
    const suite = parseSuite(bytes, name);
    const tags = new Set(suite.cases.flatMap((c) => c.tags));
    for (const tag of ['en', 'fr', 'extraction', 'reasoning', 'summary', 'tools', 'injection']) assert.ok(tags.has(tag), tag);
    assert.ok(suite.cases.some((c) => c.expect.kind === 'tool_call') && suite.cases.some((c) => c.expect.kind === 'judge'));
    await assert.rejects(readSuiteSource('builtin:nope'), /No built-in suite 'nope'/);
    await assert.rejects(readSuiteSource('/no/such/suite.jsonl'), /Cannot read the suite \/no\/such\/suite\.jsonl: ENOENT/);
  });
});
