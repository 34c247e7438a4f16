/**
 * Runs one hook call through a reconciler and enforces the response contract, so no reconciler
 * can answer with a malformed, partial or non-deterministic body: children get the parent's
 * namespace, must be of a declared type and unique, and come back sorted (declared type order,
 * then name); the body has exactly `status`, `children` and optionally `resyncAfterSeconds` and
 * `finalized` (true only while finalizing).
 */
import type { CustomizeResponse, SyncRequestBody } from '../schemas/envelope.js';
import type { K8sObject } from '../k8s/object.js';
import { isRecord } from '../k8s/object.js';
import type { ObservedMap } from '../k8s/observed.js';
import { ContractViolation, RequestError } from './errors.js';
import type { Desired, HookRequest, Reconciler } from './reconciler.js';
import type { KindDefinition } from '../schemas/kind.js';
import { admitForHook } from '../crd/admission.js';
import { openApiSchema } from '../crd/generate.js';
import type { JsonSchema } from '../crd/structural.js';
import { frozenChildren } from '../k8s/frozen.js';
import { buildConditions } from '../k8s/conditions.js';

/** The hook response body, keys in their canonical order. */
export interface SyncResponse {
  status: Record<string, unknown>;
  children: K8sObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

/** Which hook a call is for. */
export type HookName = 'sync' | 'finalize' | 'customize';

function checkParent(reconciler: Reconciler, parent: K8sObject): void {
  const expected = `${reconciler.kind.kind}`;
  if (parent.kind !== expected) {
    throw new RequestError(`parent is a ${parent.kind}, this hook serves ${expected}`);
  }
  if (!parent.metadata.namespace) {
    throw new RequestError(`parent ${expected} ${parent.metadata.name} has no metadata.namespace`);
  }
}

/** Turns the validated envelope into the core's request. */
export function toHookRequest(body: SyncRequestBody, now: Date): HookRequest {
  if (!isRecord(body.parent)) throw new RequestError('request has no parent object');
  return {
    parent: body.parent as unknown as K8sObject,
    children: (body.children ?? {}) as ObservedMap,
    related: (body.related ?? {}) as ObservedMap,
    finalizing: body.finalizing === true,
    now,
  };
}

function finishChildren(reconciler: Reconciler, parent: K8sObject, children: K8sObject[]): K8sObject[] {
  const namespace = parent.metadata.namespace;
  const typeOrder = new Map(reconciler.children.map((c, i) => [`${c.kind}.${c.apiVersion}`, i]));
  const seen = new Set<string>();
  const placed = children.map((child) => {
    if (!child?.apiVersion || !child.kind || !child.metadata?.name) {
      throw new ContractViolation(`a ${reconciler.kind.kind} child lacks apiVersion, kind or metadata.name`);
    }
    const order = typeOrder.get(`${child.kind}.${child.apiVersion}`);
    if (order === undefined) {
      throw new ContractViolation(`${child.kind}.${child.apiVersion} is not a declared child of ${reconciler.kind.kind}`);
    }
    if (child.metadata.namespace !== undefined && child.metadata.namespace !== namespace) {
      throw new ContractViolation(`child ${child.kind} ${child.metadata.name} is outside the parent's namespace`);
    }
    const id = `${child.kind}.${child.apiVersion}/${child.metadata.name}`;
    if (seen.has(id)) throw new ContractViolation(`child ${id} is emitted twice`);
    seen.add(id);
    const { name, namespace: _ignored, ...rest } = child.metadata;
    const metadata = { name, namespace, ...rest };
    return { order, child: { ...child, metadata } };
  });
  placed.sort((a, b) => a.order - b.order || (a.child.metadata.name < b.child.metadata.name ? -1 : a.child.metadata.name > b.child.metadata.name ? 1 : 0));
  return placed.map((p) => p.child);
}

function toResponse(reconciler: Reconciler, request: HookRequest, desired: Desired): SyncResponse {
  if (!isRecord(desired.status) || !Array.isArray(desired.children)) {
    throw new ContractViolation(`${reconciler.kind.kind} reconciler returned no status or no children list`);
  }
  const response: SyncResponse = {
    status: desired.status,
    children: finishChildren(reconciler, request.parent, desired.children),
  };
  if (desired.resyncAfterSeconds !== undefined && desired.resyncAfterSeconds > 0) {
    response.resyncAfterSeconds = desired.resyncAfterSeconds;
  }
  if (desired.finalized !== undefined && request.finalizing) response.finalized = desired.finalized;
  return response;
}

/**
 * Sync or finalize (decided by the request's `finalizing`, as Metacontroller does, so a finalize
 * URL pointed at by a sync call cannot answer `finalized`): the complete desired state for the
 * parent. Throws `RequestError` for an
 * unusable envelope and `ContractViolation` when the reconciler breaks the contract.
 */
export function runSync(reconciler: Reconciler, body: SyncRequestBody, now: Date): SyncResponse {
  const request = toHookRequest(body, now);
  checkParent(reconciler, request.parent);
  // Only the spec: a status written by another version must not make a valid spec fail.
  const { status, ...withoutStatus } = request.parent;
  const admitted = admitForHook(schemaOf(reconciler.kind), withoutStatus as unknown as Record<string, unknown>);
  if (admitted.errors.length > 0) return toResponse(reconciler, request, refusedBySchema(reconciler, request, admitted.errors));
  // Fields the schema does not know never reach a reconciler, as behind the API server's pruning.
  const seen: HookRequest =
    admitted.object === (withoutStatus as unknown) ? request : { ...request, parent: { ...(admitted.object as unknown as K8sObject), ...(status === undefined ? {} : { status }) } };
  if (!seen.finalizing) return toResponse(reconciler, seen, reconciler.sync(seen));
  if (reconciler.finalize) return toResponse(reconciler, seen, reconciler.finalize(seen));
  // Nothing of ours outlives the parent: children go with it through their owner references.
  return toResponse(reconciler, seen, { ...reconciler.sync(seen), finalized: true });
}

/** Customize: the related resources this parent needs to see. */
export function runCustomize(reconciler: Reconciler, parent: K8sObject): CustomizeResponse {
  checkParent(reconciler, parent);
  return { relatedResources: reconciler.customize ? reconciler.customize(parent) : [] };
}

const SCHEMAS = new Map<KindDefinition, JsonSchema>();

function schemaOf(kind: KindDefinition): JsonSchema {
  let schema = SCHEMAS.get(kind);
  if (!schema) SCHEMAS.set(kind, (schema = openApiSchema(kind)));
  return schema;
}

/**
 * A parent the API server would never have admitted (it bypassed the CRD schema): every child is
 * frozen as last applied and the status says why, instead of a reconciler meeting types it does not
 * expect. The previous status is kept apart from phase, message and conditions; a finalize call is
 * answered finalized.
 */
function refusedBySchema(reconciler: Reconciler, request: HookRequest, errors: string[]): Desired {
  const message = `spec does not match the ${reconciler.kind.kind} CRD schema: ${errors.slice(0, 10).join('; ')}`;
  const previous = isRecord(request.parent.status) ? request.parent.status : {};
  const conditions = buildConditions([{ type: 'Ready', status: 'False', reason: 'InvalidSpec', message }], previous, request.parent.metadata.generation, request.now);
  return {
    status: { ...previous, phase: 'Failed', message, conditions },
    children: frozenChildren(request, reconciler.children),
    // Nothing can be cleaned up from a spec that cannot be read; never block the deletion on it.
    ...(request.finalizing ? { finalized: true } : {}),
  };
}
