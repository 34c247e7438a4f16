/**
 * Properties every hook response must have, checked on every golden case automatically:
 * determinism, independence from observed-map order and key format, convergence (fixpoint),
 * the response shape, child identity and declared types, and schema validity of every child.
 */
import { expect } from 'vitest';
import type { SyncRequestBody } from '../../lib/schemas/envelope.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import { schemaError } from './k8s-schemas.js';
import { admit } from '../../lib/crd/admission.js';
import { toStructural } from '../../lib/crd/structural.js';
import { asObserved } from './applied.js';

export { asObserved, LAST_APPLIED } from './applied.js';

function reversedMaps(map: SyncRequestBody['children']): SyncRequestBody['children'] {
  if (!map) return map;
  return Object.fromEntries(
    Object.entries(map)
      .reverse()
      .map(([type, inner]) => [type, inner ? Object.fromEntries(Object.entries(inner).reverse()) : inner]),
  );
}

/** Checks every invariant for one request and its response. */
export function checkInvariants(reconciler: Reconciler, request: SyncRequestBody, response: SyncResponse, now: Date): void {
  const parent = request.parent as unknown as K8sObject;

  const again = runSync(reconciler, structuredClone(request), now);
  expect(JSON.stringify(again), 'same input twice gives identical output').toBe(JSON.stringify(response));

  const shuffled = { ...request, children: reversedMaps(request.children), related: reversedMaps(request.related) };
  expect(JSON.stringify(runSync(reconciler, shuffled, now)), 'observed map order does not matter').toBe(JSON.stringify(response));

  const observed = [...Object.values(request.children ?? {}), ...Object.values(request.related ?? {})].flatMap((m) => Object.values(m ?? {})) as K8sObject[];
  const v1 = buildSyncRequest(reconciler, parent, observed, { keyFormat: 'v1', finalizing: request.finalizing });
  expect(JSON.stringify(runSync(reconciler, v1, now)), 'hook API v1 keys give the same output').toBe(JSON.stringify(response));

  expect(Object.keys(response).every((k) => ['status', 'children', 'resyncAfterSeconds', 'finalized'].includes(k))).toBe(true);

  // The API server validates and prunes the status: a rejected status is never written, a pruned
  // field comes back as a difference on every sync.
  const statusCheck = admit({ type: 'object', properties: { status: toStructural(reconciler.kind.status) } }, { status: response.status });
  expect(statusCheck.errors, 'status validates against the CRD').toEqual([]);
  expect(statusCheck.pruned, 'status has no field the CRD would prune').toEqual([]);
  if (!request.finalizing) expect(response.finalized).toBeUndefined();

  const declared = new Set(reconciler.children.map((c) => `${c.kind}.${c.apiVersion}`));
  for (const child of response.children) {
    expect(child.apiVersion, 'child apiVersion').toBeTruthy();
    expect(child.kind, 'child kind').toBeTruthy();
    expect(child.metadata.name, 'child name').toBeTruthy();
    expect(child.metadata.namespace, `${child.kind} ${child.metadata.name} namespace`).toBe(parent.metadata.namespace);
    expect(declared.has(`${child.kind}.${child.apiVersion}`), `${child.kind}.${child.apiVersion} is declared`).toBe(true);
    expect(schemaError(child)).toBeUndefined();
    expect(JSON.stringify(child), `${child.kind} ${child.metadata.name} echoes no server fields`).not.toMatch(
      /"(resourceVersion|managedFields|creationTimestamp|uid)"/u,
    );
  }

  const relatedObjects = Object.values(request.related ?? {}).flatMap((m) => Object.values(m ?? {})) as K8sObject[];
  const fed = buildSyncRequest(reconciler, parent, [...response.children.map((c, i) => asObserved(c, parent, i)), ...relatedObjects], {
    finalizing: request.finalizing,
  });
  expect(runSync(reconciler, fed, now).children, 'feeding the children back gives the same children (fixpoint)').toEqual(response.children);
}
