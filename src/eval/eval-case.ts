import type { ZodType } from 'zod';

/**
 * The graders a suite row may name in `expect`, one constant for every list (parser, dispatch
 * table, docs). `not_contains` is the negative of `contains`: the smoke suite's refusal cases
 * check that an injected instruction was not obeyed.
 */
export const GRADER_KINDS = ['equals', 'contains', 'not_contains', 'regex', 'json_schema', 'number', 'tool_call', 'judge'] as const;
export type GraderKind = (typeof GRADER_KINDS)[number];

/** What one case expects of an answer, checked when the suite is read (a regex compiles, a schema converts). */
export type Expectation =
  | { kind: 'equals'; value: string; ignoreCase: boolean }
  | { kind: 'contains'; values: string[]; ignoreCase: boolean }
  | { kind: 'not_contains'; values: string[]; ignoreCase: boolean }
  | { kind: 'regex'; pattern: string; flags: string; regex: RegExp }
  | { kind: 'json_schema'; validator: ZodType }
  | { kind: 'number'; value: number; tolerance: number }
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown> | null }
  | { kind: 'judge'; criteria: string };

/** One suite row, checked: the messages go to each model as an OpenAI chat body. */
export interface EvalCase {
  id: string;
  /** 1-based line of the suite file (error messages name it). */
  line: number;
  /** OpenAI chat messages, passed through as written (the gateway checks them). */
  messages: Record<string, unknown>[];
  /** OpenAI `tools`, for tool-calling cases. */
  tools: Record<string, unknown>[] | null;
  maxTokens: number | null;
  expect: Expectation;
  tags: string[];
}

/** A model's answer as the graders see it. */
export interface Answer {
  text: string;
  toolCalls: { name: string; arguments: string }[];
}

/** A grader's verdict. `reason` never quotes the answer: it is stored (eval runs keep no text by default). */
export interface Verdict {
  pass: boolean;
  reason: string;
  /** Set by the judge grader: the judge call's own request id, tokens and cost are its own. */
  judgeRequestId?: string;
  /** A grading failure that is not the model's (the judge was unreachable, its reply unreadable). */
  errorCode?: string;
}
