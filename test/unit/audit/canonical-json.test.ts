import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../core/audit/canonical-json';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [true, null, 'x'], c: { z: 0, y: -0 } }, '{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0}}'],
    [{ n: 1e21, f: 0.1, i: 100, e: 1e-7 }, '{"e":1e-7,"f":0.1,"i":100,"n":1e+21}'],
    [{ 中文: '退费', A: 'é\n"' }, '{"A":"é\\n\\"","中文":"退费"}'],
    [{ skip: undefined, keep: null }, '{"keep":null}'],
    [[], '[]'],
    ['\u2028', '"\u2028"'],
  ])('writes %j canonically', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text whatever the key insertion order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(canonicalJson({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ b: 1, B: 2, '\u00e9': 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it.each([
    [{ x: Number.NaN }, /non-finite number at \$\.x/],
    [{ x: Number.POSITIVE_INFINITY }, /non-finite/],
    [{ at: new Date(0) }, /non-plain object at \$\.at/],
    [[1, undefined], /undefined at \$\[1\]/],
    [{ big: 1n }, /a bigint/],
    [{ f: () => 1 }, /a function/],
  ])('rejects unrepresentable value #%# with its path', (value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
