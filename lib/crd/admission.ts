/**
 * What the API server does to a custom resource before any hook sees it, for a structural
 * schema: prune unknown fields, apply defaults, validate types, enums, bounds, patterns and
 * required fields (CEL rules are the API server's own and are not evaluated here). The CLI and
 * the golden tests use this so a previewed object is the one Metacontroller would send.
 */
import { cloneDeep } from 'lodash-es';
import { isRecord } from '../k8s/object.js';
import type { JsonSchema } from './structural.js';

/** Result of admitting one object. */
export interface Admission {
  /** The pruned and defaulted object (a copy; the input is not modified). */
  object: Record<string, unknown>;
  /** Field errors in `path: message` form; empty when the object is valid. */
  errors: string[];
  /** Paths of fields dropped because the schema does not know them. */
  pruned: string[];
}

interface Walk {
  errors: string[];
  pruned: string[];
  /** Validate only: build no copy and apply no defaults (the hook's per-call check). */
  checkOnly: boolean;
}

const PATTERNS = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let regex = PATTERNS.get(pattern);
  if (!regex) PATTERNS.set(pattern, (regex = new RegExp(pattern, 'u')));
  return regex;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(schema: JsonSchema, value: unknown): boolean {
  const actual = typeOf(value);
  if (schema['x-kubernetes-int-or-string']) return actual === 'integer' || actual === 'string';
  const expected = schema.type;
  if (expected === undefined) return true;
  if (expected === 'number') return actual === 'number' || actual === 'integer';
  return actual === expected;
}

function checkScalar(schema: JsonSchema, value: unknown, path: string, walk: Walk): void {
  const fail = (message: string) => walk.errors.push(`${path}: Invalid value: ${JSON.stringify(value)}: ${message}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    fail(`supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail(`should be greater than or equal to ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail(`should be less than or equal to ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail(`should be at least ${schema.minLength} chars long`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) fail(`may not be longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !compiled(schema.pattern).test(value)) fail(`should match '${schema.pattern}'`);
  }
}

function admitNode(schema: JsonSchema, value: unknown, path: string, walk: Walk): unknown {
  if (!typeMatches(schema, value)) {
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer or string' : String(schema.type);
    walk.errors.push(`${path}: Invalid value: "${typeOf(value)}": ${path} must be of type ${expected}`);
    return value;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      walk.errors.push(`${path}: Invalid value: ${value.length}: should have at least ${schema.minItems} items`);
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      walk.errors.push(`${path}: Too many: ${value.length}: must have at most ${schema.maxItems} items`);
    }
    const items = isRecord(schema.items) ? schema.items : undefined;
    if (!items) return value;
    if (walk.checkOnly) {
      value.forEach((item, i) => admitNode(items, item, `${path}[${i}]`, walk));
      return value;
    }
    return value.map((item, i) => admitNode(items, item, `${path}[${i}]`, walk));
  }
  if (isRecord(value)) return admitObject(schema, value, path, walk);
  checkScalar(schema, value, path, walk);
  return value;
}

function admitObject(schema: JsonSchema, value: Record<string, unknown>, path: string, walk: Walk): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : undefined;
  const additional = isRecord(schema.additionalProperties) ? (schema.additionalProperties as JsonSchema) : undefined;
  const keepUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  // Checking only, the input stands in for the copy: a null it holds counts as absent below.
  const out: Record<string, unknown> = walk.checkOnly ? value : {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = properties?.[key] ?? additional;
    if (child === null && !(childSchema?.nullable === true)) continue;
    if (childSchema) {
      const admitted = admitNode(childSchema, child, childPath, walk);
      if (!walk.checkOnly) out[key] = admitted;
    } else if (keepUnknown) {
      if (!walk.checkOnly) out[key] = child;
    } else walk.pruned.push(childPath);
  }
  const present = (key: string) => out[key] !== undefined && (out[key] !== null || properties?.[key]?.nullable === true);
  for (const [key, childSchema] of Object.entries(properties ?? {})) {
    if (!walk.checkOnly && !present(key) && childSchema.default !== undefined) {
      out[key] = admitNode(childSchema, cloneDeep(childSchema.default), path ? `${path}.${key}` : key, walk);
    }
  }
  for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    const defaulted = walk.checkOnly && properties?.[key]?.default !== undefined;
    if (!present(key) && !defaulted) walk.errors.push(`${path ? `${path}.${key}` : key}: Required value`);
  }
  return out;
}

/**
 * Prunes, defaults and validates `object` against a CRD's `openAPIV3Schema`. `metadata` is kept
 * as is (the API server validates it separately).
 */
export function admit(openApiSchema: JsonSchema, object: Record<string, unknown>): Admission {
  const walk: Walk = { errors: [], pruned: [], checkOnly: false };
  const { metadata, ...rest } = object;
  const { apiVersion, kind, ...admitted } = admitObject(openApiSchema, rest, '', walk);
  return { object: { apiVersion, kind, metadata: cloneDeep(metadata), ...admitted }, errors: walk.errors, pruned: walk.pruned };
}

/**
 * The errors {@link admit} would report for `object`, without copying or defaulting it: what the
 * hook checks on every call. A required field with a schema default is never missing (the API
 * server would have defaulted it).
 */
export function admissionErrors(openApiSchema: JsonSchema, object: Record<string, unknown>): string[] {
  const walk: Walk = { errors: [], pruned: [], checkOnly: true };
  const { metadata: _metadata, ...rest } = object;
  admitObject(openApiSchema, rest, '', walk);
  return walk.errors;
}
