/**
 * The simulator's API server and Kubernetes controllers on their own (no hooks): the StatefulSet,
 * Job, CronJob and garbage-collection behaviour scenario tests rely on.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { ApiError } from './apiserver.js';
import { isObject } from './json.js';
import { isPodReady, KubeModel, podRevision, type KubeOptions } from './kube.js';
import { ObjectStore, refOf } from './store.js';

function world(options: KubeOptions = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => new Date(now);
  const store = new ObjectStore({ clock });
  const kube = new KubeModel(store, clock, { podReadySeconds: 10, ...options });
  const api = {
    store,
    kube,
    seconds: () => (now - Date.parse('2026-01-01T00:00:00Z')) / 1000,
    /** Runs the controllers, jumping from event to event, until `done` holds. */
    runUntil(done: () => boolean, steps = 50): void {
      for (let i = 0; i < steps; i++) {
        kube.reconcile();
        if (done()) return;
        const next = kube.nextEventTime();
        if (!next) throw new Error('nothing left to happen');
        now = next.getTime();
      }
      throw new Error('not done');
    },
    pods: () =>
      store
        .list({ kind: 'Pod' })
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    set: () => store.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'ns', name: 'db' })!,
    editSet(change: (spec: Record<string, unknown>) => void): void {
      const set = api.set();
      change(set.spec as Record<string, unknown>);
      store.update('user', set);
    },
    claims: () => store.list({ kind: 'PersistentVolumeClaim' }).map((c) => c.metadata.name),
  };
  return api;
}

