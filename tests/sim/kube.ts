/**
 * The Kubernetes controllers the hooks depend on, reduced to what their status and side effects
 * look like from outside, in simulated time:
 *
 * - **StatefulSet**: pods `<sts>-<i>` for i in 0..replicas-1 and a PVC `<claim>-<sts>-<i>` per
 *   volumeClaimTemplate; `OrderedReady` creates (and scales down) one pod at a time, waiting for
 *   readiness, `Parallel` all at once. `RollingUpdate` replaces pods whose revision differs from
 *   the update revision, highest ordinal first, one at a time, only for ordinals ≥ `partition`,
 *   each replaced pod having to become ready (and stay ready `minReadySeconds`) before the next is
 *   deleted. `OnDelete` never replaces a pod by itself; a pod deleted by someone comes back with the
 *   update revision. Pods below the partition come back with the current revision. Scale-down
 *   removes the highest ordinals. Status: `observedGeneration`, `replicas`, `readyReplicas`,
 *   `availableReplicas`, `currentReplicas`, `updatedReplicas`, `currentRevision`, `updateRevision`,
 *   `collisionCount` (zero counts omitted, as the API does). `currentRevision` advances when every
 *   pod runs the update revision and is ready, for RollingUpdate only (the long-standing Kubernetes
 *   behaviour, kubernetes#73492; set `onDeleteAdvancesCurrentRevision` for the fixed behaviour).
 *   `persistentVolumeClaimRetentionPolicy`: `whenDeleted: Delete` gives each claim an owner
 *   reference to the StatefulSet (the garbage collector removes it with the set); `whenScaled:
 *   Delete` removes the claims of pods removed by a scale-down.
 * - **Pods** are Running at once and become Ready `podReadySeconds` after creation, unless a
 *   readiness rule says otherwise (a delay, or `'never'`: a server that fails). Deletion is
 *   immediate (no grace period).
 * - **PVCs** are bound at once.
 * - **Jobs** start at once and succeed (or fail) after `jobSeconds`, unless a rule says otherwise;
 *   `activeDeadlineSeconds` fails a job that runs too long; `suspend` holds it. Conditions
 *   `Complete` / `Failed`, `succeeded` / `failed`, `startTime` / `completionTime`.
 * - **CronJobs** are inert: {@link KubeModel.runCronJob} fires one by hand (a Job from the template,
 *   `status.active`, `lastScheduleTime`, then `lastSuccessfulTime`).
 * - **Garbage collector**: an object whose owners are all gone is deleted (background propagation).
 */
import type { K8sObject } from '../../lib/k8s/object.js';
import { contentHash } from '../../lib/k8s/hash.js';
import { ApiError } from './apiserver.js';
import { clone, deepEqual, isObject, isoSeconds, stableStringify } from './json.js';
import { controllerOf, refOf, type ObjectStore, type StoreEvent } from './store.js';

/** When a pod becomes ready: seconds after its creation, or never. */
export type Readiness = number | 'never';

/** How a Job ends. */
export type JobOutcome = { result: 'succeed' | 'fail'; afterSeconds?: number } | { result: 'never' };

/** Knobs of the Kubernetes model. */
export interface KubeOptions {
  /** Seconds from pod creation to readiness (default 10). */
  podReadySeconds?: number;
  /** Per-pod readiness, decided when the pod is created (undefined: the default delay). */
  readiness?: (pod: K8sObject) => Readiness | undefined;
  /** Seconds a Job runs before it succeeds (default 30). */
  jobSeconds?: number;
  /** Per-Job outcome, decided when the Job starts (undefined: success after `jobSeconds`). */
  jobOutcome?: (job: K8sObject) => JobOutcome | undefined;
  /** Advance `currentRevision` for OnDelete StatefulSets too (newer Kubernetes; default false). */
  onDeleteAdvancesCurrentRevision?: boolean;
}

type Obj = Record<string, unknown>;

