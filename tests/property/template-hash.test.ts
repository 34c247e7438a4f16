/**
 * The pod-template hash names what every running server was rolled to, so its value for a given
 * template must never change: it is checked against a plain reference (JSON with keys sorted one
 * member at a time, hashed with FNV-1a 64) on arbitrary JSON, including keys engines order
 * specially (integer-like, `__proto__`), and it must not depend on key order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podTemplateHash } from '../../lib/cluster/upgrade.js';
import { contentHash } from '../../lib/k8s/hash.js';
import { params } from './support/config.js';

function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('0', '1', '10', '9', '2a', '-1', '__proto__', 'constructor', 'toJSON', 'a', 'B', 'é', '😀'));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(key, fc.option(tie('value'), { nil: undefined })), { maxLength: 5 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }),
})).value;

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).reverse()) Object.defineProperty(out, k, { value: reversedKeys((value as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

describe('podTemplateHash', () => {
  it('equals FNV-1a 64 of the sorted-key reference JSON', () => {
    fc.assert(fc.property(fc.dictionary(key, json, { maxKeys: 5 }), (template) => {
      expect(podTemplateHash(template)).toBe(contentHash(reference(template)));
    }), params(400));
  });

  it('does not depend on key order', () => {
    fc.assert(fc.property(fc.dictionary(key, json, { maxKeys: 5 }), (template) => {
      expect(podTemplateHash(reversedKeys(template))).toBe(podTemplateHash(template));
    }), params(200));
  });
});
