import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toGbnfJsonSchema } from './llamacpp-json-schema.js';

const ANY = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array' }, { type: 'object', additionalProperties: true }],
};

describe('toGbnfJsonSchema', () => {
  const converts: Array<{ name: string; schema: unknown; expected: unknown; notEnforced?: string[] }> = [
    {
      name: 'an object keeps its properties, descriptions and limits; declared properties exclude others',
      schema: {
        type: 'object',
        title: 'Weather query',
        properties: { city: { type: 'string', description: 'City name', maxLength: 40 }, days: { type: 'integer' } },
        required: ['city'],
      },
      expected: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 40, description: 'City name' }, days: { type: 'integer' } },
        additionalProperties: false,
      },
    },
    {
      name: 'an object without properties is free-form (JSON Schema default), not the empty object',
      schema: { type: 'object' },
      expected: { type: 'object', additionalProperties: true },
    },
    {
      name: 'unenforceable keywords are dropped and reported with their path',
      schema: { type: 'object', properties: { email: { type: 'string', format: 'email' }, age: { type: 'number', minimum: 0 } } },
      expected: { type: 'object', properties: { email: { type: 'string' }, age: { type: 'number' } }, additionalProperties: false },
      notEnforced: ['$.properties.email: format email', '$.properties.age: minimum'],
    },
    {
      name: 'anyOf becomes oneOf; nullable and type lists with null become alternatives',
      schema: { anyOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'boolean', nullable: true } } }] },
      expected: {
        oneOf: [{ type: 'string' }, { type: 'object', properties: { a: { oneOf: [{ type: 'boolean' }, { type: 'null' }] } }, additionalProperties: false }],
      },
    },
    {
      name: 'a list of scalar types stays one schema',
      schema: { type: ['integer', 'null'] },
      expected: { type: ['integer', 'null'] },
    },
    {
      name: '#/definitions references become $defs references, defs travel with the root',
      schema: {
        type: 'object',
        properties: { p: { $ref: '#/definitions/Point' } },
        definitions: { Point: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } },
      },
      expected: {
        type: 'object',
        properties: { p: { $ref: '#/$defs/Point' } },
        additionalProperties: false,
        $defs: { Point: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } },
      },
    },
    {
      name: 'a one-schema allOf (a wrapped reference) is merged',
      schema: { allOf: [{ type: 'string', enum: ['a', 'b'] }], description: 'letter' },
      expected: { enum: ['a', 'b'], description: 'letter' },
    },
    {
      name: 'empty schemas and inferred types',
      schema: { type: 'object', properties: { anything: {}, list: { items: { const: 3 } }, when: { format: 'date' } } },
      expected: {
        type: 'object',
        properties: { anything: ANY, list: { type: 'array', items: { const: 3 } }, when: { type: 'string', format: 'date' } },
        additionalProperties: false,
      },
    },
    {
      name: 'draft-4 tuple items become prefixItems',
      schema: { type: 'array', items: [{ type: 'string' }, { type: 'boolean' }], uniqueItems: true },
      expected: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }] },
      notEnforced: ['$: uniqueItems'],
    },
  ];
  for (const c of converts) {
    it(c.name, () => {
      const result = toGbnfJsonSchema(c.schema);
      assert.ok(result.ok, result.ok ? '' : result.reason);
      assert.deepEqual(result.schema, c.expected);
      assert.deepEqual(result.notEnforced, c.notEnforced ?? []);
    });
  }

  const refuses: Array<{ name: string; schema: unknown; reason: RegExp }> = [
    { name: 'remote references', schema: { $ref: 'https://example.com/schema.json' }, reason: /only local references/ },
    { name: 'allOf of several schemas', schema: { allOf: [{ type: 'object' }, { required: ['a'] }] }, reason: /allOf/ },
    { name: 'the false schema', schema: { type: 'object', properties: { never: false } }, reason: /\$\.properties\.never/ },
    { name: 'object constants', schema: { const: { a: 1 } }, reason: /const\/enum/ },
    { name: 'unknown types', schema: { type: 'decimal' }, reason: /unknown type/ },
  ];
  for (const c of refuses) {
    it(`refuses ${c.name}`, () => {
      const result = toGbnfJsonSchema(c.schema);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, c.reason);
    });
  }
});
