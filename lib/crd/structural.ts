/**
 * Turns a TypeBox schema into a plain structural OpenAPI v3 schema, the form the API server
 * requires in a CRD: no TypeBox markers, no `$id`/`$ref`, maps as `additionalProperties`, enums as
 * string enums, no `additionalProperties: false`.
 */
import type { TSchema } from '@sinclair/typebox';
import { isRecord } from '../k8s/object.js';

/** A JSON schema node as plain data. */
export type JsonSchema = Record<string, unknown>;

const DROPPED_KEYS = new Set(['$id', '$schema', 'additionalItems']);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isRecord(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'patternProperties' && isRecord(value)) {
      const [only] = Object.values(value);
      out.additionalProperties = convert(only);
      continue;
    }
    out[key] = convert(value);
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.every((o) => isRecord(o) && 'const' in o) && !out['x-kubernetes-int-or-string']) {
    delete out.anyOf;
    out.type = 'string';
    out.enum = anyOf.map((o) => (o as JsonSchema).const);
  }
  return out;
}

/** The structural JSON form of a TypeBox schema (symbols dropped, CRD-incompatible keywords rewritten). */
export function toStructural(schema: TSchema): JsonSchema {
  return convert(JSON.parse(JSON.stringify(schema))) as JsonSchema;
}
