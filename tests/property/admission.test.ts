/**
 * The hook's per-call schema check (`admissionErrors`, no copy, no defaults) reports exactly the
 * errors full admission (`admit`, what the CLI and the golden harness use) reports, for every
 * kind's CRD schema on schema-shaped and schema-violating specs alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admissionErrors, admit } from '../../lib/crd/admission.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { params } from './support/config.js';
import { arbitraryFor, VALID, WILD, type JsonSchema } from './support/schema-arbitrary.js';

describe.each(ALL_KINDS.map((k) => [k.kind, k] as const))('%s: admissionErrors', (_name, kind) => {
  const schema = openApiSchema(kind);
  const specSchema = (schema.properties as Record<string, JsonSchema>).spec!;
  const object = (spec: unknown) => ({ apiVersion: API_VERSION, kind: kind.kind, metadata: { name: 'x', namespace: 'ns' }, spec });

  it('equals admit(...).errors, valid and wild specs alike', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryFor(specSchema, VALID, 'spec'), arbitraryFor(specSchema, WILD, 'spec')), (spec) => {
        const candidate = object(spec);
        expect(admissionErrors(schema, candidate)).toEqual(admit(schema, candidate).errors);
      }),
      params(150),
    );
  });

  it('finds the errors it must: a missing spec field that is required and has no default', () => {
    const required = Array.isArray(specSchema.required) ? (specSchema.required as string[]) : [];
    const props = specSchema.properties as Record<string, JsonSchema>;
    const mandatory = required.filter((key) => props[key]?.default === undefined);
    expect(admissionErrors(schema, object({}))).toEqual(mandatory.map((key) => `spec.${key}: Required value`));
  });
});
