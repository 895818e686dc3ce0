import type { Answer, EvalCase, Verdict } from './eval-case.js';
import { gradeJudge, type JudgeSettings } from './grade-judge.js';
import { gradeJsonSchema } from './grade-json-schema.js';
import { gradeNumber } from './grade-number.js';
import { gradeContains, gradeEquals, gradeRegex } from './grade-text.js';
import { gradeToolCall } from './grade-tool-call.js';

/**
 * Grades one answer with the case's grader. Only `judge` calls out (through the gateway); the
 * others are pure. A judge case without a judge configured fails with a reason, never a throw.
 */
export async function gradeAnswer(c: EvalCase, answer: Answer, judge: JudgeSettings | null, judgeRequestId: string): Promise<Verdict> {
  const expect = c.expect;
  switch (expect.kind) {
    case 'equals':
      return gradeEquals(answer, expect);
    case 'contains':
    case 'not_contains':
      return gradeContains(answer, expect);
    case 'regex':
      return gradeRegex(answer, expect);
    case 'json_schema':
      return gradeJsonSchema(answer, expect);
    case 'number':
      return gradeNumber(answer, expect);
    case 'tool_call':
      return gradeToolCall(answer, expect);
    case 'judge':
      if (judge === null) return { pass: false, reason: 'no judge model to grade with', errorCode: 'judge_missing' };
      return gradeJudge(c, answer, expect, judge, judgeRequestId);
  }
}
