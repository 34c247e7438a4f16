/**
 * The rolling-change state machine of the cluster (lib/cluster/upgrade.ts), one sync at a time:
 * each test feeds the previous response back as observed children with a hand-built StatefulSet
 * status (partition, updated/ready/available counts) and the previous status as the parent's.
 */
import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview } from '../../lib/hook/preview.js';
import type { SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { podTemplateHash, SERVER_MIN_READY_SECONDS, TEMPLATE_HASH_ANNOTATION, upgradePathError } from '../../lib/cluster/upgrade.js';
import { observeServerSet } from '../../lib/cluster/observation.js';
import type { Cluster } from '../../lib/cluster/model.js';
import { asObserved } from '../support/applied.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

type Loose = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any>; status?: Record<string, any> };

function doc(tag: string, status?: Record<string, unknown>, mutate?: (d: Loose) => void): Loose {
  const d: Loose = {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'graph', namespace: 'ns', uid: 'uid-graph', generation: 2 },
    spec: { image: { repo: 'neo4j', tag }, topology: { servers: 3 }, storage: { className: 'standard', size: '10Gi' } },
    ...(status ? { status } : {}),
  };
  mutate?.(d);
  return d;
}

function sync(d: Loose, observed: K8sObject[] = [], now = T0): SyncResponse {
  return preview(structuredClone(d), observed, { now }).response;
}

const sts = (r: SyncResponse) => r.children.find((c) => c.kind === 'StatefulSet') as StatefulSet & K8sObject;
const partition = (r: SyncResponse) => sts(r).spec!.updateStrategy!.rollingUpdate?.partition;
const image = (r: SyncResponse) => sts(r).spec!.template.spec!.containers[0]!.image;
const status = (r: SyncResponse) => r.status as Record<string, any>;
const upgrade = (r: SyncResponse) => status(r).upgradeStatus as Record<string, any>;
const condition = (r: SyncResponse, type: string) => (status(r).conditions as Array<Record<string, string>>).find((c) => c.type === type);

interface SetStatus {
  ready: number;
  updated: number;
  available?: number;
  /** Override the partition the StatefulSet is observed with. */
  partition?: number;
  /** The controller has not seen the latest spec yet. */
  stale?: boolean;
}

/** The response's children as Metacontroller observes them after applying, the StatefulSet reporting `s`. */
function observe(r: SyncResponse, parent: Loose, s: SetStatus): K8sObject[] {
  return r.children.map((c, i) => {
    const o = asObserved(c, parent as unknown as K8sObject, i);
    if (c.kind !== 'StatefulSet') return o;
    const spec = structuredClone((o as unknown as StatefulSet).spec!);
    if (s.partition !== undefined) spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: s.partition } };
    const replicas = spec.replicas!;
    return {
      ...o,
      metadata: { ...o.metadata, generation: 4 },
      spec,
      status: {
        observedGeneration: s.stale ? 3 : 4,
        replicas,
        readyReplicas: s.ready,
        availableReplicas: s.available ?? s.ready,
        updatedReplicas: s.updated,
        currentReplicas: replicas - s.updated,
        currentRevision: s.updated >= replicas && s.ready >= replicas ? 'graph-server-new' : 'graph-server-old',
        updateRevision: 'graph-server-new',
      },
    } as K8sObject;
  });
}

/** A formed 5.26 cluster, steady: its response and the observed children (3/3 ready). */
function formed526(mutate?: (d: Loose) => void) {
  const parent = doc('5.26.0-enterprise', { phase: 'Ready', version: '5.26.0-enterprise' }, mutate);
  const first = sync(parent);
  return { parent, observed: observe(first, parent, { ready: 3, updated: 3 }) };
}

/** Steps a rollout: the next parent carries the previous status, the observed set the given counts. */
function next(parent: Loose, r: SyncResponse, s: SetStatus, now = T0): { parent: Loose; response: SyncResponse } {
  const p = { ...structuredClone(parent), status: structuredClone(r.status) };
  return { parent: p, response: sync(p, observe(r, p, s), now) };
}

