import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import { FlambeauError } from '../../errors/index.js';
import type { ChatRequest, ToolSpec, Warning } from '../spec.js';
import { toGbnfJsonSchema } from './llamacpp-json-schema.js';

export interface FunctionsSetup {
  functions?: ChatModelFunctions;
  maxParallelFunctionCalls?: number;
}

/**
 * `tools` + `toolChoice` -> node-llama-cpp `functions`. node-llama-cpp lets the model choose
 * between answering and calling; it cannot force a call, so `required` and `{ name }` offer the
 * tool(s) and warn 'approximated'. `none` offers nothing (exact).
 */
export function toFunctions(request: ChatRequest, warnings: Warning[]): FunctionsSetup {
  const tools = request.tools ?? [];
  const choice = request.toolChoice ?? 'auto';
  if (tools.length === 0) {
    if (typeof choice === 'object' || choice === 'required') {
      throw new FlambeauError('invalid_request', 'tool_choice asks for a tool call but no tools are given.', { param: 'tool_choice' });
    }
    return {};
  }
  if (choice === 'none') return {};
  let offered = tools;
  if (typeof choice === 'object') {
    offered = tools.filter((tool) => tool.name === choice.name);
    if (offered.length === 0) {
      throw new FlambeauError('invalid_request', `tool_choice names '${choice.name}', which is not among the tools.`, { param: 'tool_choice' });
    }
    warnings.push({ kind: 'approximated', setting: 'toolChoice', detail: `only '${choice.name}' is offered; the model may still answer without calling it` });
  } else if (choice === 'required') {
    warnings.push({ kind: 'approximated', setting: 'toolChoice', detail: 'tools are offered; the model may still answer without calling one' });
  }
  const functions: Record<string, { description?: string; params?: GbnfJsonSchema }> = {};
  for (const tool of offered) {
    if (Object.hasOwn(functions, tool.name)) {
      throw new FlambeauError('invalid_request', `Two tools are named '${tool.name}'.`, { param: 'tools' });
    }
    functions[tool.name] = toFunction(tool, warnings);
  }
  return { functions, ...(request.parallelToolCalls === false ? { maxParallelFunctionCalls: 1 } : {}) };
}

function toFunction(tool: ToolSpec, warnings: Warning[]): { description?: string; params?: GbnfJsonSchema } {
  const fn: { description?: string; params?: GbnfJsonSchema } = {};
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.parameters === undefined || isEmptyObjectSchema(tool.parameters)) return fn;
  const converted = toGbnfJsonSchema(tool.parameters);
  if (!converted.ok) {
    throw new FlambeauError('invalid_request', `The parameters schema of tool '${tool.name}' cannot be used with a local model: ${converted.reason}.`, {
      param: 'tools',
      details: { tool: tool.name },
    });
  }
  if (converted.notEnforced.length > 0) {
    warnings.push({ kind: 'approximated', setting: 'tools', detail: `tool '${tool.name}': not enforced: ${converted.notEnforced.join('; ')}` });
  }
  fn.params = converted.schema;
  return fn;
}

/** `{ type: 'object', properties: {} }` (what clients send for "no arguments") -> no params. */
function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const properties = schema.properties;
  const noProperties = properties === undefined || (typeof properties === 'object' && properties !== null && Object.keys(properties).length === 0);
  return schema.type === 'object' && noProperties && (schema.additionalProperties === undefined || schema.additionalProperties === false);
}
