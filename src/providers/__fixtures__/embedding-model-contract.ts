import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { EmbeddingModel, EmbedRequest, Provider } from '../spec.js';
import { assertCode, rejection, signal } from './contract-asserts.js';

/**
 * The behaviour every EmbeddingModel owes the gateway and the knowledge domain, run against each
 * provider that has embeddings (anthropic has none). Same rules as the chat contract: a case a
 * model cannot run is declared with a reason, and the declaration is checked by a case.
 */
export interface EmbeddingModelContractSubject {
  model: EmbeddingModel;
  /** Arranges the next calls to be answered normally. */
  answer(): Promise<void>;
  /** A size other than the model's own that it can embed in, or a declaration that it cannot shrink vectors (checked: refused with unsupported_parameter). */
  dimensions: { other: number } | { none: string };
  /** Scripted upstream behaviour, or a declaration that there is no upstream (checked: its provider has no probe). */
  upstream: ScriptedEmbeddingUpstream | { none: string; provider: Provider };
}

export interface ScriptedEmbeddingUpstream {
  /** Arranges the next call to get this HTTP status with the protocol's error body. */
  status(status: 401 | 429 | 500): Promise<void>;
  /** Payloads no real upstream should send, for a request of `inputs` inputs. */
  malformed: readonly { what: string; arrange(inputs: number): Promise<void> }[];
}

/** What a model declares it cannot do, with the reason: such cases are not registered; a case checks the declaration. */
export interface EmbeddingDeclarations {
  /** The vectors have the model's own size only. */
  fixedSize?: string;
  /** There is no upstream to script. */
  noUpstream?: string;
}

export function describeEmbeddingModelContract(
  name: string,
  make: () => Promise<EmbeddingModelContractSubject>,
  teardown: () => Promise<void> = async () => {},
  declares: EmbeddingDeclarations = {},
): void {
  describe(`EmbeddingModel contract: ${name}`, () => {
    let subject: EmbeddingModelContractSubject;
    const request = (input: string[], extra: Partial<EmbedRequest> = {}): EmbedRequest => ({ model: subject.model.model, input, ...extra });
    before(async () => {
      subject = await make();
    });
    after(teardown);

    it('embeds one vector per input, in input order, the same vector for the same input', async () => {
      await subject.answer();
      const inputs = ['The invoice for the project', 'Rain in Paris tomorrow', 'A cat in the garden'];
      const all = await subject.model.embed(request(inputs), signal());
      assert.equal(all.vectors.length, 3);
      const size = all.vectors[0]?.length ?? 0;
      assert.ok(size > 0);
      for (const vector of all.vectors) {
        assert.ok(vector instanceof Float32Array);
        assert.equal(vector.length, size);
        assert.ok(vector.every(Number.isFinite));
      }
      await subject.answer();
      const one = await subject.model.embed(request([inputs[1] as string]), signal());
      assert.deepEqual([...(one.vectors[0] ?? [])], [...(all.vectors[1] ?? [])]);
      assert.notDeepEqual([...(all.vectors[0] ?? [])], [...(all.vectors[1] ?? [])]);
      assert.ok(all.usage.inputTokens === null || (Number.isInteger(all.usage.inputTokens) && all.usage.inputTokens > 0));
      assert.ok(all.usage.outputTokens === null || all.usage.outputTokens === 0, 'embeddings produce no output tokens');
    });

    it('rejects a call whose signal is already aborted', async () => {
      await subject.answer();
      const controller = new AbortController();
      controller.abort();
      const thrown = await rejection(() => subject.model.embed(request(['x']), controller.signal));
      const aborted = (thrown instanceof Error && thrown.name === 'AbortError') || (thrown instanceof FlambeauError && thrown.code === 'client_closed');
      assert.ok(aborted, `expected an abort, got ${String(thrown)}`);
    });

    if (declares.fixedSize === undefined) {
      it('embeds in the dimensions asked for', async () => {
        const dimensions = subject.dimensions;
        assert.ok(!('none' in dimensions), 'the subject names another size');
        await subject.answer();
        const { vectors } = await subject.model.embed(request(['a', 'b'], { dimensions: dimensions.other }), signal());
        assert.deepEqual(
          vectors.map((v) => v.length),
          [dimensions.other, dimensions.other],
        );
      });
    } else {
      it(`declaration holds (${declares.fixedSize}): another size is refused with unsupported_parameter`, async () => {
        assert.ok('none' in subject.dimensions, 'the subject declares a fixed size too');
        await subject.answer();
        const size = (await subject.model.embed(request(['a']), signal())).vectors[0]?.length ?? 0;
        await subject.answer();
        const error = assertCode(await rejection(() => subject.model.embed(request(['a'], { dimensions: size + 1 }), signal())), 'unsupported_parameter');
        assert.equal(error.param, 'dimensions');
      });
    }

    if (declares.noUpstream !== undefined) {
      it(`declaration holds (${declares.noUpstream}): the provider has no reachability probe`, () => {
        const upstream = subject.upstream;
        assert.ok('none' in upstream, 'the subject declares no upstream too');
        assert.equal(upstream.provider.probe, undefined);
        assert.equal(upstream.provider.id, subject.model.provider);
      });
      return;
    }
    const scripted = (): ScriptedEmbeddingUpstream => {
      const upstream = subject.upstream;
      assert.ok(!('none' in upstream), 'the subject scripts its upstream');
      return upstream;
    };

    it('maps upstream statuses 401, 429 and 500 to upstream_failed with the status', async () => {
      const upstream = scripted();
      for (const status of [401, 429, 500] as const) {
        await upstream.status(status);
        const error = assertCode(await rejection(() => subject.model.embed(request(['x']), signal())), 'upstream_failed');
        assert.equal(error.details.upstreamStatus, status);
        assert.equal(error.details.provider, subject.model.provider);
      }
    });

    it('turns a malformed upstream payload into upstream_failed naming the provider, never a TypeError', async () => {
      const upstream = scripted();
      assert.ok(upstream.malformed.length > 0, 'at least one malformed payload is tried');
      for (const bad of upstream.malformed) {
        await bad.arrange(2);
        const error = assertCode(await rejection(() => subject.model.embed(request(['a', 'b']), signal())), 'upstream_failed');
        assert.equal(error.details.provider, subject.model.provider, bad.what);
        assert.ok(!(error.cause instanceof TypeError), bad.what);
      }
    });
  });
}