describe('rolling upgrade 5.26 → 2025.06 (partition steps, ordinal 0 last)', () => {
  it('freezes first: the new image with partition = replicas, phase Upgrading, upgradeStatus Pending', () => {
    const { parent, observed } = formed526();
    const r = sync({ ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } }, observed);
    expect(image(r)).toBe('neo4j:2025.06.0-enterprise');
    expect(partition(r)).toBe(3);
    expect(status(r).phase).toBe('Upgrading');
    expect(status(r).version).toBe('5.26.0-enterprise');
    expect(upgrade(r)).toMatchObject({
      phase: 'Pending',
      currentStep: 'Pre-upgrade health check',
      previousVersion: '5.26.0-enterprise',
      targetVersion: '2025.06.0-enterprise',
      startTime: '2026-01-01T00:00:00Z',
      stepStartTime: '2026-01-01T00:00:00Z',
      progress: { total: 3, upgraded: 0, inProgress: 0, pending: 3 },
    });
    expect(condition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'Upgrading' });
    expect(condition(r, 'Progressing')).toMatchObject({ status: 'True', reason: 'Upgrading' });
    expect(r.resyncAfterSeconds).toBe(15);
    expect(sts(r).metadata.annotations?.[TEMPLATE_HASH_ANNOTATION]).toBe(podTemplateHash(sts(r).spec!.template));
  });

  it('steps 3 → 2 → 1 → 0 only when the servers at and above the partition are updated, ready and available, then completes', () => {
    const { parent, observed } = formed526();
    const upgraded = { ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } };
    let r = sync(upgraded, observed);
    let p: Loose = upgraded;
    const partitions: number[] = [partition(r)!];
    const steps: string[] = [];
    const walk = (s: SetStatus, now = T0) => {
      ({ parent: p, response: r } = next(p, r, s, now));
      partitions.push(partition(r)!);
      steps.push(`${upgrade(r)?.phase}:${upgrade(r)?.currentStep}`);
    };
    walk({ ready: 3, updated: 0 }); // health check passed: server 2 goes
    expect(upgrade(r)).toMatchObject({ phase: 'InProgress', currentStep: 'Upgrading server 2 (graph-server-2)', progress: { upgraded: 0, inProgress: 1, pending: 2 } });
    walk({ ready: 2, updated: 1 }); // server 2 restarting
    walk({ ready: 3, updated: 1, available: 2 }); // ready, not yet available (minReadySeconds)
    walk({ ready: 3, updated: 1, available: 3, stale: true }); // the controller lags: hold
    walk({ ready: 3, updated: 1 }); // server 2 done: server 1 goes
    expect(upgrade(r)).toMatchObject({ currentStep: 'Upgrading server 1 (graph-server-1)', progress: { upgraded: 1, inProgress: 1, pending: 1 } });
    walk({ ready: 3, updated: 2 }, minutes(3)); // server 1 done: server 0 last
    expect(upgrade(r)).toMatchObject({ currentStep: 'Upgrading server 0 (graph-server-0)', progress: { upgraded: 2, inProgress: 1, pending: 0 } });
    expect(status(r).phase).toBe('Upgrading');
    walk({ ready: 2, updated: 3 }, minutes(4));
    walk({ ready: 3, updated: 3 }, minutes(5)); // complete
    expect(partitions).toEqual([3, 2, 2, 2, 2, 1, 0, 0, 0]);
    expect(steps.at(-1)).toBe('Completed:Completed');
    expect(status(r)).toMatchObject({ phase: 'Ready', version: '2025.06.0-enterprise', lastUpgradeTime: '2026-01-01T00:05:00Z' });
    expect(upgrade(r)).toMatchObject({
      phase: 'Completed',
      startTime: '2026-01-01T00:00:00Z',
      completionTime: '2026-01-01T00:05:00Z',
      previousVersion: '5.26.0-enterprise',
      targetVersion: '2025.06.0-enterprise',
      progress: { total: 3, upgraded: 3, inProgress: 0, pending: 0 },
    });
    expect(condition(r, 'Ready')).toMatchObject({ status: 'True', reason: 'Ready' });
    expect(condition(r, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stable' });
    expect(r.resyncAfterSeconds).toBeUndefined();

    // Steady afterwards: the same status again (completion time and all), no resync.
    const again = next(p, r, { ready: 3, updated: 3 }, minutes(60)).response;
    expect(again.status).toEqual(r.status);
    expect(again.children).toEqual(r.children);
  });

  it('the step start time is carried while a step waits and reset when the next step starts', () => {
    const { parent, observed } = formed526();
    let p: Loose = { ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } };
    let r = sync(p, observed);
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 0 }, minutes(1)));
    expect(upgrade(r).stepStartTime).toBe('2026-01-01T00:01:00Z');
    ({ parent: p, response: r } = next(p, r, { ready: 2, updated: 1 }, minutes(7)));
    expect(upgrade(r)).toMatchObject({ phase: 'InProgress', stepStartTime: '2026-01-01T00:01:00Z', startTime: '2026-01-01T00:00:00Z' });
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 1 }, minutes(8)));
    expect(upgrade(r)).toMatchObject({ currentStep: 'Upgrading server 1 (graph-server-1)', stepStartTime: '2026-01-01T00:08:00Z' });
  });

  it('does not start while a server is not ready (preUpgradeHealthCheck), unless the check is off', () => {
    const { parent, observed } = formed526();
    const target = { ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } };
    const r = sync(target, observed);
    expect(partition(next(target, r, { ready: 2, updated: 0 }).response)).toBe(3);
    const unchecked = { ...target, spec: { ...target.spec, upgradeStrategy: { preUpgradeHealthCheck: false } } };
    const r2 = sync(unchecked, observed);
    expect(partition(next(unchecked, r2, { ready: 2, updated: 0 }).response)).toBe(2);
  });

  it('sets minReadySeconds so that Kubernetes counts a restarted server available only after it stayed ready', () => {
    const { parent, observed } = formed526();
    expect(sts(sync(parent, observed)).spec!.minReadySeconds).toBe(SERVER_MIN_READY_SECONDS);
  });
});

