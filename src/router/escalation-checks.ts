import type { ChatRequest, ChatResult } from '../providers/spec.js';

export type EscalationReason = 'invalid_json' | 'refusal' | 'low_confidence';

// Openings of refusals and hedges, English and French, as small models write them.
const REFUSAL =
  /^\s*(?:I(?:'m| am) (?:sorry|afraid)\b|I (?:can(?:no|')t|cannot|won't|am unable to|'m unable to)\b|As an AI\b|Je (?:suis désolée?|ne peux pas|regrette)\b|Désolée?,? (?:je|mais)\b|En tant qu'(?:IA|intelligence artificielle)\b)/i;
const HEDGE =
  /\b(?:I(?:'m| am) not (?:sure|certain)|I don't know|I do not know|not enough information|je ne suis pas (?:sûre?|certaine?)|je ne sais pas|pas assez d'informations)\b/i;

/**
 * Why a local answer should go to the stronger model, or null when it can stand. Cheap checks
 * only: the cascade's point is that most answers need no second call.
 */
export function escalationReason(request: ChatRequest, result: ChatResult, on: readonly EscalationReason[]): EscalationReason | null {
  const text = result.text ?? '';
  if (on.includes('invalid_json')) {
    const wantsJson = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
    if (wantsJson && !parses(text)) return 'invalid_json';
    if (result.toolCalls.some((call) => !parses(call.arguments === '' ? '{}' : call.arguments))) return 'invalid_json';
  }
  if (on.includes('refusal') && (result.finish.reason === 'filtered' || REFUSAL.test(text))) return 'refusal';
  if (on.includes('low_confidence')) {
    if (result.finish.reason === 'length') return 'low_confidence';
    if (text.trim() === '' && result.toolCalls.length === 0) return 'low_confidence';
    if (HEDGE.test(text)) return 'low_confidence';
  }
  return null;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
