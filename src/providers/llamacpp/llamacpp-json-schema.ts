import type { GbnfJsonSchema } from 'node-llama-cpp';

/**
 * JSON Schema -> the subset node-llama-cpp turns into a grammar (GbnfJsonSchema). Keywords the
 * grammar cannot enforce (pattern, minimum, most formats...) are dropped and listed in
 * `notEnforced`, so the caller can warn; shapes it cannot express at all fail with a reason.
 *
 * Two narrowings need no warning, as every output stays valid under the original schema:
 * node-llama-cpp always emits every declared property, and adds no undeclared property unless
 * `additionalProperties` allows it (here: only when an object declares no properties).
 */
export type SchemaConversion = { ok: true; schema: GbnfJsonSchema; notEnforced: string[] } | { ok: false; reason: string };

type Json = Record<string, unknown>;
type Out = Record<string, unknown>;

/** Annotations without effect on validity: dropped silently. */
const METADATA = new Set([
  'title',
  'default',
  'examples',
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'strict',
]);
const FORMATS = new Set(['date-time', 'time', 'date']);
const SCALARS = new Set(['string', 'number', 'integer', 'boolean', 'null']);
/** Keywords each converter reads; anything else on the node is reported as not enforced. */
const HANDLED: Record<string, string[]> = {
  common: ['type', 'description', '$defs', 'definitions', 'nullable'],
  string: ['minLength', 'maxLength', 'format'],
  object: ['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties'],
  array: ['items', 'prefixItems', 'minItems', 'maxItems'],
};

/** Any JSON value: what an empty schema (`{}` or `true`) allows. */
const ANY: GbnfJsonSchema = {
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'array' }, { type: 'object', additionalProperties: true }],
};

class Unsupported {
  constructor(readonly reason: string) {}
}

export function toGbnfJsonSchema(schema: unknown): SchemaConversion {
  const notEnforced: string[] = [];
  try {
    return { ok: true, schema: convert(schema, '$', notEnforced) as GbnfJsonSchema, notEnforced };
  } catch (thrown) {
    if (thrown instanceof Unsupported) return { ok: false, reason: thrown.reason };
    throw thrown;
  }
}

function convert(node: unknown, path: string, notEnforced: string[]): Out {
  if (node === true) return { ...ANY };
  if (node === false) throw new Unsupported(`${path}: the schema \`false\` allows no value`);
  if (!isObject(node)) throw new Unsupported(`${path}: a schema must be an object`);
  if (node.nullable === true) {
    const { nullable: _, ...rest } = node;
    return { oneOf: [convert(rest, path, notEnforced), { type: 'null' }] };
  }
  const out = dispatch(node, path, notEnforced);
  const defs = convertDefs(node, path, notEnforced);
  if (defs && ('$ref' in out || 'oneOf' in out || out.type === 'object' || out.type === 'array')) out.$defs = defs;
  if (typeof node.description === 'string') out.description = node.description;
  return out;
}

function dispatch(node: Json, path: string, notEnforced: string[]): Out {
  if ('$ref' in node) return convertRef(node, path, notEnforced);
  if ('allOf' in node) return convertAllOf(node, path, notEnforced);
  if ('anyOf' in node || 'oneOf' in node) return convertAlternatives(node, path, notEnforced);
  if ('const' in node) return { const: literal(node.const, path), ...ignoreRest(node, ['const'], path, notEnforced) };
  if ('enum' in node) {
    if (!Array.isArray(node.enum)) throw new Unsupported(`${path}: enum must be an array`);
    return { enum: node.enum.map((v) => literal(v, path)), ...ignoreRest(node, ['enum'], path, notEnforced) };
  }
  const type = node.type ?? inferType(node);
  if (type === undefined) {
    ignoreRest(node, [], path, notEnforced);
    return { ...ANY };
  }
  if (Array.isArray(type)) return convertTypeList(node, type, path, notEnforced);
  switch (type) {
    case 'object':
      return convertObject(node, path, notEnforced);
    case 'array':
      return convertArray(node, path, notEnforced);
    case 'string':
      return convertString(node, path, notEnforced);
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      ignoreRest(node, [], path, notEnforced);
      return { type };
    default:
      throw new Unsupported(`${path}: unknown type ${JSON.stringify(type)}`);
  }
}

function convertRef(node: Json, path: string, notEnforced: string[]): Out {
  const ref = node.$ref;
  const match = typeof ref === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  if (!match) throw new Unsupported(`${path}: only local references to #/$defs/... or #/definitions/... are supported (got ${JSON.stringify(ref)})`);
  ignoreRest(node, ['$ref'], path, notEnforced);
  return { $ref: `#/$defs/${match[1]}` };
}

function convertAllOf(node: Json, path: string, notEnforced: string[]): Out {
  const parts = node.allOf;
  if (!Array.isArray(parts) || parts.length !== 1) throw new Unsupported(`${path}: allOf is supported with one schema only`);
  const { allOf: _, ...rest } = node;
  // `{ allOf: [X], description }` is how generators wrap a reference: merge and convert.
  return dispatch({ ...(parts[0] as Json), ...rest }, path, notEnforced);
}

