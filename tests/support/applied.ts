/**
 * Children as Metacontroller observes them after applying: server fields, owner reference,
 * controller-uid label and the last-applied annotation. Used by the fixpoint invariant, the
 * benchmarks and field-level tests.
 */
import type { K8sObject } from '../../lib/k8s/object.js';

/** Metacontroller's annotation holding what it last applied. */
export const LAST_APPLIED = 'metacontroller.k8s.io/last-applied-configuration';

/** A child as Metacontroller would observe it after applying it (server fields added). */
export function asObserved(child: K8sObject, parent: K8sObject, index: number): K8sObject {
  const { metadata } = child;
  return {
    ...structuredClone(child),
    metadata: {
      ...structuredClone(metadata),
      uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      resourceVersion: String(1000 + index),
      creationTimestamp: '2025-12-31T00:00:00Z',
      labels: { ...metadata.labels, 'controller-uid': parent.metadata.uid ?? 'parent-uid' },
      annotations: { ...metadata.annotations, [LAST_APPLIED]: JSON.stringify(child) },
      ownerReferences: [
        { apiVersion: parent.apiVersion, kind: parent.kind, name: parent.metadata.name, uid: parent.metadata.uid ?? 'parent-uid', controller: true, blockOwnerDeletion: true },
      ],
    },
  };
}

