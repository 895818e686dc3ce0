import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FlambeauError } from '../../errors/index.js';
import type { ChatEvent, ChatModel, ChatRequest, ChatResult, Provider, Warning } from '../spec.js';
import { assertCode, rejection, signal } from './contract-asserts.js';

/**
 * The behaviour every ChatModel owes the gateway, run against each provider (hono's routers,
 * drizzle's drivers). A provider test calls `describeChatModelContract` with a subject that
 * arranges each case: the cloud providers script the stand-in cloud, llamacpp runs the real
 * engine. A case a model cannot run is declared up front with a reason (`ChatDeclarations`): it is
 * then not registered at all, and a case checks the declaration itself instead. No case is skipped.
 */

/** What a model declares it cannot do, with the reason; known when the suite is registered. */
export interface ChatDeclarations {
  /** There is no upstream to script (statuses, timeouts, stalls, payloads). */
  noUpstream?: string;
  /** Every setting of a request is honoured: there is no warning to test. */
  honoursEverySetting?: string;
}

/** One call to make: the model (a case may need another binding) and the request. */
export interface ChatCase {
  model: ChatModel;
  request: ChatRequest;
}

export interface ChatModelContractSubject {
  /** The model under test, built once. */
  model: ChatModel;
  /** Arranges the next call to answer exactly `text`, finishing with `stop`. */
  text(): Promise<ChatCase & { text: string }>;
  /** Arranges the next call to stop at its token limit (finish `length`). */
  length(): Promise<ChatCase>;
  /** Arranges the next call to answer with one call of tool `name` and no text. */
  toolCall(): Promise<ChatCase & { name: string; arguments: Record<string, unknown> }>;
  /** A setting the model cannot honour and the warning it gives, or a declaration that it honours every setting. */
  warnings: { unsupported(): Promise<ChatCase & { warning: Warning }> } | { none: string; everySetting(): Promise<ChatCase> };
  /** Scripted upstream behaviour, or a declaration that there is no upstream to script. */
  upstream: ScriptedUpstream | { none: string; provider: Provider };
}

export interface ScriptedUpstream {
  /** Arranges the next call to get this HTTP status with the protocol's error body (and retry-after for 429). */
  status(status: 401 | 429 | 500): Promise<ChatCase>;
  /** Arranges the next call to get no answer, on a model whose first-byte timeout is short. */
  silence(): Promise<ChatCase>;
  /** Arranges the next streamed call to send its first text then stay open; `closed` resolves once the upstream saw the client leave. */
  stall(): Promise<ChatCase & { closed(): Promise<void> }>;
  /** Arranges the next streamed call to send some text, then the protocol's in-stream error frame. */
  errorMidStream(): Promise<ChatCase & { textBefore: string }>;
  /** Payloads no real upstream should send: the next call gets them (non-JSON body, wrong-typed field...). */
  malformed: readonly { what: string; stream: boolean; arrange(): Promise<ChatCase> }[];
}