function convertAlternatives(node: Json, path: string, notEnforced: string[]): Out {
  const key = 'anyOf' in node ? 'anyOf' : 'oneOf';
  const alternatives = node[key];
  if (!Array.isArray(alternatives) || alternatives.length === 0) throw new Unsupported(`${path}: ${key} needs a non-empty array`);
  ignoreRest(node, [key, 'anyOf', 'oneOf'], path, notEnforced);
  if ('anyOf' in node && 'oneOf' in node) notEnforced.push(`${path}: oneOf (beside anyOf)`);
  return { oneOf: alternatives.map((alt, i) => convert(alt, `${path}.${key}[${i}]`, notEnforced)) };
}

/** `type: [...]`: a plain list of scalars stays one schema; objects, arrays or string limits need a oneOf. */
function convertTypeList(node: Json, types: unknown[], path: string, notEnforced: string[]): Out {
  const stringLimits = (HANDLED.string ?? []).some((key) => key in node);
  if (types.every((t) => typeof t === 'string' && SCALARS.has(t)) && !(stringLimits && types.includes('string'))) {
    ignoreRest(node, [], path, notEnforced);
    return { type: types };
  }
  return {
    oneOf: types.map((t) => (typeof t === 'string' && SCALARS.has(t) && t !== 'string' ? { type: t } : dispatch({ ...node, type: t }, path, notEnforced))),
  };
}

function convertObject(node: Json, path: string, notEnforced: string[]): Out {
  ignoreRest(node, HANDLED.object ?? [], path, notEnforced);
  const out: Out = { type: 'object' };
  const properties = node.properties;
  if (properties !== undefined && !isObject(properties)) throw new Unsupported(`${path}.properties must be an object`);
  const names = Object.keys(properties ?? {});
  if (properties && names.length > 0) {
    out.properties = Object.fromEntries(names.map((name) => [name, convert(properties[name], `${path}.properties.${name}`, notEnforced)]));
  }
  const extra = node.additionalProperties;
  if (extra === undefined) out.additionalProperties = names.length === 0;
  else if (typeof extra === 'boolean') out.additionalProperties = extra;
  else out.additionalProperties = convert(extra, `${path}.additionalProperties`, notEnforced);
  for (const key of ['minProperties', 'maxProperties'] as const) if (typeof node[key] === 'number') out[key] = node[key];
  return out;
}

function convertArray(node: Json, path: string, notEnforced: string[]): Out {
  ignoreRest(node, HANDLED.array ?? [], path, notEnforced);
  const out: Out = { type: 'array' };
  // Draft 4-2019 tuples: `items: [A, B]`; 2020-12: `prefixItems: [A, B]` (+ `items` for the rest).
  const tuple = Array.isArray(node.items) ? node.items : node.prefixItems;
  if (Array.isArray(tuple)) out.prefixItems = tuple.map((item, i) => convert(item, `${path}.prefixItems[${i}]`, notEnforced));
  if (node.items !== undefined && !Array.isArray(node.items)) out.items = convert(node.items, `${path}.items`, notEnforced);
  for (const key of ['minItems', 'maxItems'] as const) if (typeof node[key] === 'number') out[key] = node[key];
  return out;
}

function convertString(node: Json, path: string, notEnforced: string[]): Out {
  ignoreRest(node, HANDLED.string ?? [], path, notEnforced);
  if (typeof node.format === 'string') {
    if (FORMATS.has(node.format)) return { type: 'string', format: node.format };
    notEnforced.push(`${path}: format ${node.format}`);
  }
  const out: Out = { type: 'string' };
  for (const key of ['minLength', 'maxLength'] as const) if (typeof node[key] === 'number') out[key] = node[key];
  return out;
}

function convertDefs(node: Json, path: string, notEnforced: string[]): Out | undefined {
  const all = { ...(isObject(node.definitions) ? node.definitions : {}), ...(isObject(node.$defs) ? node.$defs : {}) };
  const names = Object.keys(all);
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, convert(all[name], `${path}.$defs.${name}`, notEnforced)]));
}

function inferType(node: Json): string | undefined {
  if ('properties' in node || 'additionalProperties' in node) return 'object';
  if ('items' in node || 'prefixItems' in node) return 'array';
  if ('minLength' in node || 'maxLength' in node || 'pattern' in node || 'format' in node) return 'string';
  return undefined;
}

/** Reports the keywords of `node` that nobody reads; returns nothing to spread. */
function ignoreRest(node: Json, read: string[], path: string, notEnforced: string[]): Out {
  for (const key of Object.keys(node)) {
    if (read.includes(key) || (HANDLED.common ?? []).includes(key) || METADATA.has(key)) continue;
    notEnforced.push(`${path}: ${key}`);
  }
  return {};
}

function literal(value: unknown, path: string): string | number | boolean | null {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as string | number | boolean | null;
  throw new Unsupported(`${path}: const/enum values must be strings, numbers, booleans or null`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