describe('a server that does not become ready within upgradeTimeout', () => {
  function stuckOnServer2(mutate?: (d: Loose) => void) {
    const { parent, observed } = formed526(mutate);
    let p: Loose = { ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } };
    let r = sync(p, observed);
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 0 }));
    return { p, r };
  }

  it('pauses at 30m (the default): partition kept, phase Paused with the operator message, lastError set', () => {
    const { p, r } = stuckOnServer2();
    const before = next(p, r, { ready: 2, updated: 1 }, minutes(30)).response;
    expect(upgrade(before).phase).toBe('InProgress');
    const paused = next(p, r, { ready: 2, updated: 1 }, minutes(31)).response;
    expect(partition(paused)).toBe(2);
    expect(status(paused).phase).toBe('Paused');
    expect(status(paused).message).toMatch(/^Upgrade paused due to failure - manual intervention required: graph-server-2 did not become ready and available within 30m/u);
    expect(upgrade(paused)).toMatchObject({ phase: 'Paused', currentStep: 'Upgrading server 2 (graph-server-2)', progress: { upgraded: 0, inProgress: 1, pending: 2 } });
    expect(upgrade(paused).lastError).toContain('2/3 servers ready, 1/3 on the new pod template');
    expect(condition(paused, 'Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    expect(condition(paused, 'Progressing')).toMatchObject({ status: 'True', reason: 'UpgradePaused' });
    expect(status(paused).version).toBe('5.26.0-enterprise');
  });

  it('honours a custom upgradeTimeout, and reports Failed without autoPauseOnFailure (partition kept all the same)', () => {
    const { p, r } = stuckOnServer2((d) => void (d.spec.upgradeStrategy = { upgradeTimeout: '5m', autoPauseOnFailure: false }));
    const failed = next(p, r, { ready: 2, updated: 1 }, minutes(6)).response;
    expect(partition(failed)).toBe(2);
    expect(status(failed).phase).toBe('Failed');
    expect(status(failed).message).toMatch(/^Upgrade failed: graph-server-2 did not become ready and available within 5m/u);
    expect(upgrade(failed).phase).toBe('Failed');
    expect(condition(failed, 'Progressing')).toMatchObject({ reason: 'UpgradeFailed' });
    // Children are not frozen: a Failed upgrade is not an invalid spec.
    expect(image(failed)).toBe('neo4j:2025.06.0-enterprise');
  });

  it('resumes by itself when the pod recovers: the next server goes and lastError stays as history', () => {
    const { p, r } = stuckOnServer2();
    const paused = next(p, r, { ready: 2, updated: 1 }, minutes(31));
    const resumed = next(paused.parent, paused.response, { ready: 3, updated: 1 }, minutes(40)).response;
    expect(partition(resumed)).toBe(1);
    expect(status(resumed).phase).toBe('Upgrading');
    expect(upgrade(resumed)).toMatchObject({ phase: 'InProgress', currentStep: 'Upgrading server 1 (graph-server-1)', stepStartTime: '2026-01-01T00:40:00Z' });
    expect(upgrade(resumed).lastError).toContain('graph-server-2 did not become ready');
  });

  it('re-plans on a new tag: the first server in flight takes it at once, with a fresh step clock', () => {
    const { p, r } = stuckOnServer2();
    const paused = next(p, r, { ready: 2, updated: 1 }, minutes(31));
    const fixed = { ...paused.parent, spec: { ...paused.parent.spec, image: { repo: 'neo4j', tag: '2025.07.0-enterprise' } } };
    const replanned = sync(fixed, observe(paused.response, fixed, { ready: 2, updated: 1 }), minutes(35));
    expect(image(replanned)).toBe('neo4j:2025.07.0-enterprise');
    expect(partition(replanned)).toBe(2);
    expect(upgrade(replanned)).toMatchObject({
      phase: 'InProgress',
      stepStartTime: '2026-01-01T00:35:00Z',
      startTime: '2026-01-01T00:00:00Z',
      previousVersion: '5.26.0-enterprise',
      targetVersion: '2025.07.0-enterprise',
    });
  });

  it('may go back to the old tag while no server finished the upgrade, not after', () => {
    const { p, r } = stuckOnServer2();
    const paused = next(p, r, { ready: 2, updated: 1 }, minutes(31));
    const back = { ...paused.parent, spec: { ...paused.parent.spec, image: { repo: 'neo4j', tag: '5.26.0-enterprise' } } };
    const reverted = sync(back, observe(paused.response, back, { ready: 2, updated: 1 }), minutes(35));
    expect(image(reverted)).toBe('neo4j:5.26.0-enterprise');
    expect(partition(reverted)).toBe(2);
    expect(status(reverted).phase).toBe('Ready');

    // Server 2 finished on 2025.06 (partition 1): going back would downgrade it.
    const later = next(paused.parent, paused.response, { ready: 3, updated: 1 }, minutes(40));
    const tooLate = { ...later.parent, status: structuredClone(later.response.status), spec: { ...later.parent.spec, image: { repo: 'neo4j', tag: '5.26.0-enterprise' } } };
    const observed = observe(later.response, tooLate, { ready: 3, updated: 2 });
    const refused = sync(tooLate, observed, minutes(41));
    expect(status(refused).phase).toBe('Failed');
    expect(status(refused).message).toContain('image tag change from 2025.06.0-enterprise to 5.26.0-enterprise refused: downgrade');
    expect(image(refused)).toBe('neo4j:2025.06.0-enterprise');
    expect(partition(refused)).toBe(1);
    // The upgrade record survives the refusal.
    expect(upgrade(refused)).toEqual(upgrade(later.response));
  });
});

