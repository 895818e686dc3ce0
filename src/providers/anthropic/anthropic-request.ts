import type { ChatRequest, ResponseFormat, ToolChoice, ToolSpec, Warning } from '../spec.js';
import { toAnthropicConversation } from './anthropic-messages.js';

/** Anthropic requires `max_tokens`; this applies when neither the request nor the binding sets one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export interface AnthropicRequestPlan {
  /** The `POST /v1/messages` body. */
  body: Record<string, unknown>;
  /** Settings we could not honour exactly, deduplicated by setting. */
  warnings: Warning[];
  /**
   * Set when `responseFormat` asked for JSON: the name of the tool we forced, whose `input` is the
   * answer. The response translators turn that tool's use into text, not a tool call.
   */
  jsonToolName: string | undefined;
}

type ToolChoiceBody = Record<string, unknown> & { type: 'auto' | 'any' | 'tool' | 'none' };

/**
 * Our ChatRequest → an Anthropic Messages body. Pure: no I/O. Throws `invalid_request` when a
 * message cannot be expressed (tool arguments that are not a JSON object, unsupported images).
 */
export function toAnthropicRequest(request: ChatRequest, options: { stream: boolean; defaultMaxTokens: number }): AnthropicRequestPlan {
  const warnings: Warning[] = [];
  const warn = (warning: Warning): void => {
    if (!warnings.some((seen) => seen.setting === warning.setting)) warnings.push(warning);
  };
  const conversation = toAnthropicConversation(request.messages, warn);
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
    messages: conversation.messages,
  };
  if (conversation.system !== undefined) body.system = conversation.system;
  if (options.stream) body.stream = true;
  addSampling(body, request, warn);
  for (const [key, value] of Object.entries(request.passthrough ?? {})) {
    // top_k is a Messages field of its own; it reaches a provider as passthrough (it has no place in
    // ChatRequest) and only after the privacy guard let it through for this target.
    if (key === 'top_k' && Number.isInteger(value) && (value as number) > 0) body.top_k = value;
    else warn({ kind: 'unsupported', setting: key, detail: 'Not forwarded: the Anthropic Messages API has no such field.' });
  }
  const tools = toolSettings(request, warn);
  if (tools.tools !== undefined) body.tools = tools.tools;
  if (tools.toolChoice !== undefined) body.tool_choice = tools.toolChoice;
  return { body, warnings, jsonToolName: tools.jsonToolName };
}

function addSampling(body: Record<string, unknown>, request: ChatRequest, warn: (warning: Warning) => void): void {
  if (request.temperature !== undefined) {
    // OpenAI's range is 0–2, Anthropic's 0–1: a value above 1 would be a 400 upstream.
    body.temperature = Math.min(request.temperature, 1);
    if (request.temperature > 1) warn({ kind: 'approximated', setting: 'temperature', detail: 'Anthropic accepts 0 to 1; sent 1.' });
  }
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.seed !== undefined) warn({ kind: 'unsupported', setting: 'seed', detail: 'Anthropic has no seed.' });
  if (request.presencePenalty !== undefined) warn({ kind: 'unsupported', setting: 'presencePenalty', detail: 'Anthropic has no presence penalty.' });
  if (request.frequencyPenalty !== undefined) warn({ kind: 'unsupported', setting: 'frequencyPenalty', detail: 'Anthropic has no frequency penalty.' });
}

function toAnthropicTool(tool: ToolSpec, warn: (warning: Warning) => void): Record<string, unknown> {
  if (tool.strict === true)
    warn({ kind: 'unsupported', setting: 'tools.strict', detail: 'Tool schemas are not enforced strictly by the classic Messages API.' });
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: tool.parameters ?? { type: 'object', properties: {} },
  };
}

function toToolChoice(choice: ToolChoice): ToolChoiceBody {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.name };
}

interface ToolSettings {
  tools?: Record<string, unknown>[];
  toolChoice?: ToolChoiceBody;
  jsonToolName: string | undefined;
}

function toolSettings(request: ChatRequest, warn: (warning: Warning) => void): ToolSettings {
  const userTools = (request.tools ?? []).map((tool) => toAnthropicTool(tool, warn));
  const json = jsonResponseTool(request.responseFormat, userTools, warn);
  let settings: ToolSettings;
  if (json !== undefined) {
    settings = withJsonTool(json, userTools, request.toolChoice);
  } else if (userTools.length > 0) {
    settings = { tools: userTools, toolChoice: request.toolChoice === undefined ? undefined : toToolChoice(request.toolChoice), jsonToolName: undefined };
  } else {
    if (request.toolChoice === 'required' || typeof request.toolChoice === 'object') {
      warn({ kind: 'unsupported', setting: 'toolChoice', detail: 'No tools were given; tool_choice was left out.' });
    }
    return { jsonToolName: undefined };
  }
  if (request.parallelToolCalls === false) {
    const choice = settings.toolChoice ?? { type: 'auto' };
    // Anthropic puts the switch inside tool_choice, and `none` does not take it.
    if (choice.type !== 'none') settings.toolChoice = { ...choice, disable_parallel_tool_use: true };
  }
  return settings;
}

/**
 * The classic Messages API has no response_format. As vercel/ai does, we emulate it with a tool
 * whose input schema is the wanted schema, forced through tool_choice; its input is the answer.
 */
function jsonResponseTool(
  format: ResponseFormat | undefined,
  userTools: Record<string, unknown>[],
  warn: (warning: Warning) => void,
): Record<string, unknown> | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  warn({ kind: 'approximated', setting: 'responseFormat', detail: 'Emulated with a forced tool call whose input is returned as the JSON text.' });
  let name = format.type === 'json_schema' ? format.name : 'json_response';
  while (userTools.some((tool) => tool.name === name)) name = `${name}_`;
  return {
    name,
    description:
      format.type === 'json_schema' && format.description !== undefined
        ? format.description
        : 'Give your final answer with this tool: its input is the answer, as a JSON object.',
    input_schema: format.type === 'json_schema' ? format.schema : { type: 'object' },
  };
}

function withJsonTool(json: Record<string, unknown>, userTools: Record<string, unknown>[], userChoice: ToolChoice | undefined): ToolSettings {
  const name = json.name as string;
  if (userTools.length === 0 || userChoice === 'none') {
    // One answer only: two uses of the tool would concatenate into invalid JSON text.
    return { tools: [json], toolChoice: { type: 'tool', name, disable_parallel_tool_use: true }, jsonToolName: name };
  }
  // The caller's tools stay usable (agent loops): the model must call one of them or answer.
  const toolChoice: ToolChoiceBody = typeof userChoice === 'object' ? { type: 'tool', name: userChoice.name } : { type: 'any' };
  return { tools: [...userTools, json], toolChoice, jsonToolName: name };
}
