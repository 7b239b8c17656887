import { CallsightError } from '../shared/errors';

/** A value that canonical JSON can represent. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/**
 * Canonical JSON (the form RFC 8785 JCS gives for the values we store), so that the same event always hashes
 * to the same bytes on every runtime and after a database round trip:
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace anywhere;
 * - properties whose value is `undefined` are omitted (as JSON.stringify does);
 * - numbers in ECMAScript shortest round-trip form (`1`, `0.1`, `1e+21`), `-0` written as `0`;
 *   NaN and ±Infinity are rejected;
 * - strings escaped as JSON.stringify escapes them (lone surrogates as `\udXXX`);
 * - only plain objects, arrays, strings, finite numbers, booleans and null: Dates, Maps, class instances,
 *   bigint, functions and `undefined` inside arrays are rejected with VALIDATION_FAILED.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw reject(path, 'a non-finite number');
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      break;
    default:
      throw reject(path, `a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item, i) => {
        if (item === undefined) throw reject(`${path}[${i}]`, 'undefined');
        return write(item, `${path}[${i}]`);
      })
      .join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) throw reject(path, 'a non-plain object');
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

function reject(path: string, what: string): CallsightError {
  return new CallsightError('VALIDATION_FAILED', `Canonical JSON cannot represent ${what} at ${path}; convert it to a string, number, boolean, null, array or plain object.`);
}
