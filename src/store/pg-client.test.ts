import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './pg-client.js';

describe('redactUrl', () => {
  it('masks a password in the user part and in the query, keeps the rest readable', () => {
    assert.equal(redactUrl('postgres://app:s3cret@db:5432/flambeau'), 'postgres://app:***@db:5432/flambeau');
    const query = redactUrl('postgres://app@db/flambeau?password=s3cret&sslmode=require&sslpassword=k3y');
    assert.ok(!query.includes('s3cret') && !query.includes('k3y'), query);
    assert.match(query, /sslmode=require/);
    assert.equal(redactUrl('not a url'), 'postgres://[unparseable url]');
  });
});
