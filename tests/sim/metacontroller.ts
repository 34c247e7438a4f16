/**
 * Metacontroller (CompositeController, hook API v2, dynamic apply, `generateSelector: true`) as
 * metacontroller.md §2–§3 describe it, driving the real hook server over HTTP. One
 * CompositeController per reconciler of the registry: the project's own
 * (lib/manifests/controllers.ts `compositeControllerFor`), so its name, finalizer,
 * `ignoreStatusChanges`, `resyncPeriodSeconds` and hooks are the ones deployed.
 *
 * Per parent sync (§3.1): add or remove the finalizer `metacontroller.io/compositecontroller-<cc name>`
 * (only kinds with a finalize hook get one); claim children (owned by controller reference,
 * adopting orphans that carry `controller-uid=<parent uid>`); fetch related objects with the rules
 * of the customize hook (called once per parent generation, then cached); call sync, or finalize
 * while the parent is being deleted; schedule `resyncAfterSeconds`; remove the finalizer on
 * `finalized: true`; delete owned children that were not returned, create missing ones and update
 * existing ones by the child type's update strategy (tests/sim/apply.ts); write the status
 * (`observedGeneration` added) unless it is unchanged. A non-200 answer, an unreadable body or a
 * strict-mode violation changes nothing and retries with Metacontroller's backoff; a 429 retries
 * after its Retry-After.
 *
 * Triggers (informers): any change of the parent (status-only changes too, unless
 * `ignoreStatusChanges`), of an owned child, or of a related object selected by the parent's
 * rules; `resyncAfterSeconds`; `resyncPeriodSeconds`; {@link MetacontrollerModel.enqueueAll}.
 */
import type { ChildResource, Reconciler } from '../../lib/hook/reconciler.js';
import { compositeControllerFor, hookPath, parentFinalizer, type CompositeController } from '../../lib/manifests/controllers.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import type { SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { typeKey } from '../../lib/k8s/object.js';
import { ALL_KINDS } from '../../lib/schemas/index.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import type { RelatedResourceRule } from '../../lib/schemas/envelope.js';
import { ApiError } from './apiserver.js';
import { MergeError, objectToCreate, objectToUpdate } from './apply.js';
import { clone, deepEqual, isObject } from './json.js';
import { controllerOf, matchesLabels, objectKey, refOf, type ObjectStore, type StoreEvent } from './store.js';

/** Label Metacontroller puts on every child with `generateSelector: true`. */
export const CONTROLLER_UID_LABEL = 'controller-uid';

/** Top-level keys a v2 (strict) sync response may carry. */
const RESPONSE_KEYS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);

/** Metacontroller's per-item backoff: 5 ms doubling up to 1000 s. */
const BACKOFF_BASE_SECONDS = 0.005;
const BACKOFF_MAX_SECONDS = 1000;