describe('the upgrade path is checked from every version a server may run', () => {
  function observation(tag: string, s: SetStatus) {
    const parent = doc(tag);
    const children = observe(sync(parent), parent, s);
    return observeServerSet({ 'StatefulSet.apps/v1': Object.fromEntries(children.filter((c) => c.kind === 'StatefulSet').map((c) => [c.metadata.name, c])) }, 'graph-server', 'ns');
  }
  const cluster = (tag: string, version?: string) => doc(tag, version ? { version } : undefined) as unknown as Cluster;

  it('refuses a downgrade against status.version even when the template was never rolled out', () => {
    expect(upgradePathError(cluster('5.26.0-enterprise', '2025.06.0-enterprise'), observation('2025.06.0-enterprise', { ready: 3, updated: 3, partition: 3 }))).toBe(
      'image tag change from 2025.06.0-enterprise to 5.26.0-enterprise refused: downgrade from 2025.06.0 to 5.26.0 is not supported',
    );
  });

  it('ignores a frozen template nobody runs yet, counts one that passed its first step', () => {
    expect(upgradePathError(cluster('2025.03.0-enterprise', '5.26.0-enterprise'), observation('2025.06.0-enterprise', { ready: 3, updated: 0, partition: 3 }))).toBeUndefined();
    expect(upgradePathError(cluster('2025.03.0-enterprise', '5.26.0-enterprise'), observation('2025.06.0-enterprise', { ready: 3, updated: 2, partition: 1 }))).toContain(
      'downgrade from 2025.06.0 to 2025.03.0',
    );
  });

  it('refuses an upgrade path Neo4j does not support (4.x is not a managed line)', () => {
    expect(upgradePathError(cluster('2025.06.0-enterprise', '4.4.0-enterprise'), undefined)).toContain('refused: upgrade from 4.4.0 to 2025.06.0 is not supported');
  });
});

describe('a refused downgrade on a formed cluster', () => {
  it('touches nothing: children frozen as last applied, phase Failed, version kept', () => {
    const parent = doc('2025.06.0-enterprise', { phase: 'Ready', version: '2025.06.0-enterprise' });
    const observed = observe(sync(parent), parent, { ready: 3, updated: 3 });
    const r = sync({ ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '5.26.0-enterprise' } } }, observed);
    expect(status(r)).toMatchObject({ phase: 'Failed', version: '2025.06.0-enterprise' });
    expect(image(r)).toBe('neo4j:2025.06.0-enterprise');
    expect(partition(r)).toBe(0);
    expect(status(r).upgradeStatus).toBeUndefined();
  });
});

