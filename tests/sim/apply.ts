/**
 * Metacontroller's default "dynamic apply" (metacontroller.md §3.2), as pure functions: how a
 * desired child becomes the object Metacontroller creates, and how an observed child, its
 * last-applied configuration and the desired child are merged into the object it PUTs.
 *
 * - Create: the desired object plus the `metacontroller.k8s.io/last-applied-configuration`
 *   annotation (JSON of the desired object, keys sorted as Go writes a map) and a controller
 *   owner reference to the parent.
 * - Update: a 3-way merge of (observed, last-applied, desired). Objects merge recursively; a key
 *   that was last applied but is no longer desired is deleted; keys never applied (server
 *   defaults, other writers) are kept. A list whose items are all objects sharing one of
 *   {@link LIST_MAP_KEYS} (first match wins) merges item by item on that key: existing items keep
 *   their order, new ones are appended in desired order. Every other list is replaced by the
 *   desired one. System metadata and `status` are then reverted to the observed values.
 */
import { LAST_APPLIED_ANNOTATION } from '../../lib/k8s/frozen.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { clone, isObject, stableStringify } from './json.js';

export { LAST_APPLIED_ANNOTATION };

/** Keys that make a list of objects a "list map", in Metacontroller's order of precedence. */
export const LIST_MAP_KEYS = ['containerPort', 'port', 'mountPath', 'name', 'uid', 'ip', 'path'] as const;

/** Metadata fields the server owns: reverted to the observed values after a merge. */
export const SYSTEM_METADATA_FIELDS = [
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
] as const;

/** The three inputs of a merge disagree on a value's type (Metacontroller fails that child's update). */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** The identity of a parent, as an owner reference needs it. */
export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; uid?: string };
}

/** The controller owner reference Metacontroller puts on every child it creates. */
export function controllerRef(owner: OwnerIdentity): Record<string, unknown> {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The list-map key of these lists: the first of {@link LIST_MAP_KEYS} that every item of every
 * list has, or undefined when some item is not an object, no item exists, or no key is shared.
 */
export function detectListMapKey(...lists: readonly unknown[][]): string | undefined {
  let common: Set<string> | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) return undefined;
      if (!common) {
        common = new Set(Object.keys(item));
        continue;
      }
      for (const key of [...common]) if (!(key in item)) common.delete(key);
    }
  }
  return common ? LIST_MAP_KEYS.find((key) => common.has(key)) : undefined;
}

function mergeObject(path: string, destination: Record<string, unknown>, last: Record<string, unknown> | undefined, desired: Record<string, unknown> | undefined): Record<string, unknown> {
  for (const key of Object.keys(last ?? {})) {
    if (!desired || !(key in desired)) delete destination[key];
  }
  for (const [key, value] of Object.entries(desired ?? {})) {
    destination[key] = merge(`${path}.${key}`, destination[key], last?.[key], value);
  }
  return destination;
}

function listMap(key: string, list: readonly unknown[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const item of list) if (isObject(item)) map[String(item[key])] = item;
  return map;
}

function mergeArray(path: string, destination: unknown[], last: unknown[] | undefined, desired: unknown[] | undefined): unknown {
  const key = detectListMapKey(destination, last ?? [], desired ?? []);
  if (!key) return clone(desired ?? null);
  const merged = mergeObject(path, listMap(key, destination), listMap(key, last ?? []), listMap(key, clone(desired ?? [])));
  const out: unknown[] = [];
  const placed = new Set<string>();
  for (const item of [...destination, ...(desired ?? [])]) {
    if (!isObject(item)) continue;
    const id = String(item[key]);
    if (id in merged && !placed.has(id)) {
      out.push(merged[id]);
      placed.add(id);
    }
  }
  return out;
}

function merge(path: string, destination: unknown, last: unknown, desired: unknown): unknown {
  if (isObject(destination)) {
    if (last != null && !isObject(last)) throw new MergeError(`lastApplied${path}: expected an object`);
    if (desired != null && !isObject(desired)) throw new MergeError(`desired${path}: expected an object, got ${JSON.stringify(desired)}`);
    return mergeObject(path, destination, last ?? undefined, desired ?? undefined);
  }
  if (Array.isArray(destination)) {
    if (last != null && !Array.isArray(last)) throw new MergeError(`lastApplied${path}: expected a list`);
    if (desired != null && !Array.isArray(desired)) throw new MergeError(`desired${path}: expected a list, got ${JSON.stringify(desired)}`);
    return mergeArray(path, destination, last ?? undefined, desired ?? undefined);
  }
  return clone(desired);
}

/**
 * The 3-way merge of (observed, last-applied, desired) into a new object; the inputs are not
 * modified. Throws {@link MergeError} when a value's type differs between the inputs.
 */
export function threeWayMerge<T>(observed: T, lastApplied: unknown, desired: unknown): T {
  return merge('', clone(observed), lastApplied, desired) as T;
}

/** The last-applied configuration recorded on an observed child (undefined when absent). */
export function readLastApplied(observed: K8sObject): Record<string, unknown> | undefined {
  const text = observed.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MergeError(`${observed.kind} ${observed.metadata.name}: the last-applied annotation is not JSON`);
  }
  if (!isObject(parsed)) throw new MergeError(`${observed.kind} ${observed.metadata.name}: the last-applied annotation is not an object`);
  return parsed;
}

/**
 * The desired object with the last-applied annotation set to its own JSON. An annotation of that
 * name supplied by the hook is not part of the recorded configuration.
 */
export function withLastApplied(desired: K8sObject): K8sObject {
  const recorded = clone(desired);
  if (recorded.metadata.annotations) {
    delete recorded.metadata.annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(recorded.metadata.annotations).length === 0) delete recorded.metadata.annotations;
  }
  const out = clone(recorded);
  out.metadata.annotations = { ...out.metadata.annotations, [LAST_APPLIED_ANNOTATION]: stableStringify(recorded) };
  return out;
}

/** The object Metacontroller creates for a desired child of `parent`. */
export function objectToCreate(desired: K8sObject, parent: OwnerIdentity): K8sObject {
  const out = withLastApplied(desired);
  out.metadata.ownerReferences = [...(out.metadata.ownerReferences ?? []), controllerRef(parent)];
  return out;
}

/**
 * The object Metacontroller would PUT for an observed child and its desired form: the 3-way merge
 * with the system metadata and `status` reverted to the observed values. When the result deep-equals
 * `observed`, Metacontroller makes no call.
 */
export function objectToUpdate(observed: K8sObject, desired: K8sObject): K8sObject {
  const merged = threeWayMerge(observed, readLastApplied(observed), withLastApplied(desired));
  const metadata = merged.metadata as Record<string, unknown>;
  const before = observed.metadata as Record<string, unknown>;
  for (const field of SYSTEM_METADATA_FIELDS) {
    if (field in before) metadata[field] = clone(before[field]);
    else delete metadata[field];
  }
  if ('status' in observed) merged.status = clone(observed.status);
  else delete merged.status;
  return merged;
}
