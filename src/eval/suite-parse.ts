import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FlambeauError } from '../errors/index.js';
import type { EvalCase } from './eval-case.js';
import { parseExpectation, RowProblem } from './expectation-parse.js';
import { nestsDeeperThan } from './json-nesting.js';

/** Bounds that keep a hostile or mistaken suite from exhausting memory or the stack. */
export const SUITE_LIMITS = {
  /** Bytes in the whole file. */
  fileBytes: 32 * 1024 * 1024,
  /** Bytes on one line (a long document to summarise fits). */
  lineBytes: 1024 * 1024,
  cases: 10_000,
  /** Nesting of arrays and objects in one row. */
  depth: 64,
  /** Problems reported before giving up. */
  problems: 20,
} as const;

/** A checked suite: its cases, and the sha256 of its bytes (compare says when two runs used different suites). */
export interface Suite {
  name: string;
  sha256: string;
  cases: EvalCase[];
}

const message = z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']) });
const row = z.strictObject({
  id: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'use 1-128 printable ASCII characters without spaces')
    .optional(),
  prompt: z.string().min(1).optional(),
  system: z.string().min(1).optional(),
  messages: z.array(message).min(1).max(500).optional(),
  tools: z
    .array(z.looseObject({ type: z.literal('function') }))
    .max(128)
    .optional(),
  max_tokens: z.number().int().positive().max(1_000_000).optional(),
  expect: z.unknown().optional(),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
});

/**
 * Reads a JSONL suite (one case per line; blank lines and lines starting with `//` skipped).
 * Every problem names the line and the field; the first `SUITE_LIMITS.problems` are reported
 * together as one `invalid_request` error, so a user fixes a file in one pass.
 */
export function parseSuite(bytes: Buffer, name: string): Suite {
  if (bytes.length > SUITE_LIMITS.fileBytes) {
    throw new FlambeauError('invalid_request', `${name}: the suite is over ${SUITE_LIMITS.fileBytes / 1024 / 1024} MiB; split it.`);
  }
  const problems: string[] = [];
  const cases: EvalCase[] = [];
  const seen = new Set<string>();
  const probed = new Map<string, string | null>();
  let start = 0;
  for (let line = 1; start <= bytes.length && problems.length < SUITE_LIMITS.problems; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const raw = bytes.subarray(start, end);
    start = end + 1;
    try {
      const parsed = parseLine(raw, line, cases.length, probed);
      if (parsed === null) continue;
      if (seen.has(parsed.id)) throw new RowProblem('id', `'${parsed.id}' is used twice; ids must be unique`);
      seen.add(parsed.id);
      if (cases.length >= SUITE_LIMITS.cases) throw new RowProblem('', `more than ${SUITE_LIMITS.cases} cases; split the suite`);
      cases.push(parsed);
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      problems.push(`${name}:${line}: ${error.field === '' ? '' : `'${error.field}' `}${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new FlambeauError('invalid_request', `the suite has problems:\n  ${problems.join('\n  ')}`, { details: { suite: name, problems } });
  }
  if (cases.length === 0) throw new FlambeauError('invalid_request', `${name}: the suite has no case.`);
  return { name, sha256: createHash('sha256').update(bytes).digest('hex'), cases };
}

function parseLine(raw: Buffer, line: number, index: number, probed: Map<string, string | null>): EvalCase | null {
  if (raw.length > SUITE_LIMITS.lineBytes) throw new RowProblem('', `the line is over ${SUITE_LIMITS.lineBytes / 1024} KiB`);
  const trimmed = raw.toString('utf8').trim();
  if (trimmed === '' || trimmed.startsWith('//')) return null;
  if (nestsDeeperThan(Buffer.from(trimmed), SUITE_LIMITS.depth)) throw new RowProblem('', `nests deeper than ${SUITE_LIMITS.depth} levels`);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new RowProblem('', `is not JSON (${(error as Error).message.slice(0, 120)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RowProblem('', 'must be a JSON object');
  const checked = row.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const field = unknownKey ?? issue?.path.map(String).join('.') ?? '';
    throw new RowProblem(
      field,
      unknownKey !== undefined
        ? 'is not a field of a suite row (id, prompt, system, messages, tools, max_tokens, expect, tags)'
        : (issue?.message ?? 'is invalid'),
    );
  }
  const r = checked.data;
  if ((r.prompt === undefined) === (r.messages === undefined)) throw new RowProblem('prompt', "give either 'prompt' or 'messages'");
  if (r.system !== undefined && r.messages !== undefined) throw new RowProblem('system', "goes with 'prompt'; put a system message in 'messages' instead");
  if (!Object.hasOwn(r, 'expect')) throw new RowProblem('expect', 'is required');
  const expect = parseExpectation(r.expect, probed);
  if (expect.kind === 'tool_call' && r.tools === undefined) throw new RowProblem('tools', 'is required by the tool_call grader: offer the function to call');
  const messages = r.messages ?? [...(r.system === undefined ? [] : [{ role: 'system', content: r.system }]), { role: 'user', content: r.prompt as string }];
  return {
    id: r.id ?? `case-${index + 1}`,
    line,
    messages: messages as Record<string, unknown>[],
    tools: (r.tools as Record<string, unknown>[] | undefined) ?? null,
    maxTokens: r.max_tokens ?? null,
    expect,
    tags: r.tags ?? [],
  };
}
