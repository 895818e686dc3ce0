import { FlambeauError } from '../errors/index.js';
import type { LoadedModel } from './loaded-model.js';

/**
 * Embeds each input with the model's embedding context (mean pooling or whatever the GGUF
 * declares). `inputTokens` sums the tokens evaluated, BOS/EOS included. Runs one input at a
 * time; an abort is honoured between inputs.
 */
export async function runEmbedJob(
  loaded: LoadedModel,
  name: string,
  input: string[],
  signal: AbortSignal,
): Promise<{ vectors: Float32Array[]; inputTokens: number }> {
  const context = await loaded.embeddingContext();
  const contextSize = loaded.context.contextSize;
  const vectors: Float32Array[] = [];
  let inputTokens = 0;
  for (const [index, text] of input.entries()) {
    if (signal.aborted) throw new FlambeauError('client_closed', 'The request was cancelled.');
    if (text.length === 0) {
      throw new FlambeauError('invalid_request', `Input ${index} is empty; every input needs some text.`, { param: 'input' });
    }
    const length = context.calculateInputLength(text);
    if (length >= contextSize) {
      throw new FlambeauError('invalid_request', `Input ${index} is ${length} tokens; '${name}' embeds at most ${contextSize - 1}.`, {
        param: 'input',
        details: { index, tokens: length, contextSize },
      });
    }
    const embedding = await context.getEmbeddingFor(text);
    vectors.push(Float32Array.from(embedding.vector));
    inputTokens += length;
  }
  return { vectors, inputTokens };
}
