import { startStandInCloud, type StandInCloud } from '../../../test/helpers/stand-in-cloud.js';
import { Secret } from '../../config/secret.js';
import { describeEmbeddingModelContract, type EmbeddingModelContractSubject } from '../__fixtures__/embedding-model-contract.js';
import type { Provider } from '../spec.js';
import { createOpenAiCompatibleProvider } from './openai-provider.js';

const KEY = 'sk-openai-embed-contract';
let cloud: StandInCloud;
let provider: Provider;

async function makeSubject(): Promise<EmbeddingModelContractSubject> {
  cloud = await startStandInCloud({ apiKey: KEY });
  provider = createOpenAiCompatibleProvider({ id: 'openai-test', baseUrl: cloud.openaiBaseUrl, apiKey: new Secret(KEY), locality: 'cloud' });
  const model = provider.embeddingModel?.({ name: 'small', model: 'text-embedding-3-small' });
  if (model === undefined) throw new Error('openai-compatible providers embed');
  // The same behaviour until the next arrangement: a call that never reaches the cloud leaves nothing queued.
  const raw = (body: string) => async (): Promise<void> => cloud.setDefault({ kind: 'raw', body });
  return {
    model,
    answer: async () => cloud.setDefault({ kind: 'reply' }),
    dimensions: { other: 5 },
    upstream: {
      status: async (status) => cloud.setDefault({ kind: 'fail', status }),
      malformed: [
        { what: 'a body that is not JSON', arrange: raw('{"data": [') },
        { what: 'a list without data', arrange: raw('{"object":"list"}') },
        { what: 'fewer vectors than inputs', arrange: raw('{"data":[{"index":0,"embedding":[0.1,0.2]}]}') },
        { what: 'an embedding of strings', arrange: raw('{"data":[{"index":0,"embedding":["0.1"]},{"index":1,"embedding":["0.2"]}]}') },
        { what: 'base64 that is not whole float32s', arrange: raw('{"data":[{"index":0,"embedding":"AAAA"},{"index":1,"embedding":"AAA="}]}') },
        { what: 'JSON null', arrange: raw('null') },
      ],
    },
  };
}

describeEmbeddingModelContract('openai-compatible (stand-in cloud)', makeSubject, async () => {
  await provider.close();
  await cloud.close();
});
