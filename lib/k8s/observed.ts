/**
 * Lookups into Metacontroller's observed maps (`children`, `related`). The inner keys differ
 * between hook API v1 (`name`) and v2 (`namespace/name`), so every lookup goes by metadata;
 * results are sorted by namespace/name so the map's iteration order never leaks into output.
 */
import type { K8sObject } from './object.js';
import { isRecord, typeKey } from './object.js';

/** Observed objects of one request, grouped by `<Kind>.<apiVersion>`. */
export type ObservedMap = Readonly<Record<string, Readonly<Record<string, K8sObject>> | null | undefined>>;

function byNamespacedName(a: K8sObject, b: K8sObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Every observed object of a kind, sorted by namespace/name; empty when the type is absent. */
export function listObserved(map: ObservedMap | null | undefined, kind: string, apiVersion: string): K8sObject[] {
  const inner = map?.[typeKey(kind, apiVersion)];
  if (!isRecord(inner)) return [];
  return Object.values(inner)
    .filter((o): o is K8sObject => isRecord(o) && isRecord(o.metadata))
    .sort(byNamespacedName);
}

/**
 * The observed object of a kind with this name (and namespace, when given); undefined when not
 * observed. Works for both hook API versions.
 */
export function findObserved(
  map: ObservedMap | null | undefined,
  kind: string,
  apiVersion: string,
  name: string,
  namespace?: string,
): K8sObject | undefined {
  return listObserved(map, kind, apiVersion).find(
    (o) => o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? namespace) === namespace),
  );
}