async function collect(events: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Folds streamed events as a client would: text, tool calls by index, the closing finish and usage. */
function fold(
  events: ChatEvent[],
): Pick<ChatResult, 'finish' | 'usage' | 'warnings'> & { text: string; calls: { id?: string; name?: string; args: string }[] } {
  const first = events[0];
  const last = events.at(-1);
  assert.equal(first?.type, 'stream-start', 'stream-start comes first');
  assert.equal(last?.type, 'stream-end', 'stream-end comes last');
  assert.equal(events.filter((e) => e.type === 'stream-start' || e.type === 'stream-end').length, 2, 'one stream-start, one stream-end');
  const calls: { id?: string; name?: string; args: string }[] = [];
  let text = '';
  for (const event of events) {
    if (event.type === 'text-delta') {
      assert.notEqual(event.text, '', 'no empty text deltas');
      text += event.text;
    }
    if (event.type === 'tool-call-delta') {
      const call = (calls[event.index] ??= { args: '' });
      if (event.id !== undefined) call.id ??= event.id;
      if (event.name !== undefined) call.name ??= event.name;
      call.args += event.argsDelta;
    }
  }
  return { text, calls, warnings: first.warnings, finish: last.finish, usage: last.usage };
}

/** An abort surfaces as the signal's AbortError or as client_closed; both mean "the caller left". */
function assertAborted(thrown: unknown): void {
  const aborted = (thrown instanceof Error && thrown.name === 'AbortError') || (thrown instanceof FlambeauError && thrown.code === 'client_closed');
  assert.ok(aborted, `expected an abort, got ${String(thrown)}`);
}

function assertUsage(usage: ChatResult['usage']): void {
  for (const count of [usage.inputTokens, usage.outputTokens])
    assert.ok(count === null || (Number.isInteger(count) && count >= 0), `token count ${String(count)}`);
}

export function describeChatModelContract(
  name: string,
  make: () => Promise<ChatModelContractSubject>,
  teardown: () => Promise<void> = async () => {},
  declares: ChatDeclarations = {},
): void {
  describe(`ChatModel contract: ${name}`, () => {
    let subject: ChatModelContractSubject;
    before(async () => {
      subject = await make();
    });
    after(teardown);

    it('generates the text with finish stop and usage', async () => {
      const c = await subject.text();
      const result = await c.model.generate(c.request, signal());
      assert.equal(result.text, c.text);
      assert.deepEqual(result.toolCalls, []);
      assert.equal(result.finish.reason, 'stop');
      assertUsage(result.usage);
      assert.ok(Array.isArray(result.warnings));
    });

    it('streams stream-start, text deltas that join to the generated text, and stream-end with the same finish and usage', async () => {
      const generated = await subject.text();
      const result = await generated.model.generate(generated.request, signal());
      const streamed = await subject.text();
      const folded = fold(await collect(streamed.model.stream(streamed.request, signal())));
      assert.equal(folded.text, streamed.text);
      assert.equal(folded.text, result.text);
      assert.deepEqual(folded.calls, []);
      assert.deepEqual(folded.finish, result.finish);
      assert.deepEqual(folded.usage, result.usage);
      assert.deepEqual(folded.warnings, result.warnings);
    });

    it('finishes with length at the token limit, generated and streamed', async () => {
      const generated = await subject.length();
      assert.equal((await generated.model.generate(generated.request, signal())).finish.reason, 'length');
      const streamed = await subject.length();
      assert.equal(fold(await collect(streamed.model.stream(streamed.request, signal()))).finish.reason, 'length');
    });

    it('generates a tool call: its name, its JSON arguments, finish tool-calls and no text', async () => {
      const c = await subject.toolCall();
      const result = await c.model.generate(c.request, signal());
      assert.equal(result.text, null);
      assert.equal(result.toolCalls.length, 1);
      const [call] = result.toolCalls;
      assert.ok(call !== undefined && call.id !== '');
      assert.equal(call.name, c.name);
      assert.deepEqual(JSON.parse(call.arguments), c.arguments);
      assert.equal(result.finish.reason, 'tool-calls');
    });

    it('streams a tool call: id and name on its first delta, argument deltas that join to the arguments', async () => {
      const c = await subject.toolCall();
      const events = await collect(c.model.stream(c.request, signal()));
      const folded = fold(events);
      assert.equal(folded.text, '');
      assert.equal(folded.calls.length, 1);
      const deltas = events.filter((e) => e.type === 'tool-call-delta');
      assert.ok(deltas[0]?.id !== undefined && deltas[0].id !== '', 'the first delta carries the id');
      assert.equal(deltas[0]?.name, c.name);
      assert.deepEqual(JSON.parse(folded.calls[0]?.args ?? ''), c.arguments);
      assert.equal(folded.finish.reason, 'tool-calls');
    });

    it('rejects a call whose signal is already aborted, generated and streamed', async () => {
      const controller = new AbortController();
      controller.abort();
      const generated = await subject.text();
      assertAborted(await rejection(() => generated.model.generate(generated.request, controller.signal)));
      const streamed = await subject.text();
      assertAborted(await rejection(() => collect(streamed.model.stream(streamed.request, controller.signal))));
    });

    describeWarnings(() => subject, declares);
    describeUpstream(() => subject, declares);
  });
}

function describeWarnings(subject: () => ChatModelContractSubject, declares: ChatDeclarations): void {
  if (declares.honoursEverySetting !== undefined) {
    it(`declaration holds (${declares.honoursEverySetting}): no warning for a request that uses every setting`, async () => {
      const warnings = subject().warnings;
      assert.ok('none' in warnings, 'the subject declares it honours every setting too');
      const c = await warnings.everySetting();
      assert.deepEqual((await c.model.generate(c.request, signal())).warnings, []);
    });
    return;
  }
  it('warns about a setting it cannot honour, at stream-start and in the result', async () => {
    const warnings = subject().warnings;
    assert.ok(!('none' in warnings), 'the subject names a setting it cannot honour');
    const generated = await warnings.unsupported();
    assert.ok(
      (await generated.model.generate(generated.request, signal())).warnings.some(
        (w) => w.setting === generated.warning.setting && w.kind === generated.warning.kind,
      ),
    );
    const streamed = await warnings.unsupported();
    assert.ok(fold(await collect(streamed.model.stream(streamed.request, signal()))).warnings.some((w) => w.setting === streamed.warning.setting));
  });
}

function describeUpstream(subject: () => ChatModelContractSubject, declares: ChatDeclarations): void {
  if (declares.noUpstream !== undefined) {
    it(`declaration holds (${declares.noUpstream}): the provider has no reachability probe`, () => {
      const upstream = subject().upstream;
      assert.ok('none' in upstream, 'the subject declares no upstream too');
      // `Provider.probe` is the remote providers' reachability check: no probe, nothing remote to script.
      assert.equal(upstream.provider.probe, undefined);
      assert.equal(upstream.provider.id, subject().model.provider);
    });
    return;
  }
  const scripted = (): ScriptedUpstream => {
    const upstream = subject().upstream;
    assert.ok(!('none' in upstream), 'the subject scripts its upstream');
    return upstream;
  };

  it('maps upstream statuses 401, 429 and 500 to upstream_failed with the status, generated and streamed', async () => {
    const upstream = scripted();
    for (const status of [401, 429, 500] as const) {
      const generated = await upstream.status(status);
      const error = assertCode(await rejection(() => generated.model.generate(generated.request, signal())), 'upstream_failed');
      assert.equal(error.details.upstreamStatus, status);
      assert.equal(error.details.provider, generated.model.provider);
      if (status === 429) assert.notEqual(error.details.retryAfter, null, 'retry-after is kept');
      const streamed = await upstream.status(status);
      const early: ChatEvent[] = [];
      const streamError = assertCode(
        await rejection(async () => {
          for await (const e of streamed.model.stream(streamed.request, signal())) early.push(e);
        }),
        'upstream_failed',
      );
      assert.equal(streamError.details.upstreamStatus, status);
      assert.deepEqual(
        early.filter((e) => e.type !== 'stream-start'),
        [],
        'nothing but stream-start before a failed status',
      );
    }
  });

  it('maps an upstream that does not answer in time to upstream_timeout', async () => {
    const upstream = scripted();
    const generated = await upstream.silence();
    assertCode(await rejection(() => generated.model.generate(generated.request, signal())), 'upstream_timeout');
    const streamed = await upstream.silence();
    assertCode(await rejection(() => collect(streamed.model.stream(streamed.request, signal()))), 'upstream_timeout');
  });

  it('aborting mid-stream rejects the stream and closes the upstream; so does a consumer that stops early', async () => {
    const upstream = scripted();
    const aborted = await upstream.stall();
    const controller = new AbortController();
    const seen: ChatEvent[] = [];
    assertAborted(
      await rejection(async () => {
        for await (const event of aborted.model.stream(aborted.request, controller.signal)) {
          seen.push(event);
          if (event.type === 'text-delta') controller.abort();
        }
      }),
    );
    assert.equal(seen.at(-1)?.type, 'text-delta');
    await aborted.closed();
    const left = await upstream.stall();
    for await (const event of left.model.stream(left.request, signal())) if (event.type === 'text-delta') break;
    await left.closed();
  });

  it('throws upstream_failed on an in-stream error frame, after the text before it', async () => {
    const upstream = scripted();
    const c = await upstream.errorMidStream();
    const seen: ChatEvent[] = [];
    const error = assertCode(
      await rejection(async () => {
        for await (const e of c.model.stream(c.request, signal())) seen.push(e);
      }),
      'upstream_failed',
    );
    assert.equal(error.details.provider, c.model.provider);
    assert.equal(seen[0]?.type, 'stream-start');
    assert.equal(seen.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join(''), c.textBefore);
  });

  it('turns a malformed upstream payload into upstream_failed naming the provider, never a TypeError', async () => {
    const upstream = scripted();
    assert.ok(upstream.malformed.length > 0, 'at least one malformed payload is tried');
    for (const bad of upstream.malformed) {
      const c = await bad.arrange();
      const run = bad.stream ? () => collect(c.model.stream(c.request, signal())) : () => c.model.generate(c.request, signal());
      const error = assertCode(await rejection(run), 'upstream_failed');
      assert.equal(error.details.provider, c.model.provider, bad.what);
      assert.match(error.message, new RegExp(`^${c.model.provider} `), bad.what);
      assert.ok(!(error.cause instanceof TypeError), `${bad.what}: read by the wire schema, not tripped over`);
    }
  });
}
