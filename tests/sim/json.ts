/**
 * Small JSON helpers shared by the simulator: cloning, Go-like stable serialization, deep equality
 * and Kubernetes timestamps. Everything the simulator stores is plain JSON.
 */
import { isEqual } from 'lodash-es';

/** True when `value` is a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value (objects handed out by the store are always copies). A JSON round
 * trip, as the API server stores objects: `undefined` members disappear.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Deep equality of two JSON values (key order does not matter, array order does). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return isEqual(a, b);
}

/**
 * JSON with object keys sorted at every level, as Go's encoding/json writes a
 * `map[string]interface{}`: what Metacontroller stores in the last-applied annotation.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** An RFC 3339 timestamp with second precision, as the API server writes them. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/u, 'Z');
}
