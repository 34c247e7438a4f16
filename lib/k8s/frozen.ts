/**
 * What to return for a child we must not change (the parent's spec is invalid): exactly what
 * Metacontroller last applied, read from its annotation, so the 3-way merge changes nothing and
 * nothing is deleted. Without the annotation (server-side apply), the observed object minus the
 * fields the server owns.
 */
import type { ChildResource, HookRequest } from '../hook/reconciler.js';
import { isRecord, type K8sObject } from './object.js';
import { listObserved } from './observed.js';

/** Metacontroller's annotation holding the last applied configuration (dynamic apply). */
export const LAST_APPLIED_ANNOTATION = 'metacontroller.k8s.io/last-applied-configuration';

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'ownerReferences', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** The last applied form of an observed child (the input is not modified). */
export function lastApplied(observed: K8sObject): K8sObject {
  const text = observed.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed) && parsed.kind === observed.kind && isRecord(parsed.metadata)) return parsed as K8sObject;
    } catch {
      // A corrupt annotation falls through to the observed object.
    }
  }
  const { status: _status, ...rest } = structuredClone(observed);
  const metadata: Record<string, unknown> = { ...rest.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  return { ...rest, metadata } as K8sObject;
}

/**
 * Every observed child of the declared `children` types, as last applied: what a parent with an
 * invalid spec returns, so Metacontroller changes and deletes nothing. Declared type order, then
 * namespace/name.
 */
export function frozenChildren(request: HookRequest, children: readonly ChildResource[]): K8sObject[] {
  return children.flatMap((type) => listObserved(request.children, type.kind, type.apiVersion).map(lastApplied));
}
