import type { Answer, Expectation, Verdict } from './eval-case.js';

/** Strings compare trimmed and case-blind ("paris " is "Paris"); numbers, booleans and structures exactly. */
function same(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string' && typeof actual === 'string') return expected.trim().toLocaleLowerCase() === actual.trim().toLocaleLowerCase();
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => same(e, actual[i]));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && same(v, (actual as Record<string, unknown>)[k]));
  }
  return Object.is(expected, actual);
}

function parsedArguments(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text === '' ? '{}' : text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Passes when one of the answer's tool calls names the expected function and carries every
 * expected argument (others may be there too: a model that adds an optional `unit` still passes).
 */
export function gradeToolCall(answer: Answer, expect: Extract<Expectation, { kind: 'tool_call' }>): Verdict {
  if (answer.toolCalls.length === 0) return { pass: false, reason: 'no tool call' };
  const named = answer.toolCalls.filter((call) => call.name === expect.name);
  if (named.length === 0) return { pass: false, reason: `called ${answer.toolCalls.length} other function(s), not ${expect.name}` };
  if (expect.arguments === null) return { pass: true, reason: `called ${expect.name}` };
  const wanted = Object.keys(expect.arguments);
  let bestWrong: string[] | null = null;
  for (const call of named) {
    const args = parsedArguments(call.arguments);
    if (args === null) {
      bestWrong ??= ['(arguments are not a JSON object)'];
      continue;
    }
    const wrong = wanted.filter((key) => !Object.hasOwn(args, key) || !same(expect.arguments?.[key], args[key]));
    if (wrong.length === 0) return { pass: true, reason: `called ${expect.name} with the expected arguments` };
    if (bestWrong === null || wrong.length < bestWrong.length) bestWrong = wrong.map((k) => `'${k.slice(0, 64)}'`);
  }
  return { pass: false, reason: `called ${expect.name}; argument(s) ${(bestWrong ?? []).join(', ')} missing or different` };
}