describe('configuration changes roll through the same gate', () => {
  it('freezes, then restarts one server at a time; the cluster stays Ready while one server restarts', () => {
    const { parent, observed } = formed526();
    let p: Loose = { ...parent, spec: { ...parent.spec, config: { 'db.transaction.timeout': '60s' } } };
    let r = sync(p, observed);
    expect(partition(r)).toBe(3);
    expect(status(r).phase).toBe('Ready');
    expect(upgrade(r)).toMatchObject({ phase: 'Pending', previousVersion: '5.26.0-enterprise', targetVersion: '5.26.0-enterprise' });
    expect(condition(r, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingUpdate' });
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 0 }));
    expect(partition(r)).toBe(2);
    ({ parent: p, response: r } = next(p, r, { ready: 2, updated: 1 }));
    expect(status(r).phase).toBe('Ready');
    expect(status(r).message).toBe('Neo4j cluster is ready; rolling out a pod template change: restarting server 2 (graph-server-2); 0/3 servers done');
    expect(condition(r, 'Ready')).toMatchObject({ status: 'True' });
    expect(upgrade(r).currentStep).toBe('Restarting server 2 (graph-server-2)');
    // A second server down is not a rolling restart any more: the usual phase.
    expect(status(next(p, r, { ready: 1, updated: 1 }).response).phase).toBe('Forming');
  });

  it('scaling alone rolls nothing: replicas change, the template and its hash do not', () => {
    const { parent, observed } = formed526();
    const before = sync(parent, observed);
    const r = sync({ ...parent, spec: { ...parent.spec, topology: { servers: 5 } } }, observed);
    expect(sts(r).spec!.replicas).toBe(5);
    expect(partition(r)).toBe(0);
    expect(sts(r).spec!.template).toEqual(sts(before).spec!.template);
    expect(sts(r).metadata.annotations).toEqual(sts(before).metadata.annotations);
    expect(status(r).upgradeStatus).toBeUndefined();
  });

  it('scaling waits for a rollout in progress', () => {
    const { parent, observed } = formed526();
    const p = { ...parent, spec: { ...parent.spec, config: { 'db.transaction.timeout': '60s' }, topology: { servers: 5 } } };
    const r = sync(p, observed);
    expect(sts(r).spec!.replicas).toBe(3);
    expect(partition(r)).toBe(3);
  });
});

describe('a cluster that never formed', () => {
  it('is rolled natively by Kubernetes (partition 0, no upgradeStatus), so a broken first server can be replaced', () => {
    const parent = doc('5.26.0-enterprise');
    const observed = observe(sync(parent), parent, { ready: 1, updated: 3 });
    const r = sync({ ...parent, spec: { ...parent.spec, config: { 'server.memory.heap.max_size': '900m', 'server.memory.heap.initial_size': '900m' } } }, observed);
    expect(partition(r)).toBe(0);
    expect(status(r).phase).toBe('Forming');
    expect(status(r).upgradeStatus).toBeUndefined();
    expect(status(r).version).toBeUndefined();
  });
});

describe('upgradeStrategy Recreate (OnDelete)', () => {
  const recreate = (d: Loose) => void (d.spec.upgradeStrategy = { strategy: 'Recreate' });

  it('applies the template at once and tells the user which pod to delete next, counting updatedReplicas', () => {
    const { parent, observed } = formed526(recreate);
    let p: Loose = { ...parent, spec: { ...parent.spec, image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } } };
    let r = sync(p, observed);
    expect(sts(r).spec!.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(image(r)).toBe('neo4j:2025.06.0-enterprise');
    expect(upgrade(r)).toMatchObject({ phase: 'InProgress', currentStep: 'Waiting for pod deletions', progress: { upgraded: 0, pending: 3 } });
    expect(upgrade(r).message).toContain('next: kubectl delete pod -n ns graph-server-2');
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 1 }));
    expect(upgrade(r).progress).toMatchObject({ upgraded: 1, pending: 2 });
    expect(upgrade(r).message).toContain('next: kubectl delete pod -n ns graph-server-1');
    // No timeout: the user drives it.
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 1 }, minutes(120)));
    expect(upgrade(r).phase).toBe('InProgress');
    ({ parent: p, response: r } = next(p, r, { ready: 3, updated: 3 }, minutes(130)));
    expect(upgrade(r)).toMatchObject({ phase: 'Completed' });
    expect(status(r)).toMatchObject({ phase: 'Ready', version: '2025.06.0-enterprise' });
    expect(condition(r, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stable' });
  });
});
