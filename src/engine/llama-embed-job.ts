import type { LlamaEmbeddingContext, Token } from 'node-llama-cpp';
import { FlambeauError } from '../errors/index.js';
import { DECODE_TOKENS, embeddingTokens, type BatchEmbedContext } from './batch-embedder.js';
import type { LoadedModel } from './loaded-model.js';

type EmbedResult = { vectors: Float32Array[]; inputTokens: number };

/**
 * Embeds each input with the model's embedding context (mean pooling or whatever the GGUF
 * declares). `inputTokens` sums the tokens evaluated, BOS/EOS included.
 *
 * Batched (the native addon is built, docs/decisions/0016): every input is checked first, in
 * order, with the errors of the per-text path; then consecutive inputs go through one llama_decode,
 * one sequence each, up to EMBED_SEQUENCES inputs and DECODE_TOKENS tokens (an input longer than
 * that goes alone). Per text (no addon):
 * node-llama-cpp's embedding context, one decode per input. Either way an abort is honoured
 * before each decode.
 */
export async function runEmbedJob(loaded: LoadedModel, name: string, input: string[], signal: AbortSignal): Promise<EmbedResult> {
  const embedding = await loaded.embedding();
  const contextSize = loaded.context.contextSize;
  return embedding.kind === 'batched'
    ? embedBatched(embedding.context, loaded, name, contextSize, input, signal)
    : embedPerText(embedding.context, loaded, name, contextSize, input, signal);
}

async function embedBatched(
  context: BatchEmbedContext,
  loaded: LoadedModel,
  name: string,
  contextSize: number,
  input: string[],
  signal: AbortSignal,
): Promise<EmbedResult> {
  throwIfAborted(signal);
  const tokenLists = input.map((text, index) => {
    checkNotEmpty(text, index);
    const tokens = embeddingTokens(loaded.model, text);
    checkLength(tokens.length, index, name, contextSize);
    return tokens;
  });
  const budget = Math.min(DECODE_TOKENS, context.contextSize);
  const vectors: Float32Array[] = [];
  let next = 0;
  while (next < tokenLists.length) {
    throwIfAborted(signal);
    const batch: Token[][] = [];
    let tokens = 0;
    for (let tokenList = tokenLists[next]; tokenList !== undefined; tokenList = tokenLists[next]) {
      if (batch.length === context.sequences || (batch.length > 0 && tokens + tokenList.length > budget)) break;
      batch.push(tokenList);
      tokens += tokenList.length;
      next++;
    }
    vectors.push(...(await context.embed(batch)));
  }
  return { vectors, inputTokens: tokenLists.reduce((sum, tokens) => sum + tokens.length, 0) };
}

async function embedPerText(
  context: LlamaEmbeddingContext,
  loaded: LoadedModel,
  name: string,
  contextSize: number,
  input: string[],
  signal: AbortSignal,
): Promise<EmbedResult> {
  const vectors: Float32Array[] = [];
  let inputTokens = 0;
  for (const [index, text] of input.entries()) {
    throwIfAborted(signal);
    checkNotEmpty(text, index);
    // Tokenized once: the length check and the evaluation take the tokens (each adds BOS/EOS to a copy).
    const tokens = loaded.model.tokenize(text);
    const length = context.calculateInputLength(tokens);
    checkLength(length, index, name, contextSize);
    const embedding = await context.getEmbeddingFor(tokens);
    vectors.push(Float32Array.from(embedding.vector));
    inputTokens += length;
  }
  return { vectors, inputTokens };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new FlambeauError('client_closed', 'The request was cancelled.');
}

function checkNotEmpty(text: string, index: number): void {
  if (text.length === 0) {
    throw new FlambeauError('invalid_request', `Input ${index} is empty; every input needs some text.`, { param: 'input' });
  }
}

function checkLength(length: number, index: number, name: string, contextSize: number): void {
  if (length >= contextSize) {
    throw new FlambeauError('invalid_request', `Input ${index} is ${length} tokens; '${name}' embeds at most ${contextSize - 1}.`, {
      param: 'input',
      details: { index, tokens: length, contextSize },
    });
  }
}
