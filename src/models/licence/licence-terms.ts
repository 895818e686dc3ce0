/**
 * What the licences of common open-weight models allow, as flambeau's licence policy needs it.
 * Summaries of the texts linked in `source`, written for an operator deciding whether a deployment
 * is allowed; they are not legal advice, and the linked text is what binds. `general.license`
 * values found in GGUF files (an SPDX id or a Hugging Face licence id) map here through
 * {@link licenceIdOf}.
 */
export interface LicenceTerms {
  id: string;
  title: string;
  /** Use in a business (internal tools or a product). False: research / non-commercial only. */
  commercial: boolean;
  /** Monthly active users above which the licence requires a separate agreement; null: no limit. */
  maxMonthlyUsers: number | null;
  /** What must be shown or kept when using or redistributing; null: nothing beyond the licence text. */
  attribution: string | null;
  /** Whether the weights may be redistributed (with the licence passed on). */
  redistribution: boolean;
  /** Other conditions worth knowing (use policies, naming rules). */
  restrictions: string[];
  /** The licence text this summary was written from. */
  source: string;
}

export const LICENCES: Readonly<Record<string, LicenceTerms>> = {
  'apache-2.0': {
    id: 'apache-2.0',
    title: 'Apache License 2.0',
    commercial: true,
    maxMonthlyUsers: null,
    attribution: 'Keep the licence text and any NOTICE file when redistributing; mark modified files.',
    redistribution: true,
    restrictions: [],
    source: 'https://www.apache.org/licenses/LICENSE-2.0',
  },
  mit: {
    id: 'mit',
    title: 'MIT License',
    commercial: true,
    maxMonthlyUsers: null,
    attribution: 'Keep the copyright notice and licence text in copies.',
    redistribution: true,
    restrictions: [],
    source: 'https://opensource.org/license/mit',
  },
  'llama3.1': {
    id: 'llama3.1',
    title: 'Llama 3.1 Community License',
    commercial: true,
    maxMonthlyUsers: 700_000_000,
    attribution: 'Display "Built with Llama" prominently in a product using it; include the licence with copies; names of derived models start with "Llama".',
    redistribution: true,
    restrictions: [
      'Llama 3.1 Acceptable Use Policy applies.',
      'Over 700 million monthly active users (at the release date) needs a separate licence from Meta.',
    ],
    source: 'https://www.llama.com/llama3_1/license/',
  },
  'llama3.2': {
    id: 'llama3.2',
    title: 'Llama 3.2 Community License',
    commercial: true,
    maxMonthlyUsers: 700_000_000,
    attribution: 'Display "Built with Llama" prominently in a product using it; include the licence with copies; names of derived models start with "Llama".',
    redistribution: true,
    restrictions: [
      'Llama 3.2 Acceptable Use Policy applies.',
      'Over 700 million monthly active users needs a separate licence from Meta.',
      'The multimodal (vision) 3.2 models are not licensed to individuals or companies domiciled in the EU; the 1B/3B text models are.',
    ],
    source: 'https://www.llama.com/llama3_2/license/',
  },
  gemma: {
    id: 'gemma',
    title: 'Gemma Terms of Use',
    commercial: true,
    maxMonthlyUsers: null,
    attribution:
      'Pass the Gemma Terms (and their use restrictions) on with copies, with the notice "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms".',
    redistribution: true,
    restrictions: ['Gemma Prohibited Use Policy applies (and must bind your users).', 'Google may restrict use it reasonably believes violates the terms.'],
    source: 'https://ai.google.dev/gemma/terms',
  },
  'qwen-research': {
    id: 'qwen-research',
    title: 'Qwen Research License',
    commercial: false,
    maxMonthlyUsers: null,
    attribution: 'Include the licence; state "Built with Qwen" or similar in products or publications.',
    redistribution: true,
    restrictions: ['Non-commercial research or evaluation use only; commercial use needs a licence from Alibaba Cloud.'],
    source: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE',
  },
  qwen: {
    id: 'qwen',
    title: 'Qwen License (Tongyi Qianwen)',
    commercial: true,
    maxMonthlyUsers: 100_000_000,
    attribution: 'Include the licence; state "Built with Qwen" or similar in products or publications.',
    redistribution: true,
    restrictions: ['Over 100 million monthly active users needs a licence from Alibaba Cloud.'],
    source: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE',
  },
  'mistral-research': {
    id: 'mistral-research',
    title: 'Mistral AI Research License',
    commercial: false,
    maxMonthlyUsers: null,
    attribution: 'Include the licence with copies.',
    redistribution: true,
    restrictions: ['Research (non-commercial) use only; any business use, even internal, needs a commercial licence from Mistral AI.'],
    source: 'https://mistral.ai/licenses/MRL-0.1.md',
  },
};

/** GGUF `general.license` (and `general.license.name`) values -> our ids; unknown values give null. */
export function licenceIdOf(raw: string | undefined | null, name?: string | null): string | null {
  for (const value of [name, raw]) {
    if (value === undefined || value === null) continue;
    const key = value.trim().toLowerCase();
    const id = ALIASES[key] ?? (Object.hasOwn(LICENCES, key) ? key : undefined);
    if (id !== undefined) return id;
  }
  return null;
}

const ALIASES: Record<string, string> = {
  'apache 2.0': 'apache-2.0',
  apache2: 'apache-2.0',
  'apache-2': 'apache-2.0',
  'mit license': 'mit',
  llama3: 'llama3.1',
  'llama-3.1': 'llama3.1',
  'llama 3.1 community license': 'llama3.1',
  'llama-3.2': 'llama3.2',
  'llama 3.2 community license': 'llama3.2',
  'gemma terms of use': 'gemma',
  'qwen-research-license': 'qwen-research',
  'qwen research license': 'qwen-research',
  'tongyi-qianwen': 'qwen',
  'qwen-license': 'qwen',
  mrl: 'mistral-research',
  'mrl-0.1': 'mistral-research',
  'mistral-research-license': 'mistral-research',
};
