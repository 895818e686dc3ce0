import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../providers/spec.js';
import type { Detector, Span } from './pii-types.js';
import { inspectEgress } from './egress-inspect.js';
import { Pacer, runSync, scanPaced } from './paced-scan.js';
import { createPrivacyGuard } from './privacy-guard.js';
import { privacyConfigSchema } from './privacy-config.js';
import { ScanMemo } from './scan-memo.js';
import { createScanner } from './scanner.js';

/** A detector that counts the texts it reads and finds every "Sophie". */
function countingDetector(): Detector & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: 'counting',
    type: 'PERSON',
    calls,
    detect(text) {
      calls.push(text);
      const spans: Span[] = [];
      for (let at = text.indexOf('Sophie'); at !== -1; at = text.indexOf('Sophie', at + 1))
        spans.push({ type: 'PERSON', start: at, end: at + 6, detector: 'counting' });
      return spans;
    },
  };
}

const conversation = (turns: number): ChatRequest => ({
  model: 'm',
  messages: [
    { role: 'system', content: 'You help Sophie with her bank.' },
    ...Array.from({ length: turns }, (_, i) => ({ role: 'user' as const, content: `Turn ${i}: hello, Sophie here.` })),
  ],
});

describe('ScanMemo', () => {
  it('scans a text sent again once, and gives the same spans as a fresh scan', () => {
    const detector = countingDetector();
    const scanner = createScanner({ detect: [], custom: [] }, { detectors: [detector] });
    const memo = new ScanMemo();
    const text = 'Sophie writes to Sophie.';
    const first = runSync(scanPaced(scanner, text, new Pacer(), memo));
    const again = runSync(scanPaced(scanner, text, new Pacer(), memo));
    const fresh = runSync(scanPaced(scanner, text, new Pacer()));
    assert.equal(detector.calls.filter((t) => t === text).length, 2); // the first scan and the fresh one
    assert.deepEqual(again, fresh);
    assert.deepEqual(first, fresh);
    assert.ok(Object.isFrozen(again.spans) && Object.isFrozen(again.spans[0]));
  });

  it('rescans each turn only what is new: the conversation so far is remembered', () => {
    const detector = countingDetector();
    const scanner = createScanner({ detect: [], custom: [] }, { detectors: [detector] });
    const reference = createScanner({ detect: [], custom: [] }, { detectors: [countingDetector()] });
    const memo = new ScanMemo();
    for (let turns = 1; turns <= 5; turns++) {
      assert.deepEqual(runSync(inspectEgress(conversation(turns), scanner, memo)), runSync(inspectEgress(conversation(turns), reference)));
    }
    // Each message was read alone once over the five turns (the seam windows across them change each turn).
    const messages = conversation(5).messages.map((m) => m.content as string);
    for (const text of messages) assert.equal(detector.calls.filter((t) => t === text).length, 1, text);
  });

  it('does not keep a scan in which a detector failed', () => {
    let fail = true;
    const flaky: Detector = {
      name: 'flaky',
      type: 'PERSON',
      detect: () => {
        if (fail) throw new Error('boom');
        return [];
      },
    };
    const scanner = createScanner({ detect: [], custom: [] }, { detectors: [flaky] });
    const memo = new ScanMemo();
    assert.equal(runSync(scanPaced(scanner, 'a text', new Pacer(), memo)).failures.length, 1);
    fail = false;
    assert.equal(runSync(scanPaced(scanner, 'a text', new Pacer(), memo)).failures.length, 0);
  });

  it('keys only texts it can key exactly: a lone surrogate is never folded into U+FFFD', () => {
    const memo = new ScanMemo();
    assert.equal(memo.keyOf('a\uD800b'), null);
    assert.equal(memo.keyOf('a\uDC00'), null);
    assert.notEqual(memo.keyOf('a\uFFFDb'), null);
    assert.notEqual(memo.keyOf('a\uD83D\uDE00b'), null);
    const detector = countingDetector();
    const scanner = createScanner({ detect: [], custom: [] }, { detectors: [detector] });
    runSync(scanPaced(scanner, 'Sophie\uD800', new Pacer(), memo));
    runSync(scanPaced(scanner, 'Sophie\uD800', new Pacer(), memo));
    assert.equal(detector.calls.length, 2);
  });

  it('holds at most its entries and its spans, keeping what was used lately', () => {
    const memo = new ScanMemo(4, 8); // generations of 2 scans and 4 spans
    const spans = (n: number) => ({
      spans: Array.from({ length: n }, (_, k): Span => ({ type: 'PERSON', start: k, end: k + 1, detector: 'x' })),
      failures: [],
    });
    memo.set('a', spans(1));
    memo.set('b', spans(1));
    memo.set('c', spans(1)); // a and b become the older generation
    assert.notEqual(memo.get('a'), undefined); // used: back in the recent one
    memo.set('d', spans(1)); // the older generation (b) is dropped
    assert.equal(memo.get('b'), undefined);
    assert.notEqual(memo.get('a'), undefined);
    for (const key of ['e', 'f', 'g', 'h', 'i']) {
      memo.set(key, spans(1));
      assert.ok(memo.size <= 4);
    }
    memo.set('j', spans(3));
    memo.set('k', spans(3)); // 6 spans in one generation: k starts a new one
    assert.notEqual(memo.get('j'), undefined);
    memo.set('big', spans(5)); // more than a generation's room: not kept
    assert.equal(memo.get('big'), undefined);
  });

  it('gives a privacy guard the same inspection and the same rewrite on a repeat', async () => {
    const guard = createPrivacyGuard(privacyConfigSchema.parse({ cloud: 'pseudonymize' }));
    const request: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'Je suis Sophie Lambert, écrivez à sophie.lambert@exemple.fr.' }],
    };
    const first = await guard.inspectChat(request);
    const again = await guard.inspectChat(request);
    assert.deepEqual(again.findings, first.findings);
    assert.ok(Object.keys(first.findings).length > 0);
    const a = guard.prepareChat(request, 'cloud', first);
    const b = guard.prepareChat(request, 'cloud', again);
    assert.ok(a.allowed && b.allowed);
    assert.deepEqual(a.request, b.request);
    assert.doesNotMatch(JSON.stringify(b.request), /sophie\.lambert@exemple\.fr/);
  });
});
