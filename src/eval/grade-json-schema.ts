import type { Answer, Expectation, Verdict } from './eval-case.js';
import { nestsDeeperThan } from './json-nesting.js';

const MAX_DEPTH = 64;

/**
 * The JSON an answer holds: the whole text, else inside a ``` fence, else from its first `{` or
 * `[` to the matching last `}` or `]`. Undefined when none of these parses.
 */
export function answerJson(text: string): unknown {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/i.exec(text);
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim());
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const from = text.indexOf(open);
    const to = text.lastIndexOf(close);
    if (from !== -1 && to > from) candidates.push(text.slice(from, to + 1));
  }
  for (const candidate of candidates) {
    if (candidate === '' || nestsDeeperThan(Buffer.from(candidate), MAX_DEPTH)) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // next candidate
    }
  }
  return undefined;
}

export function gradeJsonSchema(answer: Answer, expect: Extract<Expectation, { kind: 'json_schema' }>): Verdict {
  const value = answerJson(answer.text);
  if (value === undefined) return { pass: false, reason: 'no JSON in the answer' };
  const checked = expect.validator.safeParse(value);
  if (checked.success) return { pass: true, reason: 'valid JSON that matches the schema' };
  const issue = checked.error.issues[0];
  const at = issue === undefined || issue.path.length === 0 ? '' : ` at '${issue.path.map(String).join('.').slice(0, 100)}'`;
  return { pass: false, reason: `JSON that does not match the schema${at}: ${(issue?.message ?? 'invalid').slice(0, 160)}` };
}
