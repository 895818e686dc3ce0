import { FlambeauError } from '../errors/index.js';
import type { LoadedModel } from './loaded-model.js';

/**
 * Embeds each input with the model's embedding context (mean pooling or whatever the GGUF
 * declares). `inputTokens` sums the tokens evaluated, BOS/EOS included. Runs one input at a
 * time (node-llama-cpp 3.21 reads the pooled embedding of sequence 0 only, so inputs cannot share
 * a decode batch); an abort is honoured between inputs. Many inputs per call still pay the IPC
 * round trip, the queue and the model lookup once (docs/decisions/0016).
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
    // Tokenized once: the length check and the evaluation take the tokens (each adds BOS/EOS to a copy).
    const tokens = loaded.model.tokenize(text);
    const length = context.calculateInputLength(tokens);
    if (length >= contextSize) {
      throw new FlambeauError('invalid_request', `Input ${index} is ${length} tokens; '${name}' embeds at most ${contextSize - 1}.`, {
        param: 'input',
        details: { index, tokens: length, contextSize },
      });
    }
    const embedding = await context.getEmbeddingFor(tokens);
    vectors.push(Float32Array.from(embedding.vector));
    inputTokens += length;
  }
  return { vectors, inputTokens };
}
