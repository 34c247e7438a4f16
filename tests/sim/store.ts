/**
 * The simulated API server: an in-memory object store with Kubernetes write semantics.
 *
 * - Every object gets a uid, `creationTimestamp`, `resourceVersion` (a global counter, bumped on
 *   every real write) and `generation` (1 at creation, bumped when anything outside `metadata` and
 *   `status` changes).
 * - Writes go through {@link applyServerDefaults} and {@link validateObject}; custom resources of
 *   the registered CRDs are admitted with the generated schema (prune, default, validate), status
 *   included, as the real API server does with a structural schema.
 * - `update` is a PUT of the main resource (the stored `status` is kept); `updateStatus` writes only
 *   `status`. A write whose result equals the stored object changes nothing and is recorded as a
 *   no-op (an API call without effect: no new resourceVersion, no watch event).
 * - `delete` of an object with finalizers sets `deletionTimestamp`; the object goes when its last
 *   finalizer is removed. Dependents are left to the garbage collector (tests/sim/kube.ts).
 * - Every call is recorded in {@link ObjectStore.writes} with its actor, so tests can count what
 *   Metacontroller, the Kubernetes controllers and the user did.
 */
import { admit } from '../../lib/crd/admission.js';
import { openApiSchema } from '../../lib/crd/generate.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import type { KindDefinition } from '../../lib/schemas/kind.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { ApiError, applyServerDefaults, validateObject, validateUpdate } from './apiserver.js';
import { clone, deepEqual, isObject, isoSeconds } from './json.js';

/** Who made an API call. */
export type Actor = 'user' | 'metacontroller' | 'kube';

/** What an API call did. `noop*` calls reached the server but changed nothing; `rejected` failed. */
export type Verb = 'create' | 'update' | 'updateStatus' | 'delete' | 'noopUpdate' | 'noopUpdateStatus' | 'rejected';

/** Identifies one object. `apiVersion` may be omitted when the kind name is unambiguous in the store. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One recorded API call. */
export interface WriteRecord {
  /** Position in the store's history (0-based). */
  seq: number;
  at: string;
  actor: Actor;
  verb: Verb;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  /** For `rejected`: why (the API server's message). */
  error?: string;
}

/** A watch event: what informers would deliver. */
export interface StoreEvent {
  type: 'added' | 'modified' | 'deleted';
  object: K8sObject;
  /** The object before a modification or deletion. */
  old?: K8sObject;
}

/** Which objects to list. */
export interface ListFilter {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  /** Every pair must match the object's labels. */
  labels?: Record<string, string>;
}

/** Construction options of {@link ObjectStore}. */
export interface StoreOptions {
  clock: () => Date;
  /** Custom resource kinds served (parents): their writes are admitted with the generated CRD schema. */
  crds?: readonly KindDefinition[];
}

