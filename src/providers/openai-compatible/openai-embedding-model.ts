import type { UpstreamClient } from '../http/upstream-client.js';
import { unreadableUpstream } from '../http/unreadable-upstream.js';
import type { EmbeddingModel, EmbedRequest, EmbedResult, Locality } from '../spec.js';
import { parseOpenAiEmbeddings } from './openai-wire.js';

export class OpenAiEmbeddingModel implements EmbeddingModel {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly locality: Locality,
    private readonly client: UpstreamClient,
    private readonly headers: () => Record<string, string>,
  ) {}

  async embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResult> {
    const body: Record<string, unknown> = { model: this.model, input: request.input, encoding_format: 'float' };
    if (request.dimensions !== undefined) body.dimensions = request.dimensions;
    if (request.user !== undefined) body.user = request.user;
    const text = await this.client.requestText(
      { method: 'POST', path: '/embeddings', headers: this.headers(), body: JSON.stringify(body), signal },
      256 * 1024 * 1024,
    );
    try {
      return parseOpenAiEmbeddings(text, request.input.length);
    } catch (error) {
      throw unreadableUpstream(this.provider, 'embeddings', error);
    }
  }
}