const POD_READY_DEFAULT = 10;
const JOB_SECONDS_DEFAULT = 30;
const MAX_PASSES = 200;
/** Kinds the controllers watch; other objects matter only to the garbage collector. */
const WATCHED = new Set(['StatefulSet.apps/v1', 'Pod.v1', 'PersistentVolumeClaim.v1', 'Job.batch/v1', 'CronJob.batch/v1']);

function spec(object: K8sObject): Obj {
  return isObject(object.spec) ? object.spec : {};
}

function status(object: K8sObject): Obj {
  return isObject(object.status) ? object.status : {};
}

function ordinalOf(pod: K8sObject, set: string): number | undefined {
  const prefix = `${set}-`;
  if (!pod.metadata.name.startsWith(prefix)) return undefined;
  const rest = pod.metadata.name.slice(prefix.length);
  return /^\d+$/u.test(rest) ? Number(rest) : undefined;
}

function readyCondition(pod: K8sObject): Obj | undefined {
  const conditions = status(pod).conditions;
  return Array.isArray(conditions) ? (conditions.find((c) => isObject(c) && c.type === 'Ready') as Obj | undefined) : undefined;
}

/** Whether a pod is Ready. */
export function isPodReady(pod: K8sObject): boolean {
  return readyCondition(pod)?.status === 'True' && !pod.metadata.deletionTimestamp;
}

/** The revision a StatefulSet pod was created from (its `controller-revision-hash` label). */
export function podRevision(pod: K8sObject): string | undefined {
  return pod.metadata.labels?.['controller-revision-hash'];
}

/** The revision name of a StatefulSet's pod template: `<sts>-<hash of the template>`. */
export function revisionName(setName: string, template: unknown): string {
  return `${setName}-${contentHash(stableStringify(template)).slice(0, 10)}`;
}

/** What one StatefulSet pass decided before acting. */
interface StatefulSetPlan {
  replicas: number;
  rolling: boolean;
  partition: number;
  parallel: boolean;
  minReady: number;
  updateRevision: string;
  currentRevision: string;
  /** The set's pods by ordinal, read afresh. */
  owned: () => Map<number, K8sObject>;
}

interface JobTimer {
  at?: number;
  result: 'succeed' | 'fail' | 'deadline' | 'never';
}

/** The Kubernetes controllers (see the module comment); driven by the {@link Simulator}. */
export class KubeModel {
  /** Some object changed since the controllers last settled. */
  private dirty = true;
  private readonly readyAt = new Map<string, number | undefined>();
  private readonly forced = new Map<string, boolean>();
  private readonly podOverrides = new Map<string, Readiness>();
  private readonly jobOverrides = new Map<string, JobOutcome>();
  private readonly jobTimers = new Map<string, JobTimer>();
  /** Pod templates by `<set uid>/<revision>`, as ControllerRevisions keep them. */
  private readonly revisions = new Map<string, unknown>();
  /** Errors of the current reconcile (API rejections met by a controller). */
  private errors: string[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: () => Date,
    private readonly options: KubeOptions = {},
  ) {
    store.watch((event: StoreEvent) => {
      if (this.concerns(event)) this.dirty = true;
      if (event.type === 'deleted') {
        this.readyAt.delete(event.object.metadata.uid ?? '');
        this.forced.delete(event.object.metadata.uid ?? '');
        this.jobTimers.delete(event.object.metadata.uid ?? '');
      }
    });
  }

  /** Whether a watch event can give a controller something to do (the others are ignored, as informers would). */
  private concerns(event: StoreEvent): boolean {
    const kind = `${event.object.kind}.${event.object.apiVersion}`;
    return (
      WATCHED.has(kind) ||
      event.type === 'deleted' ||
      (event.type === 'added' && (event.object.metadata.ownerReferences ?? []).length > 0)
    );
  }

  /** Readiness of the next pods named `name` in `namespace` (a delay in seconds, or 'never'). */
  setPodReadiness(namespace: string, name: string, readiness: Readiness): void {
    this.podOverrides.set(`${namespace}/${name}`, readiness);
  }

  /** Clears a {@link setPodReadiness} override. */
  clearPodReadiness(namespace: string, name: string): void {
    this.podOverrides.delete(`${namespace}/${name}`);
  }

