import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { FlambeauError } from '../../errors/index.js';

/** What `flambeau models show` says about a GGUF file, read from its header (never the weights). */
export interface GgufFacts {
  architecture: string | null;
  /** `general.name`. */
  name: string | null;
  /** Sum of the tensor element counts. */
  parameters: number | null;
  /** `general.size_label` (e.g. "0.5B") when the file has one. */
  sizeLabel: string | null;
  /** From `general.file_type`: Q4_K_M, Q8_0, F16... */
  quantisation: string | null;
  /** `{architecture}.context_length`: the context the model was trained for. */
  contextLength: number | null;
  hasChatTemplate: boolean;
  /** `general.license` and `general.license.name` as written in the file. */
  license: string | null;
  licenseName: string | null;
}

// Vocabulary arrays are large and not needed here.
const IGNORED_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

export async function readGgufFacts(path: string, signal?: AbortSignal): Promise<GgufFacts> {
  let info;
  try {
    info = await readGgufFileInfo(path, {
      sourceType: 'filesystem',
      readTensorInfo: true,
      ignoreKeys: IGNORED_KEYS,
      logWarnings: false,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    throw new FlambeauError('invalid_request', `${path} is not a readable GGUF file (${(error as Error).message.split('\n')[0]}).`, {
      cause: error,
      details: { path },
    });
  }
  const general = info.metadata.general as unknown as Record<string, unknown>;
  const fileType = typeof general.file_type === 'number' ? general.file_type : null;
  const typeName = fileType === null ? undefined : (GgufFileType as unknown as Record<number, string>)[fileType];
  const arch = info.architectureMetadata as unknown as Record<string, unknown>;
  const tokenizer = (info.metadata as unknown as { tokenizer?: Record<string, unknown> }).tokenizer;
  let parameters: number | null = null;
  if (info.fullTensorInfo !== undefined) {
    parameters = 0;
    for (const tensor of info.fullTensorInfo) parameters += tensor.dimensions.reduce<number>((product, d) => product * Number(d), 1);
  }
  return {
    architecture: text(general.architecture),
    name: text(general.name),
    parameters,
    sizeLabel: text(general.size_label),
    quantisation: typeName === undefined ? null : typeName.replace(/^(MOSTLY|ALL)_/, ''),
    contextLength: typeof arch.context_length === 'number' ? arch.context_length : null,
    hasChatTemplate: typeof tokenizer?.chat_template === 'string' && tokenizer.chat_template !== '',
    license: text(general.license),
    licenseName: text(general['license.name']),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
