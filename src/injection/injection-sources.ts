/**
 * Where a text comes from. The same words weigh differently by source: a user may legitimately
 * give instructions; a retrieved document or a tool result is data, and text in it that speaks to
 * the model as a role ("system:", `<|im_start|>`) is an attack almost by definition.
 */
export const INJECTION_SOURCES = ['user', 'document', 'tool'] as const;
export type InjectionSource = (typeof INJECTION_SOURCES)[number];