/** `<Kind>.<apiVersion>/<namespace>/<name>`: the store's key of an object. */
export function objectKey(object: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }): string {
  return `${object.kind}.${object.apiVersion}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The controller owner reference of an object, if any. */
export function controllerOf(object: K8sObject | undefined): { apiVersion: string; kind: string; name: string; uid: string } | undefined {
  const refs = object?.metadata.ownerReferences ?? [];
  return refs.find((r): r is { apiVersion: string; kind: string; name: string; uid: string } => isObject(r) && r.controller === true);
}

/** Whether `labels` carries every pair of `selector`. */
export function matchesLabels(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** The reference of an object. */
export function refOf(object: K8sObject): Required<Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>> & { namespace?: string } {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}) };
}

function specPart(object: K8sObject): unknown {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

function comparable(object: K8sObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** The simulated API server (see the module comment). */
export class ObjectStore {
  /** Every API call so far, in order. */
  readonly writes: WriteRecord[] = [];
  private readonly objects = new Map<string, K8sObject>();
  private readonly byUid = new Map<string, string>();
  private readonly listeners: Array<(event: StoreEvent) => void> = [];
  private readonly crds = new Map<string, KindDefinition>();
  private readonly schemas = new Map<KindDefinition, ReturnType<typeof openApiSchema>>();
  private changeCounter = 0;
  private uidCounter = 0;
  private resourceVersion = 0;
  private ipCounter = 0;
  private nodePortCounter = 0;

  constructor(private readonly options: StoreOptions) {
    for (const def of options.crds ?? []) this.crds.set(`${def.kind}.${API_VERSION}`, def);
  }

  /** How many real changes (creates, updates, deletions) the store has seen: no-ops and rejections do not count. */
  get changes(): number {
    return this.changeCounter;
  }

  /** Subscribes to watch events; returns the unsubscribe function. */
  watch(listener: (event: StoreEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** A copy of the object, or undefined. */
  get(ref: ObjectRef): K8sObject | undefined {
    const found = this.find(ref);
    return found ? clone(found) : undefined;
  }

  /** A copy of the object with this uid, or undefined. */
  getByUid(uid: string): K8sObject | undefined {
    const key = this.byUid.get(uid);
    const found = key === undefined ? undefined : this.objects.get(key);
    return found ? clone(found) : undefined;
  }

  /** Copies of the matching objects, sorted by kind, apiVersion, namespace and name. */
  list(filter: ListFilter = {}): K8sObject[] {
    return this.view(filter).map((o) => clone(o));
  }

  /**
   * The stored matching objects themselves, sorted as {@link list}: read-only access for the
   * simulator's controllers, which copy before they change anything. Never mutate the result.
   */
  view(filter: ListFilter = {}): readonly K8sObject[] {
    return [...this.objects.entries()]
      .filter(([, o]) =>
        (filter.apiVersion === undefined || o.apiVersion === filter.apiVersion) &&
        (filter.kind === undefined || o.kind === filter.kind) &&
        (filter.namespace === undefined || o.metadata.namespace === filter.namespace) &&
        matchesLabels(o.metadata.labels, filter.labels),
      )
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o);
  }

  /** The stored object with this uid itself (read-only, see {@link view}), or undefined. */
  viewByUid(uid: string): K8sObject | undefined {
    const key = this.byUid.get(uid);
    return key === undefined ? undefined : this.objects.get(key);
  }

  /** Whether an object with this uid exists. */
  hasUid(uid: string): boolean {
    return this.byUid.has(uid);
  }

  /** Creates an object; throws ApiError 409 when it exists, 422 when it is invalid. */
  create(actor: Actor, input: K8sObject): K8sObject {
    const object = clone(input);
    const key = objectKey(object);
    if (this.objects.has(key)) return this.reject(actor, object, new ApiError(409, `${object.kind} ${object.metadata.name} already exists`));
    const metadata = object.metadata;
    for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields', 'selfLink']) delete metadata[field];
    metadata.uid = this.nextUid();
    metadata.creationTimestamp = isoSeconds(this.options.clock());
    metadata.generation = 1;
    // Status is a subresource: a create ignores it (defaulting may add an initial one).
    delete object.status;
    const admitted = this.admit(actor, object, undefined);
    admitted.metadata.resourceVersion = this.nextResourceVersion();
    this.objects.set(key, admitted);
    this.byUid.set(admitted.metadata.uid!, key);
    this.record(actor, 'create', admitted);
    this.emit({ type: 'added', object: clone(admitted) });
    return clone(admitted);
  }

  /**
   * Replaces an object's main resource (metadata and spec; the stored status is kept). Throws
   * ApiError 404/409 (absent, uid or resourceVersion precondition failed) or 422 (invalid, or an
   * immutable field changed). Removing the last finalizer of a terminating object deletes it.
   */
  update(actor: Actor, input: K8sObject, preconditions: { uid?: string; resourceVersion?: string } = {}): K8sObject {
    const current = this.require(actor, refOf(input), preconditions);
    const next = clone(input);
    const metadata = next.metadata;
    for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation', 'resourceVersion']) {
      if (current.metadata[field] === undefined) delete metadata[field];
      else metadata[field] = clone(current.metadata[field]);
    }
    if ('status' in current) next.status = clone(current.status);
    else delete next.status;
    const admitted = this.admit(actor, next, current);
    const immutable = validateUpdate(current, admitted, deepEqual);
    if (immutable.length > 0) return this.reject(actor, admitted, new ApiError(422, `${admitted.kind} ${admitted.metadata.name} is invalid: ${immutable.join('; ')}`));
    if (deepEqual(comparable(admitted), comparable(current))) {
      this.record(actor, 'noopUpdate', current);
      return clone(current);
    }
    if (!deepEqual(specPart(admitted), specPart(current))) admitted.metadata.generation = (current.metadata.generation ?? 0) + 1;
    return this.commit(actor, 'update', admitted, current);
  }

  /** Replaces an object's status. Throws ApiError 404/409, or 422 when a custom resource's status is invalid. */
  updateStatus(actor: Actor, ref: ObjectRef, status: unknown, preconditions: { uid?: string } = {}): K8sObject {
    const current = this.require(actor, ref, preconditions);
    const next = clone(current);
    if (status === undefined || status === null) delete next.status;
    else next.status = clone(status);
    const def = this.crds.get(`${current.kind}.${current.apiVersion}`);
    if (def) {
      const { object, errors } = admit(this.schemaOf(def), next as Record<string, unknown>);
      if (errors.length > 0) return this.reject(actor, current, new ApiError(422, `${current.kind} ${current.metadata.name} status is invalid: ${errors.join('; ')}`));
      if ('status' in object) next.status = object.status;
      else delete next.status;
    }
    if (deepEqual(next.status, current.status)) {
      this.record(actor, 'noopUpdateStatus', current);
      return clone(current);
    }
    return this.commit(actor, 'updateStatus', next, current);
  }

  /**
   * Deletes an object (background propagation): removed at once without finalizers, else marked
   * with `deletionTimestamp`. Throws ApiError 404, or 409 when the uid precondition fails.
   */
  delete(actor: Actor, ref: ObjectRef, preconditions: { uid?: string } = {}): 'deleted' | 'terminating' {
    const current = this.require(actor, ref, preconditions);
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return 'terminating';
      const next = clone(current);
      next.metadata.deletionTimestamp = isoSeconds(this.options.clock());
      this.commit(actor, 'delete', next, current);
      return 'terminating';
    }
    this.remove(actor, current);
    return 'deleted';
  }

  private find(ref: ObjectRef): K8sObject | undefined {
    if (ref.apiVersion) return this.objects.get(`${ref.kind}.${ref.apiVersion}/${ref.namespace ?? ''}/${ref.name}`);
    const matches = [...this.objects.values()].filter(
      (o) => o.kind === ref.kind && o.metadata.name === ref.name && (o.metadata.namespace ?? '') === (ref.namespace ?? ''),
    );
    if (matches.length > 1) throw new Error(`${ref.kind} ${ref.name} exists in several apiVersions: give apiVersion`);
    return matches[0];
  }

  private require(actor: Actor, ref: ObjectRef, preconditions: { uid?: string; resourceVersion?: string }): K8sObject {
    const current = this.find(ref);
    if (!current) {
      const missing = { apiVersion: ref.apiVersion ?? '', kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      return this.reject(actor, missing, new ApiError(404, `${ref.kind} ${ref.name} not found`));
    }
    if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
      return this.reject(actor, current, new ApiError(409, `${current.kind} ${current.metadata.name}: uid precondition failed`));
    }
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      return this.reject(actor, current, new ApiError(409, `${current.kind} ${current.metadata.name}: the object has been modified`));
    }
    return current;
  }

  private admit(actor: Actor, object: K8sObject, old: K8sObject | undefined): K8sObject {
    let result = object;
    const def = this.crds.get(`${object.kind}.${object.apiVersion}`);
    if (def) {
      const { object: admitted, errors } = admit(this.schemaOf(def), object as Record<string, unknown>);
      if (errors.length > 0) return this.reject(actor, object, new ApiError(422, `${object.kind} ${object.metadata.name} is invalid: ${errors.join('; ')}`));
      result = admitted as K8sObject;
    } else {
      applyServerDefaults(result, old, {
        clusterIP: () => `10.96.${Math.floor(++this.ipCounter / 250)}.${(this.ipCounter % 250) + 1}`,
        nodePort: () => 30000 + ++this.nodePortCounter,
      });
    }
    const errors = validateObject(result);
    if (errors.length > 0) return this.reject(actor, result, new ApiError(422, `${object.kind} ${object.metadata.name} is invalid: ${errors.join('; ')}`));
    return result;
  }

  private schemaOf(def: KindDefinition): ReturnType<typeof openApiSchema> {
    let schema = this.schemas.get(def);
    if (!schema) this.schemas.set(def, (schema = openApiSchema(def)));
    return schema;
  }

  private commit(actor: Actor, verb: Verb, next: K8sObject, current: K8sObject): K8sObject {
    const key = objectKey(current);
    if (current.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.remove(actor, current, verb);
      return clone(next);
    }
    next.metadata.resourceVersion = this.nextResourceVersion();
    this.objects.set(key, next);
    this.record(actor, verb, next);
    this.emit({ type: 'modified', object: clone(next), old: clone(current) });
    return clone(next);
  }

  private remove(actor: Actor, current: K8sObject, verb: Verb = 'delete'): void {
    this.objects.delete(objectKey(current));
    this.byUid.delete(current.metadata.uid ?? '');
    this.record(actor, verb, current);
    this.emit({ type: 'deleted', object: clone(current), old: clone(current) });
  }

  private reject(actor: Actor, object: K8sObject, error: ApiError): never {
    this.record(actor, 'rejected', object, error.message);
    throw error;
  }

  private record(actor: Actor, verb: Verb, object: K8sObject, error?: string): void {
    this.writes.push({
      seq: this.writes.length,
      at: isoSeconds(this.options.clock()),
      actor,
      verb,
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.metadata.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
      name: object.metadata.name,
      ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
      ...(error ? { error } : {}),
    });
  }

  private emit(event: StoreEvent): void {
    this.changeCounter++;
    for (const listener of [...this.listeners]) listener(event);
  }

  private nextUid(): string {
    return `00000000-0000-4000-8000-${String(++this.uidCounter).padStart(12, '0')}`;
  }

  private nextResourceVersion(): string {
    return String(++this.resourceVersion);
  }
}
