/**
 * Builds Metacontroller sync requests from plain objects, exactly as Metacontroller would for
 * a reconciler's declarations: every declared child type has an entry (possibly empty), objects
 * are keyed by `name` (hook API v1) or `namespace/name` (v2). Used by the CLI preview, the golden
 * tests and the simulator, so they all exercise one request shape.
 */
import type { SyncRequestBody } from '../schemas/envelope.js';
import type { K8sObject } from '../k8s/object.js';
import { typeKey } from '../k8s/object.js';
import type { Reconciler } from './reconciler.js';

/** Inner-key format of the observed maps. */
export type KeyFormat = 'v1' | 'v2';

type Maps = Record<string, Record<string, K8sObject>>;

function objectKey(object: K8sObject, format: KeyFormat): string {
  const { name, namespace } = object.metadata;
  return format === 'v2' && namespace ? `${namespace}/${name}` : name;
}

/** Options of `buildSyncRequest`. */
export interface RequestOptions {
  finalizing?: boolean;
  keyFormat?: KeyFormat;
  /** The `controller` object to send (Metacontroller sends the CompositeController). */
  controller?: unknown;
}

/**
 * A sync (or finalize) request for `parent`, sorting `observed` into `children` (objects of a
 * declared child type) and `related` (everything else).
 */
export function buildSyncRequest(
  reconciler: Reconciler,
  parent: K8sObject,
  observed: readonly K8sObject[] = [],
  options: RequestOptions = {},
): SyncRequestBody {
  const format = options.keyFormat ?? 'v2';
  const children: Maps = Object.fromEntries(reconciler.children.map((c) => [typeKey(c.kind, c.apiVersion), {}]));
  const related: Maps = Object.fromEntries(reconciler.related.map((r) => [typeKey(r.kind, r.apiVersion), {}]));
  for (const object of observed) {
    const key = typeKey(object.kind, object.apiVersion);
    const target = key in children ? children : related;
    (target[key] ??= {})[objectKey(object, format)] = object;
  }
  return {
    controller: options.controller ?? { apiVersion: 'metacontroller.k8s.io/v1alpha1', kind: 'CompositeController', metadata: { name: reconciler.kind.plural } },
    parent: parent as unknown as SyncRequestBody['parent'],
    children: children as SyncRequestBody['children'],
    related: related as SyncRequestBody['related'],
    finalizing: options.finalizing ?? false,
  };
}