  /** Forces the Ready state of the existing pod now (a crash, a recovery); the pod keeps it. */
  setPodReady(namespace: string, name: string, ready: boolean): void {
    const pod = this.store.get({ apiVersion: 'v1', kind: 'Pod', namespace, name });
    if (!pod) throw new Error(`no pod ${namespace}/${name}`);
    this.forced.set(pod.metadata.uid!, ready);
    this.dirty = true;
  }

  /** How the Job `name` ends (applies when it starts, or now if it is running). */
  setJobOutcome(namespace: string, name: string, outcome: JobOutcome): void {
    this.jobOverrides.set(`${namespace}/${name}`, outcome);
    const job = this.store.get({ apiVersion: 'batch/v1', kind: 'Job', namespace, name });
    if (job && this.jobTimers.has(job.metadata.uid!)) this.startTimer(job, Date.parse(String(status(job).startTime)));
    this.dirty = true;
  }

  /** Fires a CronJob now: creates its Job and records `lastScheduleTime`. Returns the Job. */
  runCronJob(namespace: string, name: string): K8sObject {
    const cron = this.store.get({ apiVersion: 'batch/v1', kind: 'CronJob', namespace, name });
    if (!cron) throw new Error(`no CronJob ${namespace}/${name}`);
    const template = isObject(spec(cron).jobTemplate) ? (spec(cron).jobTemplate as Obj) : {};
    const meta = isObject(template.metadata) ? template.metadata : {};
    const job = this.store.create('kube', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `${name}-${Math.floor(this.clock().getTime() / 60000)}`,
        namespace,
        ...(isObject(meta.labels) ? { labels: clone(meta.labels) as Record<string, string> } : {}),
        annotations: { ...(isObject(meta.annotations) ? (clone(meta.annotations) as Record<string, string>) : {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': isoSeconds(this.clock()) },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name, uid: cron.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: clone(template.spec ?? {}),
    });
    const active = Array.isArray(status(cron).active) ? (status(cron).active as unknown[]) : [];
    this.store.updateStatus('kube', { apiVersion: 'batch/v1', kind: 'CronJob', namespace, name }, {
      ...status(cron),
      active: [...active, { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace, uid: job.metadata.uid }],
      lastScheduleTime: isoSeconds(this.clock()),
    });
    return job;
  }

  /** Whether a controller has something to do at the current time. */
  hasWorkNow(): boolean {
    const next = this.nextEventTime();
    return this.dirty || (next !== undefined && next.getTime() <= this.clock().getTime());
  }

  /** The earliest future time a controller will act without any other change (a pod or Job timer). */
  nextEventTime(): Date | undefined {
    const now = this.clock().getTime();
    let next: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (next === undefined || t < next)) next = t;
    };
    for (const pod of this.store.view({ apiVersion: 'v1', kind: 'Pod' })) {
      const uid = pod.metadata.uid!;
      if (this.forced.has(uid)) continue;
      if (!isPodReady(pod)) consider(this.readyAt.get(uid));
      else {
        const owner = controllerOf(pod);
        const set = owner?.kind === 'StatefulSet' ? this.store.viewByUid(owner.uid) : undefined;
        const minReady = Number(spec(set ?? ({} as K8sObject)).minReadySeconds ?? 0);
        const since = Date.parse(String(readyCondition(pod)?.lastTransitionTime));
        if (minReady > 0 && since + minReady * 1000 > now) consider(since + minReady * 1000);
      }
    }
    for (const timer of this.jobTimers.values()) consider(timer.at);
    return next === undefined ? undefined : new Date(Math.max(next, now));
  }

