import type { ChatRequest } from '../providers/spec.js';

/** Personal-data types that are secrets rather than data about a person. */
const SECRET_TYPES = new Set(['SECRET']);

/** Who calls, as rules see it: key id and name, and team (all null for the master key). */
export interface Caller {
  keyId: string | null;
  keyName: string | null;
  team: string | null;
}

/** Private knowledge in the prompt: `shareable` false keeps the request on device-local models. */
export interface KnowledgeUse {
  used: boolean;
  shareable: boolean;
}

/** What rules test about one request. Expensive facts (complexity) are computed on first use only. */
export interface RequestFacts {
  /** The model name the client sent. */
  readonly model: string;
  readonly piiTypes: readonly string[];
  readonly secrets: boolean;
  readonly tokens: number;
  readonly tools: boolean;
  readonly json: boolean;
  readonly jsonSchema: boolean;
  readonly key: readonly string[];
  readonly team: string | null;
  readonly tags: readonly string[];
  /** Retrieved private knowledge is in the prompt. */
  readonly knowledge: boolean;
  /** A text of the prompt was flagged as a prompt injection (and its action is not `allow`). */
  readonly injection: boolean;
  complexity(): number;
}

export interface FactSources {
  model: string;
  request: ChatRequest;
  /** Privacy findings: type → count. */
  findings: Readonly<Record<string, number>>;
  tokens: number;
  caller: Caller;
  /** The `x-flambeau-tags` header, split on commas. */
  tags: readonly string[];
  /** Scores a prompt (0..1). */
  scoreComplexity: (text: string) => number;
  /** Retrieved chunks are in the prompt. */
  knowledge?: boolean;
  /** The injection stage reported a flagged text. */
  injection?: boolean;
}

export function requestFacts(sources: FactSources): RequestFacts {
  const types = Object.keys(sources.findings).filter((t) => (sources.findings[t] ?? 0) > 0);
  const format = sources.request.responseFormat?.type;
  let complexity: number | undefined;
  return {
    model: sources.model,
    piiTypes: types.filter((t) => !SECRET_TYPES.has(t)),
    secrets: types.some((t) => SECRET_TYPES.has(t)),
    tokens: sources.tokens,
    tools: (sources.request.tools?.length ?? 0) > 0,
    json: format === 'json_object' || format === 'json_schema',
    jsonSchema: format === 'json_schema',
    key: [sources.caller.keyId, sources.caller.keyName].filter((k): k is string => k !== null),
    team: sources.caller.team,
    tags: sources.tags,
    knowledge: sources.knowledge === true,
    injection: sources.injection === true,
    complexity() {
      complexity ??= sources.scoreComplexity(promptText(sources.request));
      return complexity;
    },
  };
}

/** The text the complexity score reads: the last user message (what the model must answer). */
export function promptText(request: ChatRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }
  return '';
}

/** `x-flambeau-tags: a, b` → ['a', 'b'] (trimmed, empty ones dropped, at most 32). */
export function parseTags(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .slice(0, 32);
}