/** Resources the related rules may name, beyond the reconcilers' own declarations. */
const KNOWN_RESOURCES: ReadonlyArray<{ apiVersion: string; resource: string; kind: string }> = [
  { apiVersion: 'v1', resource: 'secrets', kind: 'Secret' },
  { apiVersion: 'v1', resource: 'configmaps', kind: 'ConfigMap' },
  { apiVersion: 'v1', resource: 'services', kind: 'Service' },
  { apiVersion: 'v1', resource: 'pods', kind: 'Pod' },
  { apiVersion: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', resource: 'statefulsets', kind: 'StatefulSet' },
  { apiVersion: 'batch/v1', resource: 'jobs', kind: 'Job' },
  { apiVersion: 'batch/v1', resource: 'cronjobs', kind: 'CronJob' },
  ...ALL_KINDS.map((k) => ({ apiVersion: API_VERSION, resource: k.plural, kind: k.kind })),
];

/** Knobs of the Metacontroller model; unset ones come from the generated CompositeController. */
export interface MetacontrollerOptions {
  /** Where the hook server listens (`http://127.0.0.1:<port>`). */
  baseUrl: string;
  registry: readonly Reconciler[];
  /** Override `parentResource.ignoreStatusChanges` (the project's CompositeControllers set true). */
  ignoreStatusChanges?: boolean;
  /** Override `resyncPeriodSeconds` (the project's: 300); 0 turns the periodic resync off. */
  resyncPeriodSeconds?: number;
  /** Child types of these optional integrations are watched too (default: all, as with every kustomize component installed). */
  integrations?: ReadonlyArray<NonNullable<ChildResource['integration']>>;
  /** Sent as `Authorization: Bearer <token>` when set. */
  hookToken?: string;
}

/** One HTTP call to a hook. */
export interface HookCall {
  hook: 'sync' | 'finalize' | 'customize';
  parent: string;
  statusCode: number;
  /** The error message of a failed call. */
  error?: string;
}

/** What one parent sync did. */
export interface SyncOutcome {
  /** `<plural>/<namespace>/<name>` */
  parent: string;
  hook: 'sync' | 'finalize';
  /** The hook answered 200 with a usable body. */
  ok: boolean;
  /** Why the sync stopped (hook failure, bad response, label mismatch). */
  error?: string;
  /** The hook answered 429: retried after its Retry-After, not an error (no event, no backoff). */
  shed?: boolean;
  response?: SyncResponse;
  /** API errors while managing children or writing status (the sync then retries with backoff). */
  apiErrors: string[];
}

/** One CompositeController: a reconciler's declarations as Metacontroller sees them. */
export interface CompositeControllerModel {
  /** The CompositeController's name (`neo4j-hooks-<plural>`). */
  name: string;
  /** The parent resource plural (hook URLs, parent keys). */
  plural: string;
  reconciler: Reconciler;
  parentKind: string;
  /** The CompositeController object, sent as `controller` in every request. */
  object: CompositeController;
  /** Child types watched and managed (the `childResources` rules, integrations included as configured). */
  childTypes: readonly ChildResource[];
  /** The finalizer this controller puts on parents when it has a finalize hook. */
  finalizer: string;
  ignoreStatusChanges: boolean;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };

function selects(selector: Selector, labels: Record<string, string> | undefined): boolean {
  if (!matchesLabels(labels, selector.matchLabels)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels?.[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
}

interface CachedRules {
  generation: number | undefined;
  rules: RelatedResourceRule[];
}

function parentKey(cc: CompositeControllerModel, namespace: string | undefined, name: string): string {
  return `${cc.plural}/${namespace ?? ''}/${name}`;
}

/** The Metacontroller model (see the module comment); driven by the {@link Simulator}. */
export class MetacontrollerModel {
  /** Every hook call so far. */
  readonly calls: HookCall[] = [];
  readonly controllers: readonly CompositeControllerModel[];
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly rules = new Map<string, CachedRules>();
  private readonly responses = new Map<string, SyncResponse>();
  private nextPeriodic: number | undefined;
  /** Seconds between periodic resyncs of every parent (0: none). */
  readonly period: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: () => Date,
    private readonly options: MetacontrollerOptions,
  ) {
    const integrations = new Set(options.integrations ?? ['cert-manager', 'external-secrets', 'prometheus-operator']);
    this.controllers = options.registry.map((reconciler) => {
      const object = compositeControllerFor(reconciler);
      return {
        name: object.metadata.name,
        plural: reconciler.kind.plural,
        reconciler,
        parentKind: reconciler.kind.kind,
        object,
        childTypes: reconciler.children.filter((c) => !c.integration || integrations.has(c.integration)),
        finalizer: parentFinalizer(reconciler),
        ignoreStatusChanges: options.ignoreStatusChanges ?? object.spec.parentResource.ignoreStatusChanges,
      };
    });
    this.period = options.resyncPeriodSeconds ?? Math.min(...this.controllers.map((c) => c.object.spec.resyncPeriodSeconds));
    if (this.period > 0 && Number.isFinite(this.period)) this.nextPeriodic = clock().getTime() + this.period * 1000;
    store.watch((event) => this.onEvent(event));
  }

  /** Queues every parent of every controller (a resync). */
  enqueueAll(): void {
    for (const cc of this.controllers) {
      for (const parent of this.store.view({ apiVersion: API_VERSION, kind: cc.parentKind })) this.dirty.add(parentKey(cc, parent.metadata.namespace, parent.metadata.name));
    }
  }

  /** Whether some parent is due at the current time. */
  hasDue(): boolean {
    const now = this.clock().getTime();
    return this.dirty.size > 0 || [...this.delayed.values()].some((t) => t <= now) || (this.nextPeriodic !== undefined && this.nextPeriodic <= now);
  }

  /** The earliest future time a parent becomes due without any other change (periodic resyncs included unless `periodic` is false). */
  nextDueTime(periodic = true): Date | undefined {
    const times = [...this.delayed.values(), ...(periodic && this.nextPeriodic !== undefined ? [this.nextPeriodic] : [])];
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /** The last 200 response of a parent's sync or finalize hook. */
  lastResponse(plural: string, namespace: string, name: string): SyncResponse | undefined {
    return clone(this.responses.get(`${plural}/${namespace}/${name}`));
  }

  /** Syncs every due parent once, in key order. */
  async syncRound(): Promise<SyncOutcome[]> {
    const now = this.clock().getTime();
    if (this.nextPeriodic !== undefined && this.nextPeriodic <= now) {
      this.enqueueAll();
      this.nextPeriodic = now + this.period * 1000;
    }
    const due = new Set(this.dirty);
    for (const [key, at] of this.delayed) if (at <= now) due.add(key);
    this.dirty.clear();
    for (const key of due) this.delayed.delete(key);
    const outcomes: SyncOutcome[] = [];
    for (const key of [...due].sort()) {
      const [plural = '', namespace = '', name = ''] = key.split('/');
      const cc = this.controllers.find((c) => c.plural === plural)!;
      const outcome = await this.syncParent(cc, namespace, name);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  // -- triggers --------------------------------------------------------------------------------

  private enqueueAfter(key: string, seconds: number): void {
    const at = this.clock().getTime() + seconds * 1000;
    const pending = this.delayed.get(key);
    if (pending === undefined || at < pending) this.delayed.set(key, at);
  }

  private onEvent(event: StoreEvent): void {
    const { object, old } = event;
    for (const cc of this.controllers) {
      if (object.apiVersion === API_VERSION && object.kind === cc.parentKind) {
        const key = parentKey(cc, object.metadata.namespace, object.metadata.name);
        if (event.type === 'deleted') {
          this.dirty.delete(key);
          this.delayed.delete(key);
          this.failures.delete(key);
          this.rules.delete(object.metadata.uid ?? '');
          continue;
        }
        if (cc.ignoreStatusChanges && event.type === 'modified' && old && this.onlyStatusChanged(old, object)) continue;
        this.dirty.add(key);
        continue;
      }
      if (cc.childTypes.some((t) => t.kind === object.kind && t.apiVersion === object.apiVersion)) {
        for (const version of [object, old]) {
          if (!version) continue;
          const owner = controllerOf(version);
          const uid = owner ? (owner.kind === cc.parentKind && owner.apiVersion === API_VERSION ? owner.uid : undefined) : version.metadata.labels?.[CONTROLLER_UID_LABEL];
          const parent = uid ? this.store.viewByUid(uid) : undefined;
          if (parent && parent.kind === cc.parentKind) this.dirty.add(parentKey(cc, parent.metadata.namespace, parent.metadata.name));
        }
      }
      for (const [uid, cached] of this.rules) {
        const parent = this.store.viewByUid(uid);
        if (!parent || parent.kind !== cc.parentKind) continue;
        if ([object, old].some((o) => o && cached.rules.some((rule) => this.ruleSelects(rule, o)))) {
          this.dirty.add(parentKey(cc, parent.metadata.namespace, parent.metadata.name));
        }
      }
    }
  }

  private onlyStatusChanged(old: K8sObject, next: K8sObject): boolean {
    return (
      old.metadata.generation === next.metadata.generation &&
      deepEqual(old.metadata.labels, next.metadata.labels) &&
      deepEqual(old.metadata.annotations, next.metadata.annotations) &&
      old.metadata.deletionTimestamp === next.metadata.deletionTimestamp
    );
  }

  // -- hook calls ------------------------------------------------------------------------------

  private async post(
    hook: HookCall['hook'],
    cc: CompositeControllerModel,
    parent: string,
    body: unknown,
  ): Promise<{ ok: true; body: unknown } | { ok: false; error: string; retryAfterSeconds?: number }> {
    let statusCode = 0;
    try {
      const reply = await fetch(`${this.options.baseUrl}${hookPath(cc.plural, hook)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.hookToken ? { authorization: `Bearer ${this.options.hookToken}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = reply.status;
      const text = await reply.text();
      if (reply.status !== 200) {
        const error = `${hook} hook answered ${reply.status}: ${text.slice(0, 500)}`;
        this.calls.push({ hook, parent, statusCode, error });
        // 429: requeue after Retry-After (integer seconds; missing means at once), as Metacontroller does.
        if (reply.status === 429) return { ok: false, error, retryAfterSeconds: Number(reply.headers.get('retry-after') ?? 0) || 0 };
        return { ok: false, error };
      }
      const parsed: unknown = JSON.parse(text);
      this.calls.push({ hook, parent, statusCode });
      return { ok: true, body: parsed };
    } catch (error) {
      const message = `${hook} hook call failed: ${(error as Error).message}`;
      this.calls.push({ hook, parent, statusCode, error: message });
      return { ok: false, error: message };
    }
  }

  /** The kind a related rule names: from the reconcilers' declarations, else a table of common resources. */
  private kindOf(rule: RelatedResourceRule): string | undefined {
    const known = [...this.controllers.flatMap((c) => c.reconciler.related), ...KNOWN_RESOURCES];
    return known.find((r) => r.apiVersion === rule.apiVersion && r.resource === rule.resource)?.kind;
  }

  private ruleSelects(rule: RelatedResourceRule, object: K8sObject): boolean {
    const kind = this.kindOf(rule);
    if (object.apiVersion !== rule.apiVersion || object.kind !== kind) return false;
    if (rule.namespace !== undefined && object.metadata.namespace !== rule.namespace) return false;
    if (rule.names && rule.names.length > 0) return rule.names.includes(object.metadata.name);
    if (rule.labelSelector) return selects(rule.labelSelector as Selector, object.metadata.labels);
    return false;
  }

  /** The related map of a parent: customize once per generation, then select from the store. */
  private async related(cc: CompositeControllerModel, parent: K8sObject, key: string): Promise<{ ok: true; map: Record<string, Record<string, K8sObject>> } | { ok: false; error: string }> {
    if (!cc.reconciler.customize) return { ok: true, map: {} };
    const uid = parent.metadata.uid!;
    let cached = this.rules.get(uid);
    if (!cached || cached.generation !== parent.metadata.generation) {
      const reply = await this.post('customize', cc, key, { controller: cc.object, parent });
      if (!reply.ok) return reply;
      const rules = isObject(reply.body) ? reply.body.relatedResources : undefined;
      if (!Array.isArray(rules)) return { ok: false, error: 'customize response has no relatedResources list' };
      for (const rule of rules) {
        if (isObject(rule) && 'namespaceSelector' in rule) throw new Error('the simulator does not model namespaceSelector in related rules');
      }
      cached = { generation: parent.metadata.generation, rules: rules as RelatedResourceRule[] };
      this.rules.set(uid, cached);
    }
    const map: Record<string, Record<string, K8sObject>> = {};
    for (const rule of cached.rules) {
      const kind = this.kindOf(rule);
      if (!kind) return { ok: false, error: `discovery: cannot find resource ${rule.resource} in ${rule.apiVersion}` };
      const inner = (map[typeKey(kind, rule.apiVersion)] ??= {});
      for (const object of this.store.view({ apiVersion: rule.apiVersion, kind })) {
        if (this.ruleSelects(rule, object)) inner[object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name] = object;
      }
    }
    return { ok: true, map };
  }

  // -- the sync --------------------------------------------------------------------------------

  private fail(key: string, outcome: SyncOutcome): SyncOutcome {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.enqueueAfter(key, Math.min(BACKOFF_BASE_SECONDS * 2 ** (failures - 1), BACKOFF_MAX_SECONDS));
    return outcome;
  }

  /** Claims the parent's children: owned ones, adopting orphans with its controller-uid label. */
  private claim(cc: CompositeControllerModel, parent: K8sObject): K8sObject[] {
    const uid = parent.metadata.uid!;
    const claimed: K8sObject[] = [];
    for (const type of cc.childTypes) {
      for (const object of this.store.view({ apiVersion: type.apiVersion, kind: type.kind, namespace: parent.metadata.namespace })) {
        const owner = controllerOf(object);
        const matches = object.metadata.labels?.[CONTROLLER_UID_LABEL] === uid;
        if (owner?.uid === uid) {
          if (matches) claimed.push(object);
          else {
            const released = clone(object);
            released.metadata.ownerReferences = (released.metadata.ownerReferences ?? []).filter((r) => !(isObject(r) && r.uid === uid));
            this.store.update('metacontroller', released);
          }
        } else if (!owner && matches && !object.metadata.deletionTimestamp && !parent.metadata.deletionTimestamp) {
          const adopted = clone(object);
          adopted.metadata.ownerReferences = [...(adopted.metadata.ownerReferences ?? []), { apiVersion: parent.apiVersion, kind: parent.kind, name: parent.metadata.name, uid, controller: true, blockOwnerDeletion: true }];
          claimed.push(this.store.update('metacontroller', adopted));
        }
      }
    }
    return claimed;
  }

  private checkResponse(body: unknown): SyncResponse | string {
    if (!isObject(body)) return 'the response is not a JSON object';
    const unknown = Object.keys(body).filter((k) => !RESPONSE_KEYS.has(k));
    if (unknown.length > 0) return `strict mode: unknown field(s) ${unknown.join(', ')}`;
    if (body.status !== undefined && body.status !== null && !isObject(body.status)) return 'status is not an object';
    if (body.children !== undefined && body.children !== null && !Array.isArray(body.children)) return 'children is not a list';
    if (body.resyncAfterSeconds !== undefined && typeof body.resyncAfterSeconds !== 'number') return 'resyncAfterSeconds is not a number';
    if (body.finalized !== undefined && typeof body.finalized !== 'boolean') return 'finalized is not a boolean';
    for (const child of (body.children as unknown[] | null | undefined) ?? []) {
      if (!isObject(child) || typeof child.apiVersion !== 'string' || typeof child.kind !== 'string' || !isObject(child.metadata) || typeof child.metadata.name !== 'string') {
        return 'a child lacks apiVersion, kind or metadata.name';
      }
    }
    return body as unknown as SyncResponse;
  }

  private async syncParent(cc: CompositeControllerModel, namespace: string, name: string): Promise<SyncOutcome | undefined> {
    const key = parentKey(cc, namespace, name);
    let parent = this.store.get({ apiVersion: API_VERSION, kind: cc.parentKind, namespace, name });
    if (!parent) return undefined;
    const finalizer = cc.finalizer;
    const deleting = Boolean(parent.metadata.deletionTimestamp);
    const hasFinalizer = (parent.metadata.finalizers ?? []).includes(finalizer);
    const apiErrors: string[] = [];

    // Finalizer bookkeeping happens before anything else.
    if (cc.reconciler.finalize && !deleting && !hasFinalizer) {
      const next = clone(parent);
      next.metadata.finalizers = [...(next.metadata.finalizers ?? []), finalizer];
      parent = this.store.update('metacontroller', next);
    } else if (!cc.reconciler.finalize && hasFinalizer) {
      const next = clone(parent);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      this.store.update('metacontroller', next);
      parent = this.store.get(refOf(parent));
      if (!parent) return undefined;
    }
    const finalizing = Boolean(cc.reconciler.finalize) && deleting && (parent.metadata.finalizers ?? []).includes(finalizer);
    const hook = finalizing ? 'finalize' : 'sync';

    const children = this.claim(cc, parent);
    const related = await this.related(cc, parent, key);
    if (!related.ok) return this.fail(key, { parent: key, hook, ok: false, error: related.error, apiErrors });

    // Every child type of the CompositeController has an entry (integrations not installed have none).
    const request = buildSyncRequest({ ...cc.reconciler, children: cc.childTypes }, parent, children, { finalizing, keyFormat: 'v2', controller: cc.object });
    request.related = related.map as typeof request.related;
    const reply = await this.post(hook, cc, key, request);
    if (!reply.ok && reply.retryAfterSeconds !== undefined) {
      this.enqueueAfter(key, reply.retryAfterSeconds);
      return { parent: key, hook, ok: false, error: reply.error, shed: true, apiErrors };
    }
    if (!reply.ok) return this.fail(key, { parent: key, hook, ok: false, error: reply.error, apiErrors });
    const response = this.checkResponse(reply.body);
    if (typeof response === 'string') return this.fail(key, { parent: key, hook, ok: false, error: response, apiErrors });
    this.responses.set(key, response);

    if (typeof response.resyncAfterSeconds === 'number' && response.resyncAfterSeconds > 0) this.enqueueAfter(key, response.resyncAfterSeconds);

    if (finalizing && response.finalized === true) {
      const next = this.store.get(refOf(parent));
      if (next) {
        next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        this.store.update('metacontroller', next);
      }
    }

    // The desired set: controller-uid injected; every child must match the parent's selector.
    const desired = new Map<string, K8sObject>();
    for (const raw of response.children ?? []) {
      const child = clone(raw);
      child.metadata.namespace ??= parent.metadata.namespace;
      child.metadata.labels = { ...child.metadata.labels };
      child.metadata.labels[CONTROLLER_UID_LABEL] ??= parent.metadata.uid!;
      if (child.metadata.labels[CONTROLLER_UID_LABEL] !== parent.metadata.uid) {
        return this.fail(key, { parent: key, hook, ok: false, error: `child ${child.kind} ${child.metadata.name} does not match the parent's selector`, apiErrors, response });
      }
      desired.set(objectKey(child), child);
    }

    const current = this.store.get(refOf(parent));
    const stillFinalizing = finalizing && current !== undefined && (current.metadata.finalizers ?? []).includes(finalizer);
    if (!deleting || stillFinalizing) this.manageChildren(cc, parent, children, desired, apiErrors);

    if (current) {
      const status = { ...(response.status ?? {}), observedGeneration: parent.metadata.generation };
      const live = this.store.get(refOf(parent));
      if (live && !deepEqual(live.status, status)) {
        try {
          this.store.updateStatus('metacontroller', refOf(parent), status);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.code === 422) apiErrors.push(error.message);
        }
      }
    }
    const outcome: SyncOutcome = { parent: key, hook, ok: true, response, apiErrors };
    if (apiErrors.length > 0) return this.fail(key, outcome);
    this.failures.delete(key);
    return outcome;
  }

  private manageChildren(cc: CompositeControllerModel, parent: K8sObject, observed: K8sObject[], desired: Map<string, K8sObject>, apiErrors: string[]): void {
    const attempt = (action: () => void) => {
      try {
        action();
      } catch (error) {
        if (error instanceof MergeError) apiErrors.push(error.message);
        else if (error instanceof ApiError) {
          // NotFound, Conflict and AlreadyExists are swallowed; the next sync converges.
          if (error.code === 422) apiErrors.push(error.message);
        } else throw error;
      }
    };
    const byKey = new Map(observed.map((o) => [objectKey(o), o]));
    for (const [key, object] of byKey) {
      if (!desired.has(key) && !object.metadata.deletionTimestamp) attempt(() => this.store.delete('metacontroller', refOf(object), { uid: object.metadata.uid }));
    }
    for (const [key, want] of desired) {
      const type = cc.childTypes.find((t) => t.kind === want.kind && t.apiVersion === want.apiVersion);
      if (!type) {
        apiErrors.push(`${want.kind}.${want.apiVersion} is not a declared child type of ${cc.parentKind}: Metacontroller would create it once and never manage it`);
        continue;
      }
      if (want.metadata.namespace !== parent.metadata.namespace) {
        apiErrors.push(`${want.kind} ${want.metadata.name} is outside the parent's namespace`);
        continue;
      }
      const have = byKey.get(key);
      if (!have) {
        attempt(() => this.store.create('metacontroller', objectToCreate(want, parent)));
        continue;
      }
      if (type.updateStrategy === 'OnDelete') continue;
      attempt(() => {
        const merged = objectToUpdate(have, want);
        if (deepEqual(merged, have)) return;
        if (type.updateStrategy === 'Recreate') {
          if (!have.metadata.deletionTimestamp) this.store.delete('metacontroller', refOf(have), { uid: have.metadata.uid });
          return;
        }
        this.store.update('metacontroller', merged, { uid: have.metadata.uid });
      });
    }
  }
}
