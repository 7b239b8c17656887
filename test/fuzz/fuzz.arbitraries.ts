import fc from 'fast-check';
import type { OpenApiDocument } from '../../adapters/http/openapi';

type Schema = Record<string, unknown>;

/** Random values of every JSON type, small and nasty: empty, huge numbers, control and CJK characters. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, '', ' ', '\u0000', '通话', '<script>', '../..', '%00', 'null', '[]', '{}'),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Strings that look like ids or break them: minted-looking, real-looking, traversal, unicode, too long. */
export const oddStrings: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '..', '../etc/passwd', '%2e%2e', 'null', 'undefined', '0', '-1', '通话', 'a'.repeat(129), 'c_', "' OR 1=1 --", '\\', '*'),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[a-z]_[a-z2-7]{20}$/),
);

/**
 * Values for a JSON Schema as zod's toJSONSchema writes it (draft 2020-12): mostly valid-looking (required fields
 * present, enums, formats, bounds), so requests reach the use-cases, with a share of mutations (a required field
 * dropped, an unknown field added, a leaf of the wrong type) so that validation is exercised too. `$ref`s resolve
 * inside `document`.
 */
export function arbitraryForSchema(document: OpenApiDocument, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const valid = validLike(document, schema, depth);
  if (depth > 0) return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: anyJson, weight: 1 });
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: mutated(valid), weight: 3 }, { arbitrary: anyJson, weight: 1 });
}

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  let current = schema;
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i++) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    let node: unknown = document;
    for (const part of path) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = { ...(node as Schema), ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
  }
  return current;
}

function validLike(document: OpenApiDocument, raw: Schema, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (depth > 6) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => validLike(document, s, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return validLike(document, schema.allOf[0] as Schema, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type[0] as string) : (schema.type as string | undefined);
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: boundOf(schema.minimum, -1000), max: boundOf(schema.maximum, 100_000) });
    case 'number':
      return fc.double({ min: boundOf(schema.minimum, -1000), max: boundOf(schema.maximum, 100_000), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema.items ?? {}) as Schema;
      const minLength = Math.min(Number(schema.minItems ?? 0), 3);
      return fc.array(validLike(document, items, depth + 1), { minLength, maxLength: Math.max(minLength, 3) });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties)) record[key] = validLike(document, value, depth + 1);
      if (Object.keys(record).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
      return fc.record(record, { requiredKeys: Object.keys(record).filter((k) => required.has(k)) });
    }
    default:
      return anyJson;
  }
}

function boundOf(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(Math.min(value, 1e9), -1e9) : fallback;
}

const INSTANTS = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2028, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

/** Words the hub's data really holds, so filters and lookups sometimes match. */
const DOMAIN_WORDS = ['退款', 'refund', 'vip', 'north', 'a-zhangwei', 'SENSITIVE_WORD', 'default', '2026-11'];

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const minLength = Math.min(Number(schema.minLength ?? 0), 4096);
  const maxLength = Math.max(Math.min(Number(schema.maxLength ?? 24), 24), minLength);
  if (schema.format === 'date-time') return fc.oneof(INSTANTS, fc.constantFrom('2026-13-01T00:00:00Z', 'yesterday', '2026-01-01'));
  if (schema.format === 'uri') return fc.constantFrom('https://asr.example.com/v1', 'http://127.0.0.1:9/x', 'not a url', 'ftp://x');
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, 4096));
    } catch {
      return fc.string({ minLength, maxLength });
    }
  }
  const words = DOMAIN_WORDS.filter((w) => w.length >= minLength && w.length <= Math.max(maxLength, minLength));
  const free = fc.string({ minLength, maxLength: Math.max(maxLength, minLength) });
  // No `.filter` on generators here: a filter nothing passes makes fast-check retry for ever.
  return words.length === 0 ? free : fc.oneof({ arbitrary: free, weight: 3 }, { arbitrary: fc.constantFrom(...words), weight: 2 });
}

/** A valid-looking value with one thing wrong: a required field missing, an unknown one added, a wrong-typed leaf. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), anyJson, fc.constantFrom('drop', 'add', 'retype')).map(([value, pick, junk, how]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return junk;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? (keys[pick % keys.length] as string) : 'unexpected';
    if (how === 'drop') delete copy[key];
    else if (how === 'add') copy[`x${pick % 7}`] = junk;
    else copy[key] = junk;
    return copy;
  });
}