  /**
   * Runs every controller until nothing changes at the current time. Returns the API errors the
   * controllers met (a pod the API server refused, say).
   */
  reconcile(): string[] {
    this.errors = [];
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const before = this.store.changes;
      this.dirty = false;
      this.collectGarbage();
      this.bindClaims();
      this.updatePods();
      for (const set of this.store.view({ apiVersion: 'apps/v1', kind: 'StatefulSet' })) this.guard(() => this.syncStatefulSet(set));
      for (const job of this.store.view({ apiVersion: 'batch/v1', kind: 'Job' })) this.guard(() => this.syncJob(job));
      for (const cron of this.store.view({ apiVersion: 'batch/v1', kind: 'CronJob' })) this.guard(() => this.syncCronJob(cron));
      if (this.store.changes === before) {
        this.dirty = false;
        return this.errors;
      }
    }
    throw new Error(`the Kubernetes model did not settle within ${MAX_PASSES} passes at ${isoSeconds(this.clock())}`);
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (!this.errors.includes(error.message)) this.errors.push(error.message);
    }
  }

  // -- garbage collection ----------------------------------------------------------------------

  private collectGarbage(): void {
    for (const object of this.store.view()) {
      const refs = (object.metadata.ownerReferences ?? []).filter(isObject);
      if (refs.length === 0 || object.metadata.deletionTimestamp) continue;
      const alive = refs.filter((r) => typeof r.uid === 'string' && this.store.hasUid(r.uid));
      if (alive.length === 0) this.guard(() => this.store.delete('kube', refOf(object), { uid: object.metadata.uid }));
    }
  }

  // -- volumes ---------------------------------------------------------------------------------

  private bindClaims(): void {
    for (const claim of this.store.view({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' })) {
      if (status(claim).phase === 'Bound' || claim.metadata.deletionTimestamp) continue;
      const requests = isObject(spec(claim).resources) ? (spec(claim).resources as Obj).requests : undefined;
      this.guard(() =>
        this.store.updateStatus('kube', refOf(claim), {
          phase: 'Bound',
          accessModes: clone(spec(claim).accessModes ?? ['ReadWriteOnce']),
          capacity: { storage: isObject(requests) ? requests.storage : '1Gi' },
        }),
      );
    }
  }

  // -- pods ------------------------------------------------------------------------------------

  private readinessOf(pod: K8sObject): Readiness {
    return (
      this.podOverrides.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ??
      this.options.readiness?.(pod) ??
      this.options.podReadySeconds ??
      POD_READY_DEFAULT
    );
  }

  private updatePods(): void {
    const now = this.clock().getTime();
    for (const pod of this.store.view({ apiVersion: 'v1', kind: 'Pod' })) {
      if (pod.metadata.deletionTimestamp) continue;
      const uid = pod.metadata.uid!;
      const ready = this.forced.get(uid) ?? (this.readyAt.get(uid) !== undefined && this.readyAt.get(uid)! <= now);
      if (ready !== isPodReady(pod)) this.guard(() => this.store.updateStatus('kube', refOf(pod), podStatus(pod, ready, this.clock())));
    }
  }

  private createPod(set: K8sObject, ordinal: number, revision: string, template: Obj): void {
    const name = `${set.metadata.name}-${ordinal}`;
    const namespace = set.metadata.namespace;
    const meta = isObject(template.metadata) ? template.metadata : {};
    const podSpec = clone(isObject(template.spec) ? template.spec : {});
    const claims = (Array.isArray(spec(set).volumeClaimTemplates) ? (spec(set).volumeClaimTemplates as unknown[]) : []).filter(isObject);
    const volumes = Array.isArray(podSpec.volumes) ? (podSpec.volumes as Obj[]) : [];
    for (const claim of claims) {
      const claimName = String((claim.metadata as Obj | undefined)?.name ?? '');
      this.ensureClaim(set, claim, ordinal);
      if (!volumes.some((v) => v.name === claimName)) volumes.push({ name: claimName, persistentVolumeClaim: { claimName: `${claimName}-${name}` } });
    }
    const pod = this.store.create('kube', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: {
          ...(isObject(meta.labels) ? (clone(meta.labels) as Record<string, string>) : {}),
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        ...(isObject(meta.annotations) ? { annotations: clone(meta.annotations) as Record<string, string> } : {}),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...podSpec, volumes, hostname: name, ...(typeof spec(set).serviceName === 'string' ? { subdomain: spec(set).serviceName } : {}) },
    });
    const readiness = this.readinessOf(pod);
    this.readyAt.set(pod.metadata.uid!, readiness === 'never' ? undefined : this.clock().getTime() + readiness * 1000);
    this.store.updateStatus('kube', refOf(pod), podStatus(pod, false, this.clock()));
  }

  // -- StatefulSets ----------------------------------------------------------------------------

  private ensureClaim(set: K8sObject, template: Obj, ordinal: number): void {
    const base = String((template.metadata as Obj | undefined)?.name ?? '');
    const name = `${base}-${set.metadata.name}-${ordinal}`;
    const namespace = set.metadata.namespace;
    if (this.store.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name })) return;
    const meta = isObject(template.metadata) ? template.metadata : {};
    const selector = isObject(spec(set).selector) && isObject((spec(set).selector as Obj).matchLabels) ? ((spec(set).selector as Obj).matchLabels as Record<string, string>) : {};
    this.store.create('kube', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace,
        labels: { ...(isObject(meta.labels) ? (clone(meta.labels) as Record<string, string>) : {}), ...selector },
        ...(isObject(meta.annotations) ? { annotations: clone(meta.annotations) as Record<string, string> } : {}),
        ...(this.deleteClaimsWithSet(set) ? { ownerReferences: [this.setOwnerRef(set)] } : {}),
      },
      spec: clone(isObject(template.spec) ? template.spec : {}),
    });
  }

  private retention(set: K8sObject): Obj {
    const policy = spec(set).persistentVolumeClaimRetentionPolicy;
    return isObject(policy) ? policy : {};
  }

  private deleteClaimsWithSet(set: K8sObject): boolean {
    return this.retention(set).whenDeleted === 'Delete';
  }

  private setOwnerRef(set: K8sObject): Obj {
    return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name, uid: set.metadata.uid };
  }

  private claimNames(set: K8sObject, ordinal: number): string[] {
    const templates = Array.isArray(spec(set).volumeClaimTemplates) ? (spec(set).volumeClaimTemplates as unknown[]).filter(isObject) : [];
    return templates.map((t) => `${String((t.metadata as Obj | undefined)?.name ?? '')}-${set.metadata.name}-${ordinal}`);
  }

  /** Keeps each claim's owner reference to the set in line with `whenDeleted`. */
  private syncClaimOwnership(set: K8sObject, ordinals: number): void {
    const wanted = this.deleteClaimsWithSet(set);
    for (let i = 0; i < ordinals; i++) {
      for (const name of this.claimNames(set, i)) {
        const claim = this.store.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: set.metadata.namespace, name });
        if (!claim) continue;
        const refs = (claim.metadata.ownerReferences ?? []).filter(isObject);
        const has = refs.some((r) => r.uid === set.metadata.uid);
        if (has === wanted) continue;
        const next = clone(claim);
        next.metadata.ownerReferences = wanted ? [...refs, this.setOwnerRef(set)] : refs.filter((r) => r.uid !== set.metadata.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.store.update('kube', next);
      }
    }
  }

  private healthy(pod: K8sObject | undefined, minReadySeconds: number): boolean {
    if (!pod || !isPodReady(pod)) return false;
    const since = Date.parse(String(readyCondition(pod)?.lastTransitionTime));
    return since + minReadySeconds * 1000 <= this.clock().getTime();
  }

  /** The pod and claim actions of one StatefulSet pass: create, scale down, claim ownership, roll. */
  private actOnStatefulSet(set: K8sObject, plan: StatefulSetPlan): void {
    const { replicas, rolling, partition, parallel, minReady, updateRevision, currentRevision, owned } = plan;
    const uid = set.metadata.uid!;

    // Create missing pods (OrderedReady: one at a time, each waiting for the previous to be ready).
    let pods = owned();
    for (let i = 0; i < replicas; i++) {
      const pod = pods.get(i);
      if (!pod) {
        const revision = rolling && i < partition ? currentRevision : updateRevision;
        this.createPod(set, i, revision, this.revisions.get(`${uid}/${revision}`) as Obj);
        if (!parallel) break;
      } else if (!parallel && !isPodReady(pod)) {
        break;
      }
    }
    pods = owned();

    // Scale down: highest ordinals first (OrderedReady: one at a time, only when the rest are ready).
    const condemned = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    const allReady = [...Array(replicas).keys()].every((i) => isPodReady(pods.get(i) ?? ({ metadata: {} } as K8sObject)));
    for (const ordinal of condemned) {
      if (!parallel && !allReady) break;
      const pod = pods.get(ordinal)!;
      this.store.delete('kube', refOf(pod), { uid: pod.metadata.uid });
      if (this.retention(set).whenScaled === 'Delete') {
        for (const name of this.claimNames(set, ordinal)) {
          if (this.store.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: set.metadata.namespace, name })) {
            this.store.delete('kube', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: set.metadata.namespace, name });
          }
        }
      }
      if (!parallel) break;
    }
    this.syncClaimOwnership(set, replicas);

    // Rolling update: the highest ordinal not on the update revision goes first, once those above are healthy.
    if (rolling) {
      pods = owned();
      for (let target = replicas - 1; target >= partition; target--) {
        const pod = pods.get(target);
        if (!pod) break;
        if (podRevision(pod) !== updateRevision) {
          this.store.delete('kube', refOf(pod), { uid: pod.metadata.uid });
          break;
        }
        if (!this.healthy(pod, minReady)) break;
      }
    }

  }

  private syncStatefulSet(set: K8sObject): void {
    if (set.metadata.deletionTimestamp) return;
    const s = spec(set);
    const replicas = typeof s.replicas === 'number' ? s.replicas : 1;
    const template = isObject(s.template) ? s.template : {};
    const strategy = isObject(s.updateStrategy) ? s.updateStrategy : {};
    const rolling = strategy.type !== 'OnDelete';
    const partition = rolling && isObject(strategy.rollingUpdate) ? Number(strategy.rollingUpdate.partition ?? 0) : 0;
    const parallel = s.podManagementPolicy === 'Parallel';
    const minReady = Number(s.minReadySeconds ?? 0);
    const uid = set.metadata.uid!;
    const updateRevision = revisionName(set.metadata.name, template);
    this.revisions.set(`${uid}/${updateRevision}`, clone(template));
    const previous = status(set);
    const currentRevision =
      typeof previous.currentRevision === 'string' && this.revisions.has(`${uid}/${previous.currentRevision}`) ? previous.currentRevision : updateRevision;

    const owned = () => {
      const pods = new Map<number, K8sObject>();
      for (const pod of this.store.view({ apiVersion: 'v1', kind: 'Pod', namespace: set.metadata.namespace })) {
        const ordinal = ordinalOf(pod, set.metadata.name);
        if (ordinal !== undefined && controllerOf(pod)?.uid === uid) pods.set(ordinal, pod);
      }
      return pods;
    };

    // A write the API server refuses (a pod name or label too long, say) stops the actions of this
    // pass, as it does the real controller; the status is still updated.
    this.guard(() => this.actOnStatefulSet(set, { replicas, rolling, partition, parallel, minReady, updateRevision, currentRevision, owned }));

    // Status.
    const pods = owned();
    const live = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    const count = (predicate: (pod: K8sObject) => boolean) => live.filter(predicate).length;
    const ready = count(isPodReady);
    const updated = count((p) => podRevision(p) === updateRevision);
    let current = currentRevision;
    let currentReplicas = count((p) => podRevision(p) === currentRevision);
    if ((rolling || this.options.onDeleteAdvancesCurrentRevision) && updated === live.length && ready === live.length && live.length === replicas) {
      current = updateRevision;
      currentReplicas = updated;
    }
    const next: Obj = {
      observedGeneration: set.metadata.generation,
      replicas: live.length,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(currentReplicas ? { currentReplicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      availableReplicas: count((p) => this.healthy(p, minReady)),
      currentRevision: current,
      updateRevision,
      collisionCount: 0,
    };
    if (!deepEqual(next, previous)) this.store.updateStatus('kube', refOf(set), next);
  }

  // -- Jobs ------------------------------------------------------------------------------------

  private startTimer(job: K8sObject, startedAt: number): void {
    const outcome = this.jobOverrides.get(`${job.metadata.namespace}/${job.metadata.name}`) ??
      this.options.jobOutcome?.(job) ?? { result: 'succeed' as const };
    const deadline = typeof spec(job).activeDeadlineSeconds === 'number' ? startedAt + Number(spec(job).activeDeadlineSeconds) * 1000 : undefined;
    const at = outcome.result === 'never' ? undefined : startedAt + (outcome.afterSeconds ?? this.options.jobSeconds ?? JOB_SECONDS_DEFAULT) * 1000;
    const timer: JobTimer =
      deadline !== undefined && (at === undefined || deadline < at) ? { at: deadline, result: 'deadline' } : { at, result: outcome.result };
    this.jobTimers.set(job.metadata.uid!, timer);
  }

  private syncJob(job: K8sObject): void {
    if (job.metadata.deletionTimestamp || spec(job).suspend === true) return;
    const s = status(job);
    const conditions = Array.isArray(s.conditions) ? s.conditions.filter(isObject) : [];
    if (conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
    const uid = job.metadata.uid!;
    const now = this.clock();
    if (!s.startTime) {
      this.startTimer(job, now.getTime());
      this.store.updateStatus('kube', refOf(job), { startTime: isoSeconds(now), active: 1, ready: 0 });
      return;
    }
    if (!this.jobTimers.has(uid)) this.startTimer(job, Date.parse(String(s.startTime)));
    const timer = this.jobTimers.get(uid)!;
    if (timer.at === undefined || timer.at > now.getTime()) return;
    const stamp = isoSeconds(now);
    const { active: _active, ...rest } = s;
    if (timer.result === 'succeed') {
      this.store.updateStatus('kube', refOf(job), {
        ...rest,
        ready: 0,
        succeeded: 1,
        completionTime: stamp,
        conditions: [{ type: 'Complete', status: 'True', lastProbeTime: stamp, lastTransitionTime: stamp }],
      });
    } else {
      const deadline = timer.result === 'deadline';
      this.store.updateStatus('kube', refOf(job), {
        ...rest,
        ready: 0,
        failed: deadline ? 1 : Number(spec(job).backoffLimit ?? 6) + 1,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: deadline ? 'DeadlineExceeded' : 'BackoffLimitExceeded',
            message: deadline ? 'Job was active longer than specified deadline' : 'Job has reached the specified backoff limit',
            lastProbeTime: stamp,
            lastTransitionTime: stamp,
          },
        ],
      });
    }
    this.jobTimers.delete(uid);
  }

  private syncCronJob(cron: K8sObject): void {
    const s = status(cron);
    const active = Array.isArray(s.active) ? s.active.filter(isObject) : [];
    if (active.length === 0) return;
    let lastSuccessfulTime = s.lastSuccessfulTime;
    const still = active.filter((ref) => {
      const job = typeof ref.uid === 'string' ? this.store.viewByUid(ref.uid) : undefined;
      if (!job) return false;
      const conditions = Array.isArray(status(job).conditions) ? (status(job).conditions as unknown[]).filter(isObject) : [];
      const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      if (done?.type === 'Complete') lastSuccessfulTime = status(job).completionTime;
      return !done;
    });
    if (still.length === active.length) return;
    const { active: _a, ...rest } = s;
    this.store.updateStatus('kube', refOf(cron), { ...rest, ...(still.length ? { active: still } : {}), ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}) });
  }
}

function podStatus(pod: K8sObject, ready: boolean, now: Date): Obj {
  const previous = status(pod);
  const before = readyCondition(pod);
  const stamp = isoSeconds(now);
  const transition = before && (before.status === 'True') === ready ? before.lastTransitionTime : stamp;
  const containers = Array.isArray(spec(pod).containers) ? (spec(pod).containers as unknown[]).filter(isObject) : [];
  return {
    phase: 'Running',
    podIP: previous.podIP ?? `10.244.0.${Number(pod.metadata.uid?.slice(-4) ?? 0) % 250 + 2}`,
    startTime: previous.startTime ?? stamp,
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: previous.startTime ?? stamp },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: transition },
    ],
    containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, ready, started: true, restartCount: 0 })),
  };
}
