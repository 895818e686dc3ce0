/**
 * The built-in list of well-known small open-weight models, so that `flambeau pull NAME` works
 * without knowing where the file lives. Each entry says where the facts come from: `card` is the
 * model card stating the licence; `ref` is the GGUF file pulled (the publishers' own GGUF repos
 * where they exist, otherwise bartowski's widely used conversions, which keep the original
 * licence). Sizes are approximate (the hub's `X-Linked-Size` gives the exact one at pull time) and
 * the sha256 is taken from the hub's `X-Linked-Etag` at pull time, so it is not repeated here.
 */
export interface KnownModel {
  name: string;
  family: 'qwen' | 'llama' | 'mistral' | 'gemma' | 'phi' | 'smollm' | 'deepseek' | 'bge' | 'e5' | 'nomic';
  /**
   * 'embedding': a text-embedding model (no chat); knowledge search embeds with one of these when
   * `knowledge.embedding_model` names none (never with a chat model picked silently). Default 'chat'.
   */
  kind?: 'chat' | 'embedding';
  ref: string;
  /** Another source of the same weights (e.g. the Ollama registry). */
  alternatives: string[];
  quantisation: string;
  approxSizeMb: number;
  /** An id of licence/licence-terms.ts. */
  licence: string;
  /** Licences of the base model that also apply (distilled models). */
  alsoLicensedUnder: string[];
  card: string;
  note?: string;
}