function statefulSet(spec: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'ns' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' }, annotations: { v: '1' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

const bump = (v: string) => (spec: Record<string, unknown>) => void (((spec.template as K8sObject).metadata.annotations as Record<string, string>).v = v);
const names = (pods: K8sObject[]) => pods.map((p) => p.metadata.name);
const setStatus = (set: K8sObject) => set.status as Record<string, unknown>;

describe('StatefulSet', () => {
  it('OrderedReady creates one pod at a time, each after the previous is ready; claims come with them', () => {
    const w = world();
    w.store.create('user', statefulSet());
    w.kube.reconcile();
    expect(names(w.pods())).toEqual(['db-0']);
    expect(w.claims()).toEqual(['data-db-0']);
    w.runUntil(() => w.pods().length === 2);
    expect(w.seconds()).toBe(10);
    w.runUntil(() => w.pods().length === 3 && w.pods().every(isPodReady));
    expect(w.seconds()).toBe(30);
    expect(setStatus(w.set())).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3 });
    const pod = w.pods()[1]!;
    expect(pod.metadata.labels).toMatchObject({ app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1' });
    expect((pod.spec as { volumes: unknown[] }).volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
  });

  it('Parallel creates every pod at once and omits zero counts from status', () => {
    const w = world();
    w.store.create('user', statefulSet({ podManagementPolicy: 'Parallel' }));
    w.kube.reconcile();
    expect(names(w.pods())).toEqual(['db-0', 'db-1', 'db-2']);
    expect(setStatus(w.set()).readyReplicas).toBeUndefined();
    expect(setStatus(w.set()).updatedReplicas).toBe(3);
  });

  it('RollingUpdate replaces pods at or above the partition, highest first, one at a time', () => {
    const w = world();
    w.store.create('user', statefulSet({ podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    w.runUntil(() => w.pods().every(isPodReady));
    const old = podRevision(w.pods()[0]!);
    const deleted: string[] = [];
    w.store.watch((e) => void (e.type === 'deleted' && e.object.kind === 'Pod' && deleted.push(e.object.metadata.name)));
    w.editSet(bump('2'));
    w.kube.reconcile();
    expect(deleted).toEqual(['db-2']);
    expect(w.pods().filter(isPodReady)).toHaveLength(2);
    w.runUntil(() => deleted.length === 2);
    expect(deleted).toEqual(['db-2', 'db-1']);
    w.runUntil(() => w.pods().every(isPodReady));
    const revision = setStatus(w.set()).updateRevision;
    expect(w.pods().map(podRevision)).toEqual([old, revision, revision]);
    expect(setStatus(w.set())).toMatchObject({ currentRevision: old, updatedReplicas: 2, currentReplicas: 1 });

    // Below the partition a deleted pod comes back on the current revision.
    w.store.delete('user', { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'db-0' });
    w.kube.reconcile();
    expect(podRevision(w.pods()[0]!)).toBe(old);

    w.editSet((spec) => void (spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }));
    w.runUntil(() => setStatus(w.set()).currentRevision === revision);
    expect(deleted).toEqual(['db-2', 'db-1', 'db-0', 'db-0']);
  });

  it('waits minReadySeconds after each replaced pod, and stalls on a pod that never gets ready', () => {
    const w = world({ readiness: (pod) => (pod.metadata.name === 'db-1' && (pod.metadata.annotations?.v ?? '') === '2' ? 'never' : undefined) });
    w.store.create('user', statefulSet({ podManagementPolicy: 'Parallel', minReadySeconds: 5 }));
    w.runUntil(() => w.pods().every(isPodReady));
    const start = w.seconds();
    w.editSet(bump('2'));
    w.runUntil(() => w.pods()[1]!.metadata.annotations?.v === '2');
    // db-2: 10 s to get ready + 5 s to be available, then db-1 goes.
    expect(w.seconds() - start).toBe(15);
    w.kube.reconcile();
    expect(w.kube.nextEventTime()).toBeUndefined();
    expect(w.pods().map((p) => p.metadata.annotations?.v)).toEqual(['1', '2', '2']);
    expect(setStatus(w.set())).toMatchObject({ readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
  });

  it('OnDelete replaces nothing by itself; a deleted pod returns on the update revision; currentRevision stays (kubernetes#73492)', () => {
    for (const advance of [false, true]) {
      const w = world({ onDeleteAdvancesCurrentRevision: advance });
      w.store.create('user', statefulSet({ podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
      w.runUntil(() => w.pods().every(isPodReady));
      const old = setStatus(w.set()).currentRevision;
      w.editSet(bump('2'));
      w.kube.reconcile();
      expect(w.pods().map(podRevision)).toEqual([old, old, old]);
      for (const name of ['db-0', 'db-1', 'db-2']) {
        w.store.delete('user', { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name });
        w.runUntil(() => w.pods().every(isPodReady));
      }
      const status = setStatus(w.set());
      expect(status.updatedReplicas).toBe(3);
      expect(status.currentRevision).toBe(advance ? status.updateRevision : old);
    }
  });

  it('scales down from the highest ordinal; whenScaled decides about the claims', () => {
    for (const whenScaled of ['Retain', 'Delete']) {
      const w = world();
      w.store.create('user', statefulSet({ podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled } }));
      w.runUntil(() => w.pods().every(isPodReady));
      w.editSet((spec) => void (spec.replicas = 1));
      w.kube.reconcile();
      expect(names(w.pods())).toEqual(['db-0']);
      expect(w.claims()).toEqual(whenScaled === 'Delete' ? ['data-db-0'] : ['data-db-0', 'data-db-1', 'data-db-2']);
    }
  });

  it('deleting the set removes its pods; whenDeleted decides about the claims, also when changed later', () => {
    for (const [initial, final] of [['Delete', 'Delete'], ['Retain', 'Retain'], ['Delete', 'Retain'], ['Retain', 'Delete']]) {
      const w = world();
      w.store.create('user', statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: initial, whenScaled: 'Retain' } }));
      w.runUntil(() => w.pods().length === 3 && w.pods().every(isPodReady));
      w.editSet((spec) => void (spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: final, whenScaled: 'Retain' }));
      w.kube.reconcile();
      w.store.delete('user', refOf(w.set()));
      w.kube.reconcile();
      expect(w.pods()).toEqual([]);
      expect(w.claims(), `${initial} → ${final}`).toEqual(final === 'Delete' ? [] : ['data-db-0', 'data-db-1', 'data-db-2']);
    }
  });
});

describe('API server', () => {
  it('defaults, bumps generation only on spec changes, and records no-op updates', () => {
    const w = world();
    const created = w.store.create('user', statefulSet());
    const spec = created.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } });
    expect((spec.volumeClaimTemplates as unknown[])[0]).toMatchObject({ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    const relabelled = w.store.update('user', { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } });
    expect(relabelled.metadata.generation).toBe(1);
    w.editSet((s) => void (s.replicas = 4));
    expect(w.set().metadata.generation).toBe(2);
    const before = w.set().metadata.resourceVersion;
    w.store.update('user', w.set());
    expect(w.set().metadata.resourceVersion).toBe(before);
    expect(w.store.writes.at(-1)).toMatchObject({ verb: 'noopUpdate', kind: 'StatefulSet' });
  });

  it('refuses immutable StatefulSet fields, bad label values and unknown objects', () => {
    const w = world();
    w.store.create('user', statefulSet());
    expect(() => w.editSet((s) => void (s.serviceName = 'other'))).toThrow(/Forbidden: updates to statefulset spec/u);
    expect(() => w.store.create('user', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', labels: { v: 'a b' } } })).toThrow(ApiError);
    expect(() => w.store.update('user', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope', namespace: 'ns' } })).toThrow(/not found/u);
    expect(w.store.writes.filter((r) => r.verb === 'rejected')).toHaveLength(3);
  });

  it('keeps finalized objects until their finalizers are gone', () => {
    const w = world();
    w.store.create('user', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', finalizers: ['x'] } });
    expect(w.store.delete('user', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' })).toBe('terminating');
    const terminating = w.store.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' })!;
    expect(terminating.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    w.store.update('user', { ...terminating, metadata: { ...terminating.metadata, finalizers: [] } });
    expect(w.store.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' })).toBeUndefined();
  });
});

describe('Jobs and CronJobs', () => {
  const job = (name: string, spec: Record<string, unknown> = {}): K8sObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'x', image: 'x:1' }] } }, ...spec },
  });
  const conditionOf = (w: ReturnType<typeof world>, name: string) => {
    const status = w.store.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'ns', name })!.status as Record<string, unknown> | undefined;
    return { status, condition: (status?.conditions as Array<Record<string, unknown>> | undefined)?.[0] };
  };

  it('succeed after jobSeconds, fail by rule or deadline, and hold while suspended', () => {
    const w = world({ jobSeconds: 20, jobOutcome: (j) => (j.metadata.name === 'bad' ? { result: 'fail', afterSeconds: 5 } : undefined) });
    w.store.create('user', job('good'));
    w.store.create('user', job('bad', { backoffLimit: 2 }));
    w.store.create('user', job('slow', { activeDeadlineSeconds: 60 }));
    w.store.create('user', job('held', { suspend: true }));
    w.kube.setJobOutcome('ns', 'slow', { result: 'never' });
    w.runUntil(() => conditionOf(w, 'slow').condition !== undefined);
    expect(w.seconds()).toBe(60);
    expect(conditionOf(w, 'good')).toMatchObject({ status: { succeeded: 1, startTime: '2026-01-01T00:00:00Z', completionTime: '2026-01-01T00:00:20Z' }, condition: { type: 'Complete', status: 'True' } });
    expect(conditionOf(w, 'bad')).toMatchObject({ status: { failed: 3 }, condition: { type: 'Failed', reason: 'BackoffLimitExceeded' } });
    expect(conditionOf(w, 'slow').condition).toMatchObject({ type: 'Failed', reason: 'DeadlineExceeded' });
    expect(conditionOf(w, 'held').status).toBeUndefined();
  });

  it('a CronJob runs only when fired, and records the run', () => {
    const w = world({ jobSeconds: 10 });
    w.store.create('user', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'ns' },
      spec: { schedule: '0 2 * * *', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: job('x').spec } },
    });
    w.kube.reconcile();
    expect(w.store.list({ kind: 'Job' })).toEqual([]);
    const fired = w.kube.runCronJob('ns', 'nightly');
    expect(fired.metadata.labels).toEqual({ a: 'b' });
    const cron = () => w.store.get({ apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'ns', name: 'nightly' })!.status as Record<string, unknown>;
    expect(cron()).toMatchObject({ lastScheduleTime: '2026-01-01T00:00:00Z', active: [{ name: fired.metadata.name }] });
    w.runUntil(() => cron().lastSuccessfulTime !== undefined);
    expect(cron().active).toBeUndefined();
    // Garbage collection: the Job goes with its CronJob.
    w.store.delete('user', { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'ns', name: 'nightly' });
    w.kube.reconcile();
    expect(w.store.list({ kind: 'Job' })).toEqual([]);
    expect(isObject(fired.spec)).toBe(true);
  });
});
