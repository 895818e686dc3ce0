/**
 * JSON text that crosses into node-llama-cpp's history: tool-call arguments and tool results.
 * node-llama-cpp renders them with its own JSON dump, so a parsed value shows as the JSON the
 * model produced or the tool returned; text that is not JSON stays a string.
 */
export function jsonOrText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.length === 0) return text;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}
