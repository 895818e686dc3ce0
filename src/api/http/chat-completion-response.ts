import type { Finish, ChatResult, Usage } from '../../providers/spec.js';

/** Our finish reason → OpenAI's. `other` keeps the upstream's raw value when it had one. */
export function wireFinish(finish: Finish): string {
  switch (finish.reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'filtered':
      return 'content_filter';
    case 'other':
      return finish.raw ?? 'stop';
  }
}

/** OpenAI usage, always filled; `estimated: true` (our extension) when we counted ourselves. */
export function wireUsage(usage: Usage): Record<string, unknown> {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    // As OpenAI reports its prompt caching; here the local engine's reused KV cache too.
    ...(usage.cachedInputTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
    ...(usage.estimated ? { estimated: true } : {}),
  };
}

/** `wireUsage` as JSON text, written directly: the same bytes as `JSON.stringify(wireUsage(usage))`. */
export function wireUsageJson(usage: Usage): string {
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  let text = `{"prompt_tokens":${jsonNumber(prompt)},"completion_tokens":${jsonNumber(completion)},"total_tokens":${jsonNumber(prompt + completion)}`;
  if (usage.cachedInputTokens !== undefined) text += `,"prompt_tokens_details":{"cached_tokens":${jsonNumber(usage.cachedInputTokens)}}`;
  if (usage.estimated) text += ',"estimated":true';
  return `${text}}`;
}

/** A number as `JSON.stringify` writes it (`null` when not finite). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * The `chat.completion` answer as JSON text, written directly (the keys in OpenAI's order, each
 * value through `JSON.stringify`): the same bytes as stringifying the object, without building it.
 * `extension` (our `flambeau` field) comes last when present.
 */
export function chatCompletionJson(id: string, created: number, model: string, result: ChatResult, extension?: Record<string, unknown>): string {
  let message = `{"role":"assistant","content":${JSON.stringify(result.text ?? null)},"refusal":null`;
  if (result.toolCalls.length > 0) {
    message += `,"tool_calls":${JSON.stringify(result.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })))}`;
  }
  const tail = extension === undefined ? '' : `,"flambeau":${JSON.stringify(extension)}`;
  return (
    `{"id":${JSON.stringify(id)},"object":"chat.completion","created":${jsonNumber(created)},"model":${JSON.stringify(model)},` +
    `"choices":[{"index":0,"message":${message}},"logprobs":null,"finish_reason":${JSON.stringify(wireFinish(result.finish))}}],` +
    `"usage":${wireUsageJson(result.usage)},"system_fingerprint":null${tail}}`
  );
}
