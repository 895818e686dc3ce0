import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretDetector } from './secret-detector.js';
import { PROVIDER_TOKENS } from './secret-token-formats.js';

/** One made-up token per format of PROVIDER_TOKENS, in the same order; `secret` is what must be flagged. */
const EXAMPLES: { token: string; secret?: string }[] = [
  { token: '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAx3Kq9Lm2Np8Rt4Vw\n-----END RSA PRIVATE KEY-----' },
  { token: 'sk-proj-Xb7Qk29LmZpR4tVw8NcYhJ3sDf6GuA1e' },
  { token: 'AKIAQ7RZL4MNXW2PTY3B' },
  { token: 'ghp_R8sT2vW6yZ0bC4dF7hJ1kM3nP5qS9uX2aE6g' },
  { token: 'github_pat_11ABCDEFG0123456789abcdefghijklmnop' },
  { token: 'glpat-9xQwErTy7UiOp3AsDfGh' },
  { token: 'xoxb-2048719352-5817392018-Rt7YwQ2pL9sX4vK8mN3bZ6cH' },
  { token: 'https://hooks.slack.com/services/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' },
  { token: 'AIzaSyD3kF9xQ7mZ2pL8vR4nT6wY1bC5hJ0aG3E' },
  { token: 'rk_test_51HxQ2bKd8Lm3Nv7Rt9Yw4Pz6' },
  { token: 'whsec_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi' },
  { token: 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789' },
  { token: 'npm_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Ef3Hi5' },
  { token: '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' },
  { token: 'SK0123456789abcdef0123456789abcdef' },
  { token: 'gsk_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Ef3Hi5Kl7M' },
  { token: 'pplx-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1Ef3Hi5Kl7M' },
  { token: 'r8_Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1E' },
  { token: `dop_v1_${'0123456789abcdef'.repeat(4)}` },
  { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MjQyIn0.Zk2Lp9Qw4Er7Ty1Ui8Op5A' },
  { token: 'AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2Rl==', secret: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2Rl==' },
  { token: 'Bearer ya29.a0AfH6SMBx9Kq2Lm7Np4Rt8Vw3Yz6Bc1Df5Gh', secret: 'ya29.a0AfH6SMBx9Kq2Lm7Np4Rt8Vw3Yz6Bc1Df5Gh' },
];

function found(text: string): string[] {
  return secretDetector.detect(text).map((s) => text.slice(s.start, s.end));
}

describe('provider token formats', () => {
  it('has one example per format, each matching its own format', () => {
    assert.equal(EXAMPLES.length, PROVIDER_TOKENS.length);
    EXAMPLES.forEach(({ token }, i) => assert.ok(new RegExp(`^(?:${PROVIDER_TOKENS[i]!.source})$`).test(token), token));
  });

  for (const { token, secret = token } of EXAMPLES) {
    it(`finds ${token.slice(0, 16)}... alone, in a sentence and in code`, () => {
      assert.deepEqual(found(token), [secret]);
      assert.deepEqual(found(`Voici la clé : ${token}. Merci`), [secret]);
      assert.deepEqual(found(`config = {"k": "${token}", "x": 1}`), [secret]);
    });
  }

  it('leaves tokens glued to a word, and look-alikes', () => {
    assert.deepEqual(found('xsk-proj-Xb7Qk29LmZpR4tVw8NcYhJ3sDf6GuA1e my_ghp_R8sT2vW6yZ0bC4dF7hJ1kM3nP5qS9uX2aE6g'), []);
    assert.deepEqual(found('sk-short, ghp_tooShort, AKIA123, le peut-être d’un sous_dossier, 2024-05-17'), []);
  });
});
