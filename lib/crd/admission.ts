/**
 * What the API server does to a custom resource before any hook sees it, for a structural
 * schema: prune unknown fields, apply defaults, validate types, enums, bounds, patterns, property
 * counts and required fields (CEL rules are the API server's own and are not evaluated here). The
 * CLI and the golden tests use this so a previewed object is the one Metacontroller would send.
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
  /** Apply schema defaults to the copy (off: prune only). */
  defaults: boolean;
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
  // Properties the admitted object keeps (nulls and unknown fields go), for min/maxProperties.
  let kept = 0;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = propertyOf(properties, key) ?? additional;
    if (child === null && !(childSchema?.nullable === true)) continue;
    if (childSchema) {
      kept++;
      const admitted = admitNode(childSchema, child, childPath, walk);
      if (!walk.checkOnly) out[key] = admitted;
    } else if (keepUnknown) {
      kept++;
      if (!walk.checkOnly) out[key] = child;
    } else walk.pruned.push(childPath);
  }
  const present = (key: string) => out[key] !== undefined && (out[key] !== null || propertyOf(properties, key)?.nullable === true);
  let defaulted = 0;
  const applyDefaults = !walk.checkOnly && walk.defaults;
  const countsProperties = typeof schema.minProperties === 'number' || typeof schema.maxProperties === 'number';
  // The hook's check skips this walk over every declared property unless a count depends on it.
  for (const [key, childSchema] of applyDefaults || countsProperties ? Object.entries(properties ?? {}) : []) {
    if (present(key) || childSchema.default === undefined) continue;
    // Set by the API server before it validates, whether or not this walk applies it.
    defaulted++;
    if (applyDefaults) {
      out[key] = admitNode(childSchema, cloneDeep(childSchema.default), path ? `${path}.${key}` : key, walk);
    }
  }
  for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    // Without defaults applied here, the API server's default stands in for a missing value.
    const assumed = !walk.defaults && propertyOf(properties, key)?.default !== undefined;
    if (!present(key) && !assumed) walk.errors.push(`${path ? `${path}.${key}` : key}: Required value`);
  }
  checkPropertyCount(schema, kept + defaulted, path, walk);
  return out;
}

/** The schema of property `key`: own properties only, so `constructor` or `toString` is no property. */
function propertyOf(properties: Record<string, JsonSchema> | undefined, key: string): JsonSchema | undefined {
  return properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
}

/** `minProperties` and `maxProperties`, counted as the API server does: after pruning and defaulting. */
function checkPropertyCount(schema: JsonSchema, count: number, path: string, walk: Walk): void {
  if (typeof schema.minProperties === 'number' && count < schema.minProperties) {
    walk.errors.push(`${path}: Invalid value: ${count}: should have at least ${schema.minProperties} properties`);
  }
  if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) {
    walk.errors.push(`${path}: Too many: ${count}: must have at most ${schema.maxProperties} items`);
  }
}

/**
 * Prunes, defaults and validates `object` against a CRD's `openAPIV3Schema`. `metadata` is kept
 * as is (the API server validates it separately).
 */
export function admit(openApiSchema: JsonSchema, object: Record<string, unknown>): Admission {
  const walk: Walk = { errors: [], pruned: [], checkOnly: false, defaults: true };
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
  const walk: Walk = { errors: [], pruned: [], checkOnly: true, defaults: false };
  const { metadata: _metadata, ...rest } = object;
  admitObject(openApiSchema, rest, '', walk);
  return walk.errors;
}

/** What the hook hands its reconciler: the schema errors, and the object as the API server would store it. */
export interface HookAdmission {
  /** As {@link admissionErrors}. */
  errors: string[];
  /**
   * `object` itself when every field is known to the schema; otherwise a copy without the unknown
   * fields (`metadata` kept as is, no defaults applied).
   */
  object: Record<string, unknown>;
}

/**
 * The hook's per-call admission: {@link admissionErrors}, and the object pruned of fields its
 * schema does not know. The API server prunes them before storing a custom resource, so only a
 * parent that bypassed the CRD schema has any; a reconciler that copies a known field into a child
 * (spec.affinity, tolerations, env) would otherwise copy them too, at any depth (structuredClone
 * overflows the stack at about 2,000 levels). The common case costs one walk and no copy.
 */
export function admitForHook(openApiSchema: JsonSchema, object: Record<string, unknown>): HookAdmission {
  const check: Walk = { errors: [], pruned: [], checkOnly: true, defaults: false };
  const { metadata, ...rest } = object;
  admitObject(openApiSchema, rest, '', check);
  if (check.errors.length > 0 || check.pruned.length === 0) return { errors: check.errors, object };
  const prune: Walk = { errors: [], pruned: [], checkOnly: false, defaults: false };
  const { apiVersion, kind, ...admitted } = admitObject(openApiSchema, rest, '', prune);
  return { errors: [], object: { apiVersion, kind, metadata, ...admitted } };
}