export const KNOWN_MODELS: readonly KnownModel[] = [
  // Qwen2.5: Apache-2.0 for every size except 3B (Qwen Research License) and 72B (Qwen License).
  {
    name: 'qwen2.5-0.5b-instruct',
    family: 'qwen',
    ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    alternatives: ['ollama:qwen2.5:0.5b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 400,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct',
  },
  {
    name: 'qwen2.5-1.5b-instruct',
    family: 'qwen',
    ref: 'hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf',
    alternatives: ['ollama:qwen2.5:1.5b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 1120,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct',
  },
  {
    name: 'qwen2.5-3b-instruct',
    family: 'qwen',
    ref: 'hf:Qwen/Qwen2.5-3B-Instruct-GGUF/qwen2.5-3b-instruct-q4_k_m.gguf',
    alternatives: ['ollama:qwen2.5:3b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 2100,
    licence: 'qwen-research',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct',
    note: 'Unlike the other small Qwen2.5 sizes, 3B is under the Qwen Research License.',
  },
  {
    name: 'qwen2.5-7b-instruct',
    family: 'qwen',
    ref: 'hf:bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q4_K_M.gguf',
    alternatives: ['ollama:qwen2.5:7b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4680,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/Qwen/Qwen2.5-7B-Instruct',
  },
  // Llama 3.x: community licences (700M MAU limit, "Built with Llama").
  {
    name: 'llama-3.2-1b-instruct',
    family: 'llama',
    ref: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    alternatives: ['ollama:llama3.2:1b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 810,
    licence: 'llama3.2',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct',
  },
  {
    name: 'llama-3.2-3b-instruct',
    family: 'llama',
    ref: 'hf:bartowski/Llama-3.2-3B-Instruct-GGUF/Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    alternatives: ['ollama:llama3.2:3b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 2020,
    licence: 'llama3.2',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct',
  },
  {
    name: 'llama-3.1-8b-instruct',
    family: 'llama',
    ref: 'hf:bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
    alternatives: ['ollama:llama3.1:8b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4920,
    licence: 'llama3.1',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
  },
  // Mistral: 7B Instruct is Apache-2.0; Ministral 8B is under the research licence.
  {
    name: 'mistral-7b-instruct-v0.3',
    family: 'mistral',
    ref: 'hf:bartowski/Mistral-7B-Instruct-v0.3-GGUF/Mistral-7B-Instruct-v0.3-Q4_K_M.gguf',
    alternatives: ['ollama:mistral:7b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4370,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3',
  },
  {
    name: 'ministral-8b-instruct-2410',
    family: 'mistral',
    ref: 'hf:bartowski/Ministral-8B-Instruct-2410-GGUF/Ministral-8B-Instruct-2410-Q4_K_M.gguf',
    alternatives: [],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4910,
    licence: 'mistral-research',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/mistralai/Ministral-8B-Instruct-2410',
  },
  // Gemma: Gemma Terms of Use with the Prohibited Use Policy.
  {
    name: 'gemma-2-2b-it',
    family: 'gemma',
    ref: 'hf:bartowski/gemma-2-2b-it-GGUF/gemma-2-2b-it-Q4_K_M.gguf',
    alternatives: ['ollama:gemma2:2b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 1710,
    licence: 'gemma',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/google/gemma-2-2b-it',
  },
  {
    name: 'gemma-3-1b-it',
    family: 'gemma',
    ref: 'hf:ggml-org/gemma-3-1b-it-GGUF/gemma-3-1b-it-Q4_K_M.gguf',
    alternatives: ['ollama:gemma3:1b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 810,
    licence: 'gemma',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/google/gemma-3-1b-it',
  },
  // Phi: MIT.
  {
    name: 'phi-3.5-mini-instruct',
    family: 'phi',
    ref: 'hf:bartowski/Phi-3.5-mini-instruct-GGUF/Phi-3.5-mini-instruct-Q4_K_M.gguf',
    alternatives: ['ollama:phi3.5:3.8b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 2390,
    licence: 'mit',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/microsoft/Phi-3.5-mini-instruct',
  },
  {
    name: 'phi-4-mini-instruct',
    family: 'phi',
    ref: 'hf:bartowski/microsoft_Phi-4-mini-instruct-GGUF/microsoft_Phi-4-mini-instruct-Q4_K_M.gguf',
    alternatives: ['ollama:phi4-mini:3.8b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 2490,
    licence: 'mit',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/microsoft/Phi-4-mini-instruct',
  },
  // SmolLM2: Apache-2.0, published as GGUF by Hugging Face itself.
  {
    name: 'smollm2-135m-instruct',
    family: 'smollm',
    ref: 'hf:HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/smollm2-135m-instruct-q8_0.gguf',
    alternatives: ['ollama:smollm2:135m'],
    quantisation: 'Q8_0',
    approxSizeMb: 145,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct',
  },
  {
    name: 'smollm2-360m-instruct',
    family: 'smollm',
    ref: 'hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/smollm2-360m-instruct-q8_0.gguf',
    alternatives: ['ollama:smollm2:360m'],
    quantisation: 'Q8_0',
    approxSizeMb: 390,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct',
  },
  {
    name: 'smollm2-1.7b-instruct',
    family: 'smollm',
    ref: 'hf:HuggingFaceTB/SmolLM2-1.7B-Instruct-GGUF/smollm2-1.7b-instruct-q4_k_m.gguf',
    alternatives: ['ollama:smollm2:1.7b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 1060,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/HuggingFaceTB/SmolLM2-1.7B-Instruct',
  },
  // DeepSeek-R1 distills: MIT, and the base model's licence applies too.
  {
    name: 'deepseek-r1-distill-qwen-1.5b',
    family: 'deepseek',
    ref: 'hf:bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf',
    alternatives: ['ollama:deepseek-r1:1.5b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 1120,
    licence: 'mit',
    alsoLicensedUnder: ['apache-2.0'],
    card: 'https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B',
    note: 'Distilled from Qwen2.5-Math-1.5B (Apache-2.0).',
  },
  {
    name: 'deepseek-r1-distill-qwen-7b',
    family: 'deepseek',
    ref: 'hf:bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf',
    alternatives: ['ollama:deepseek-r1:7b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4680,
    licence: 'mit',
    alsoLicensedUnder: ['apache-2.0'],
    card: 'https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
    note: 'Distilled from Qwen2.5-Math-7B (Apache-2.0).',
  },
  {
    name: 'deepseek-r1-distill-llama-8b',
    family: 'deepseek',
    ref: 'hf:bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF/DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf',
    alternatives: ['ollama:deepseek-r1:8b'],
    quantisation: 'Q4_K_M',
    approxSizeMb: 4920,
    licence: 'mit',
    alsoLicensedUnder: ['llama3.1'],
    card: 'https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Llama-8B',
    note: 'Distilled from Llama-3.1-8B: the Llama 3.1 Community License applies too.',
  },
  // Embedding models for knowledge search (`knowledge.embedding_model`): multilingual first.
  {
    name: 'multilingual-e5-small',
    family: 'e5',
    kind: 'embedding',
    ref: 'hf:cstr/multilingual-e5-small-GGUF/multilingual-e5-small-q8_0.gguf',
    alternatives: [],
    quantisation: 'Q8_0',
    approxSizeMb: 130,
    licence: 'mit',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/intfloat/multilingual-e5-small',
    note: 'Multilingual (about 100 languages), 384 dimensions, 512 tokens. E5 expects "query: " and "passage: " prefixes; flambeau embeds plain text.',
  },
  {
    name: 'bge-m3',
    family: 'bge',
    kind: 'embedding',
    ref: 'hf:gpustack/bge-m3-GGUF/bge-m3-Q8_0.gguf',
    alternatives: ['ollama:bge-m3'],
    quantisation: 'Q8_0',
    approxSizeMb: 630,
    licence: 'mit',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/BAAI/bge-m3',
    note: 'Multilingual (100+ languages), 1024 dimensions, 8192 tokens: better than the small models, slower to ingest on a CPU.',
  },
  {
    name: 'nomic-embed-text',
    family: 'nomic',
    kind: 'embedding',
    ref: 'hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf',
    alternatives: ['ollama:nomic-embed-text'],
    quantisation: 'Q8_0',
    approxSizeMb: 140,
    licence: 'apache-2.0',
    alsoLicensedUnder: [],
    card: 'https://huggingface.co/nomic-ai/nomic-embed-text-v1.5',
    note: 'English first, 768 dimensions, 8192 tokens.',
  },
];

export function findKnownModel(name: string): KnownModel | undefined {
  const key = name.toLowerCase();
  return KNOWN_MODELS.find((m) => m.name === key);
}

/** Names of the known embedding models: what knowledge search may embed with when no model is configured. */
export function knownEmbeddingModelNames(): Set<string> {
  return new Set(KNOWN_MODELS.filter((m) => m.kind === 'embedding').map((m) => m.name));
}
