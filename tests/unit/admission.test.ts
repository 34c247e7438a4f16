import { describe, expect, it } from 'vitest';
import { admit } from '../../lib/crd/admission.js';
import type { JsonSchema } from '../../lib/crd/structural.js';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'string', pattern: '^\\d+Gi$' },
        servers: { type: 'integer', minimum: 2, maximum: 20, default: 3 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
        tls: { type: 'object', properties: { mode: { type: 'string', default: 'on' }, issuer: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        quantity: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    },
  },
};

const cr = (spec: Record<string, unknown>) => ({ apiVersion: 'g/v1', kind: 'K', metadata: { name: 'x', namespace: 'n' }, spec });

describe('admit', () => {
  it('applies defaults at every level that exists, and only there', () => {
    const { object, errors } = admit(schema, cr({ size: '1Gi', tls: {} }));
    expect(errors).toEqual([]);
    expect(object.spec).toEqual({ size: '1Gi', tls: { mode: 'on' }, servers: 3, mode: 'a' });
  });

  it('prunes unknown fields and reports their paths, but keeps free-form content', () => {
    const { object, pruned } = admit(schema, cr({ size: '1Gi', bogus: 1, tls: { typo: true }, free: { any: { thing: 1 } }, list: [{ name: 'a', x: 1 }] }));
    expect(pruned).toEqual(['spec.bogus', 'spec.tls.typo', 'spec.list[0].x']);
    expect((object.spec as Record<string, unknown>).free).toEqual({ any: { thing: 1 } });
  });

  it('reports type, enum, bounds, pattern and required errors with the field path', () => {
    const { errors } = admit(schema, cr({ servers: 1, mode: 'c', labels: { a: 1 }, quantity: true }));
    expect(errors).toEqual([
      'spec.servers: Invalid value: 1: should be greater than or equal to 2',
      'spec.mode: Invalid value: "c": supported values: "a", "b"',
      'spec.labels.a: Invalid value: "integer": spec.labels.a must be of type string',
      'spec.quantity: Invalid value: "boolean": spec.quantity must be of type integer or string',
      'spec.size: Required value',
    ]);
    expect(admit(schema, cr({ size: '10G' })).errors).toEqual(["spec.size: Invalid value: \"10G\": should match '^\\d+Gi$'"]);
  });

  it('accepts both forms of int-or-string and drops nulls', () => {
    expect(admit(schema, cr({ size: '1Gi', quantity: 5 })).errors).toEqual([]);
    expect(admit(schema, cr({ size: '1Gi', quantity: '5Gi', tls: null })).object.spec).not.toHaveProperty('tls');
  });

  it('does not modify its input and keeps metadata as is', () => {
    const input = cr({ size: '1Gi' });
    const before = JSON.stringify(input);
    const { object } = admit(schema, input);
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.keys(object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });
});
