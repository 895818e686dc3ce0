import { z } from 'zod';
import { catastrophicBacktracking } from '../config/sections/custom-regex-probe.js';
import { GRADER_KINDS, type Expectation, type GraderKind } from './eval-case.js';

/** A problem with one field of a suite row: `field` is a dotted path such as `expect.regex`. */
export class RowProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RowProblem';
  }
}

const MAX_PATTERN_CHARS = 1_000;
const MAX_TEXT_CHARS = 10_000;
const text = z.string().min(1).max(MAX_TEXT_CHARS);
const texts = z.union([text, z.array(text).min(1).max(50)]);
const ignoreCase = z.boolean().optional();

/** Each grader's own fields: the grader's key plus the modifiers it understands, nothing else. */
const SHAPES = {
  equals: z.strictObject({ equals: text, ignore_case: ignoreCase }),
  contains: z.strictObject({ contains: texts, ignore_case: ignoreCase }),
  not_contains: z.strictObject({ not_contains: texts, ignore_case: ignoreCase }),
  regex: z.strictObject({
    regex: z.string().min(1).max(MAX_PATTERN_CHARS),
    flags: z
      .string()
      .regex(/^[imsu]{0,4}$/, 'use letters among i, m, s, u')
      .optional(),
  }),
  json_schema: z.strictObject({ json_schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]) }),
  number: z.strictObject({ number: z.number().finite(), tolerance: z.number().finite().nonnegative().optional() }),
  tool_call: z.strictObject({
    tool_call: z.strictObject({ name: z.string().min(1).max(200), arguments: z.record(z.string(), z.unknown()).optional() }),
  }),
  judge: z.strictObject({ judge: z.string().trim().min(1).max(MAX_TEXT_CHARS) }),
} as const satisfies Record<GraderKind, z.ZodType>;

/**
 * Reads a row's `expect` object: exactly one grader key, its modifiers, checked and compiled now
 * (a bad regex, a pattern that backtracks catastrophically or a schema zod cannot convert is a
 * suite error naming the field, never a crash halfway through a run).
 */
export function parseExpectation(raw: unknown, probed: Map<string, string | null> = new Map()): Expectation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RowProblem('expect', 'must be an object such as {"contains": "Paris"}');
  const kinds = GRADER_KINDS.filter((kind) => Object.hasOwn(raw, kind));
  if (kinds.length !== 1) {
    throw new RowProblem(
      'expect',
      kinds.length === 0 ? `needs one grader among ${GRADER_KINDS.join(', ')}` : `names ${kinds.join(' and ')}: give one grader per case`,
    );
  }
  const kind = kinds[0] as GraderKind;
  const parsed = SHAPES[kind].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    throw new RowProblem(
      `expect${unknownKey !== undefined ? `.${unknownKey}` : path === '' ? '' : `.${path}`}`,
      unknownKey !== undefined ? `is not a field of the ${kind} grader` : (issue?.message ?? 'is invalid'),
    );
  }
  return build(kind, parsed.data as Record<string, unknown>, probed);
}

function build(kind: GraderKind, v: Record<string, unknown>, probed: Map<string, string | null>): Expectation {
  const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : [value as string]);
  switch (kind) {
    case 'equals':
      return { kind, value: v.equals as string, ignoreCase: v.ignore_case === true };
    case 'contains':
      return { kind, values: list(v.contains), ignoreCase: v.ignore_case === true };
    case 'not_contains':
      return { kind, values: list(v.not_contains), ignoreCase: v.ignore_case === true };
    case 'regex':
      return {
        kind,
        pattern: v.regex as string,
        flags: (v.flags as string | undefined) ?? '',
        regex: safeRegex(v.regex as string, (v.flags as string | undefined) ?? '', 'expect.regex', probed),
      };
    case 'json_schema':
      return { kind, validator: schemaValidator(v.json_schema as Record<string, unknown> | boolean, probed) };
    case 'number':
      return { kind, value: v.number as number, tolerance: (v.tolerance as number | undefined) ?? 0 };
    case 'tool_call': {
      const call = v.tool_call as { name: string; arguments?: Record<string, unknown> };
      return { kind, name: call.name, arguments: call.arguments ?? null };
    }
    case 'judge':
      return { kind, criteria: v.judge as string };
  }
}

/**
 * Compiles a pattern from a suite and refuses one that backtracks catastrophically (the config's
 * own probe, a few ms each; `probed` remembers verdicts so a suite repeating a pattern pays once).
 */
function safeRegex(pattern: string, flags: string, field: string, probed: Map<string, string | null>): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    throw new RowProblem(field, `is not a valid regular expression (${(error as Error).message.slice(0, 200)})`);
  }
  const key = `${flags}/${pattern}`;
  const slow = probed.has(key) ? (probed.get(key) as string | null) : catastrophicBacktracking(pattern, flags);
  probed.set(key, slow);
  if (slow !== null) throw new RowProblem(field, slow);
  return regex;
}

/** The schema's own regexes (`pattern`, `patternProperties`) are probed like `regex` before zod compiles them. */
function schemaValidator(schema: Record<string, unknown> | boolean, probed: Map<string, string | null>): z.ZodType {
  probeSchemaPatterns(schema, 'expect.json_schema', probed);
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new RowProblem('expect.json_schema', `cannot be used: ${(error as Error).message.slice(0, 200)}`);
  }
}

function probeSchemaPatterns(node: unknown, path: string, probed: Map<string, string | null>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => probeSchemaPatterns(item, `${path}.${i}`, probed));
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') safeRegex(value, '', `${path}.pattern`, probed);
    if (key === 'patternProperties' && value !== null && typeof value === 'object') {
      for (const name of Object.keys(value)) safeRegex(name, '', `${path}.patternProperties`, probed);
    }
    probeSchemaPatterns(value, `${path}.${key}`, probed);
  }
}
