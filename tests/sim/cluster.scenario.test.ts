/**
 * Scenarios of the Neo4jEnterpriseCluster kind as it is today, on the simulator: the real hook
 * server called by a Metacontroller model, against a Kubernetes model in simulated time.
 * Assertions look at the simulated cluster (pods, claims, objects, API calls), not only at hook
 * responses. Round counts are upper bounds with the measured value in a comment: they are the
 * convergence cost (one round = one Metacontroller pass over the due parents).
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { objectToUpdate } from './apply.js';
import {
  changedChildren,
  clusterCondition,
  clusterDoc,
  clusterId,
  clusterStatus,
  isClusterReady,
  isCurrent,
  isRolledOut,
  podConfigHash,
  podUids,
  serverPods,
  serverSet,
  templateConfigHash,
  type ClusterId,
} from './cluster-helpers.js';
import { deepEqual, isObject } from './json.js';
import { isPodReady, podRevision, type KubeOptions } from './kube.js';
import type { RoundReport, Simulator } from './simulator.js';
import { useSimulators } from './harness.js';

const id = clusterId('neo4j', 'graph');
/** Pods become ready this long after they are created. */
const POD_READY_SECONDS = 10;

const simulator = useSimulators({ podReadySeconds: POD_READY_SECONDS });


/** A simulator with `cluster` created and rolled out; returns the rounds that took. */
async function readyCluster(spec: Parameters<typeof clusterDoc>[1] = {}, kube: KubeOptions = {}, cluster: ClusterId = id) {
  const sim = await simulator(kube);
  sim.create(clusterDoc(cluster, spec));
  const rounds = await sim.runUntil((s) => isRolledOut(s, cluster), 30);
  await sim.settle();
  return { sim, rounds };
}

function errorsOf(rounds: readonly RoundReport[]): string[] {
  return rounds.flatMap((r) => r.errors);
}

function childNames(sim: Simulator): string[] {
  return ['ConfigMap', 'ServiceAccount', 'Service', 'StatefulSet', 'PodDisruptionBudget'].flatMap((kind) =>
    sim.list({ kind, namespace: id.namespace }).map((o) => `${kind}/${o.metadata.name}`),
  );
}

const EXPECTED_CHILDREN = [
  'ConfigMap/graph-config',
  'PodDisruptionBudget/graph-server',
  'Service/graph-client',
  'Service/graph-discovery',
  'Service/graph-headless',
  'Service/graph-internals',
  'ServiceAccount/graph-discovery',
  'StatefulSet/graph-server',
];

describe('a new cluster', () => {
  it('gets every child in the first sync and becomes Ready once its servers are', async () => {
    const sim = await simulator();
    sim.create(clusterDoc(id));

    const first = (await sim.step())!;
    expect(first.synced).toEqual([id.key]);
    expect(changedChildren(first.writes).map((c) => c.replace('create ', '')).sort()).toEqual(EXPECTED_CHILDREN);
    expect(clusterStatus(sim, id)?.phase).toBe('Initializing');

    const rounds = 1 + (await sim.runUntil((s) => isClusterReady(s, id), 20));
    expect(rounds).toBeLessThanOrEqual(4); // measured: 3
    expect(sim.now.toISOString()).toBe('2026-01-01T00:00:10.000Z');

    const pods = serverPods(sim, id);
    expect(pods.map((p) => p.metadata.name)).toEqual(['graph-server-0', 'graph-server-1', 'graph-server-2']);
    expect(pods.every(isPodReady)).toBe(true);
    const claims = sim.claims(id.namespace);
    expect(claims.map((c) => c.metadata.name)).toEqual(['data-graph-server-0', 'data-graph-server-1', 'data-graph-server-2']);
    expect(claims.every((c) => isObject(c.status) && c.status.phase === 'Bound')).toBe(true);
    expect(claims.map((c) => (c.spec as { resources: { requests: { storage: string } } }).resources.requests.storage)).toEqual(['10Gi', '10Gi', '10Gi']);

    const status = clusterStatus(sim, id)!;
    expect(status).toMatchObject({ phase: 'Ready', observedGeneration: 1, replicas: { servers: 3, ready: 3 }, version: '5.26.0-enterprise' });
    expect(clusterCondition(sim, id, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stable' });

    expect(errorsOf(sim.rounds)).toEqual([]);
    const totals = sim.totals(sim.rounds, { actor: 'metacontroller' });
    // One status write per phase (Initializing, Forming, Ready); the status always validates. One
    // update, once: the StatefulSet's volumeClaimTemplates are returned as the server stored them
    // (with its defaults) from the second sync on, which refreshes Metacontroller's last-applied
    // annotation a single time; later syncs write nothing (see the steady-state tests).
    expect(totals).toMatchObject({ creates: 8, updates: 1, deletes: 0, statusUpdates: 3, noopStatusUpdates: 0, rejected: 0 });
  });

  it('writes nothing while it waits for servers (resync every 15 s, no status churn)', async () => {
    const sim = await simulator({ readiness: (pod) => (pod.metadata.name === 'graph-server-1' ? 'never' : undefined) });
    sim.create(clusterDoc(id));
    await sim.runUntil((s) => clusterStatus(s, id)?.replicas?.ready === 2, 10);
    const waiting = await sim.tick(90);
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Forming', replicas: { servers: 3, ready: 2 } });
    expect(clusterStatus(sim, id)?.message).toBe('Cluster formation in progress: 2/3 servers ready');
    expect(waiting.map((r) => r.calls.sync)).toEqual([1, 1, 1, 1, 1, 1]); // a resync every 15 s
    // (The StatefulSet controller's own availableReplicas write after minReadySeconds is not the hook's.)
    expect(sim.totals(waiting, { actor: 'metacontroller' }).total).toBe(0);
  });
});

describe('steady state', () => {
  it('a resync of a Ready cluster changes nothing and schedules nothing', async () => {
    const { sim } = await readyCluster();
    sim.resync();
    const round = await sim.round();
    expect(round.calls.sync).toBe(1);
    expect(round.metacontroller.total).toBe(0);
    expect(round.kube.total).toBe(0);
    expect(round.errors).toEqual([]);
    expect(await sim.settle()).toBe(0);
  });

  // Metacontroller's dynamic apply replaces volumeClaimTemplates atomically (its items share no
  // list-map key), so they are returned exactly as the server holds them (defaults included); else
  // every sync would PUT the StatefulSet (metacontroller.md §4.9, issue #566).
  it('a resync sends no no-op StatefulSet update (volumeClaimTemplates in the server-defaulted form)', async () => {
    const { sim } = await readyCluster({ resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '500m', memory: '1Gi' } } });
    sim.resync();
    const round = await sim.round();
    expect(round.metacontroller.noopUpdates).toBe(0);
  });

  // Quantities are written in the canonical form the API server stores ("1", not "1000m"), so the
  // pod template merge finds nothing to change (metacontroller.md §4.3).
  it('the pod template of a default cluster survives the merge unchanged (canonical quantities)', async () => {
    const { sim } = await readyCluster();
    const observed = serverSet(sim, id)!;
    const desired = sim.metacontroller.lastResponse('neo4jenterpriseclusters', id.namespace, id.name)!.children.find((c) => c.kind === 'StatefulSet')!;
    const merged = objectToUpdate(observed, { ...desired, metadata: { ...desired.metadata, labels: { ...desired.metadata.labels, 'controller-uid': observed.metadata.uid! } } });
    expect((merged.spec as { template: unknown }).template).toEqual((observed.spec as { template: unknown }).template);
  });
});

describe('changes to a live cluster', () => {
  it('a spec.config edit rolls the servers one at a time, highest ordinal first', async () => {
    const { sim } = await readyCluster();
    const oldHash = templateConfigHash(sim, id);
    const before = podUids(serverPods(sim, id));
    const replaced: string[] = [];
    let fewestReady = 3;
    const phases = new Set<string>();
    sim.store.watch((event) => {
      if (event.object.kind !== 'Pod') return;
      if (event.type === 'deleted') replaced.push(event.object.metadata.name);
      fewestReady = Math.min(fewestReady, serverPods(sim, id).filter(isPodReady).length);
    });
    sim.afterEachRound(() => void phases.add(String(clusterStatus(sim, id)?.phase)));

    sim.edit(id.ref, (c) => void ((c.spec as { config?: Record<string, string> }).config = { 'db.transaction.timeout': '60s' }));
    const rounds = await sim.runUntil((s) => isRolledOut(s, id), 40);
    // Gated (lib/cluster/upgrade.ts): freeze, then one partition step per server once the previous one
    // is ready for minReadySeconds.
    expect(rounds).toBeLessThanOrEqual(16); // measured: 14

    const newHash = templateConfigHash(sim, id);
    expect(newHash).not.toBe(oldHash);
    const pods = serverPods(sim, id);
    const revision = (serverSet(sim, id)!.status as { updateRevision: string }).updateRevision;
    expect(pods.map(podConfigHash)).toEqual([newHash, newHash, newHash]);
    expect(pods.map(podRevision)).toEqual([revision, revision, revision]);
    expect(replaced).toEqual(['graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(pods.every((p) => before[p.metadata.name] !== p.metadata.uid)).toBe(true);
    expect(fewestReady).toBe(2);
    const config = sim.get({ kind: 'ConfigMap', namespace: id.namespace, name: 'graph-config' })!;
    expect((config.data as Record<string, string>)['neo4j.conf']).toContain('db.transaction.timeout=60s');
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Ready', observedGeneration: 2 });
    // The template with partition 3 (frozen), then partitions 2, 1, 0.
    expect(changedChildren(sim.rounds.slice(-rounds).flatMap((r) => r.writes))).toEqual([
      'update ConfigMap/graph-config',
      'update StatefulSet/graph-server',
      'update StatefulSet/graph-server',
      'update StatefulSet/graph-server',
      'update StatefulSet/graph-server',
    ]);
    expect(errorsOf(sim.rounds)).toEqual([]);
    // A formed cluster restarting one server at a time stays Ready (Progressing=True, RollingUpdate).
    expect([...phases].sort()).toEqual(['Ready']);
  });

  it('scaling 3 → 5 adds two servers and never recreates the first three', async () => {
    const { sim } = await readyCluster();
    const before = podUids(serverPods(sim, id));
    const start = sim.store.writes.length;
    sim.edit(id.ref, (c) => void ((c.spec as { topology: { servers: number } }).topology.servers = 5));
    const rounds = await sim.runUntil((s) => isRolledOut(s, id) && serverPods(s, id).length === 5, 30);
    expect(rounds).toBeLessThanOrEqual(4); // measured: 3

    const pods = serverPods(sim, id);
    expect(pods.map((p) => p.metadata.name)).toEqual(['graph-server-0', 'graph-server-1', 'graph-server-2', 'graph-server-3', 'graph-server-4']);
    expect(podUids(pods.slice(0, 3))).toEqual(before);
    const podDeletes = sim.store.writes.slice(start).filter((w) => w.kind === 'Pod' && w.verb === 'delete');
    expect(podDeletes).toEqual([]);
    expect(sim.claims(id.namespace)).toHaveLength(5);
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Ready', replicas: { servers: 5, ready: 5 } });
    expect(errorsOf(sim.rounds)).toEqual([]);
  });

  it('an invalid spec on a live cluster changes and deletes nothing and reports Failed', async () => {
    const { sim } = await readyCluster();
    const children = Object.fromEntries(
      sim.list({ namespace: id.namespace }).filter((o) => o.kind !== 'Neo4jEnterpriseCluster').map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]),
    );
    const start = sim.rounds.length;
    sim.edit(id.ref, (c) => void ((c.spec as { resources?: unknown }).resources = { limits: { memory: '512Mi' } }));
    const rounds = await sim.settle();
    expect(rounds).toBeLessThanOrEqual(2); // measured: 1

    const after = sim.rounds.slice(start);
    expect(sim.totals(after, { actor: 'metacontroller' })).toMatchObject({ creates: 0, updates: 0, deletes: 0, statusUpdates: 1, rejected: 0 });
    expect(sim.totals(after, { actor: 'kube' }).total).toBe(0);
    expect(
      Object.fromEntries(sim.list({ namespace: id.namespace }).filter((o) => o.kind !== 'Neo4jEnterpriseCluster').map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion])),
    ).toEqual(children);
    const status = clusterStatus(sim, id)!;
    expect(status).toMatchObject({ phase: 'Failed', observedGeneration: 2 });
    expect(status.message).toMatch(/^Validation failed: .*memory/u);
    expect(clusterCondition(sim, id, 'Ready')).toMatchObject({ status: 'False', reason: 'ValidationFailed' });

    // Fixing the spec brings it back without touching a server.
    const uids = podUids(serverPods(sim, id));
    sim.edit(id.ref, (c) => void delete (c.spec as { resources?: unknown }).resources);
    await sim.runUntil((s) => isRolledOut(s, id), 10);
    expect(podUids(serverPods(sim, id))).toEqual(uids);
  });

  it('a downgrade is refused before it reaches a pod', async () => {
    const { sim } = await readyCluster({ image: { repo: 'neo4j', tag: '2025.06.0-enterprise' } });
    const uids = podUids(serverPods(sim, id));
    const set = serverSet(sim, id)!;
    const start = sim.rounds.length;
    sim.edit(id.ref, (c) => void ((c.spec as { image: { tag: string } }).image.tag = '5.26.0-enterprise'));
    const rounds = await sim.settle();
    expect(rounds).toBeLessThanOrEqual(2); // measured: 1

    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(serverPods(sim, id).map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0]!.image)).toEqual([
      'neo4j:2025.06.0-enterprise',
      'neo4j:2025.06.0-enterprise',
      'neo4j:2025.06.0-enterprise',
    ]);
    expect(serverSet(sim, id)!.metadata.resourceVersion).toBe(set.metadata.resourceVersion);
    const after = sim.rounds.slice(start);
    expect(changedChildren(after.flatMap((r) => r.writes))).toEqual([]);
    expect(sim.totals(after, { actor: 'kube' }).total).toBe(0);
    const status = clusterStatus(sim, id)!;
    expect(status).toMatchObject({ phase: 'Failed', version: '2025.06.0-enterprise' });
    expect(status.message).toContain('image tag change from 2025.06.0-enterprise to 5.26.0-enterprise refused: downgrade');
  });

  it('a storage size change is reported, not applied: the volume templates stay and nothing is rejected', async () => {
    const { sim } = await readyCluster();
    const uids = podUids(serverPods(sim, id));
    sim.edit(id.ref, (c) => void ((c.spec as { storage: { size: string } }).storage.size = '20Gi'));
    await sim.settle();
    expect(errorsOf(sim.rounds)).toEqual([]);
    expect(sim.totals(sim.rounds, { actor: 'metacontroller' }).rejected).toBe(0);
    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(sim.claims(id.namespace).map((c) => (c.spec as { resources: { requests: { storage: string } } }).resources.requests.storage)).toEqual(['10Gi', '10Gi', '10Gi']);
    expect(clusterStatus(sim, id)?.warnings?.[0]).toContain('volumeClaimTemplates are immutable');
    expect(isClusterReady(sim, id)).toBe(true);
  });
});

describe('cluster names', () => {
  // A cluster name of 46 characters or more passes the API server's name rules, but the StatefulSet
  // `<c>-server` could never create its pods: their `controller-revision-hash` label is
  // `<statefulset>-<10-character hash>`, over the 63-character limit (kubernetes#64023). Validation
  // refuses such names up front instead of leaving the cluster Forming forever.
  it('a name too long for its server pods is refused in status, not left Forming', async () => {
    const long = clusterId('neo4j', 'customer-analytics-graph-production-eu-west-01');
    expect(long.name).toHaveLength(46);
    const sim = await simulator();
    sim.create(clusterDoc(long));
    await sim.tick(60);
    expect(clusterStatus(sim, long)?.phase).toBe('Failed');
    expect(String(clusterStatus(sim, long)?.message)).toMatch(/at most 45 characters.*controller-revision-hash/u);
    expect(sim.list({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: long.namespace })).toEqual([]);
  });
});

describe('upgradeStrategy Recreate (StatefulSet OnDelete)', () => {
  it('a config change replaces no pod by itself', async () => {
    const { sim } = await readyCluster({ upgradeStrategy: { strategy: 'Recreate' } });
    const uids = podUids(serverPods(sim, id));
    sim.edit(id.ref, (c) => void ((c.spec as { config?: Record<string, string> }).config = { 'db.transaction.timeout': '60s' }));
    await sim.tick(60);
    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(clusterCondition(sim, id, 'Progressing')).toMatchObject({ status: 'True', reason: 'RollingUpdate' });
  });

  // Kubernetes never advances status.currentRevision for an OnDelete StatefulSet
  // (kubernetes#73492), so the rollout is judged by updatedReplicas with a current observedGeneration.
  it('once every pod was replaced by hand, the rollout is reported done', async () => {
    const { sim } = await readyCluster({ upgradeStrategy: { strategy: 'Recreate' } });
    sim.edit(id.ref, (c) => void ((c.spec as { config?: Record<string, string> }).config = { 'db.transaction.timeout': '60s' }));
    await sim.quiesce();
    for (const pod of serverPods(sim, id)) {
      sim.remove({ kind: 'Pod', namespace: id.namespace, name: pod.metadata.name });
      await sim.runUntil((s) => serverPods(s, id).every(isPodReady), 10);
    }
    await sim.tick(60);
    expect(clusterCondition(sim, id, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stable' });
  });

  it('…which holds when Kubernetes advances currentRevision for OnDelete (the diagnosis)', async () => {
    const { sim } = await readyCluster({ upgradeStrategy: { strategy: 'Recreate' } }, { onDeleteAdvancesCurrentRevision: true });
    sim.edit(id.ref, (c) => void ((c.spec as { config?: Record<string, string> }).config = { 'db.transaction.timeout': '60s' }));
    await sim.quiesce();
    for (const pod of serverPods(sim, id)) {
      sim.remove({ kind: 'Pod', namespace: id.namespace, name: pod.metadata.name });
      await sim.runUntil((s) => serverPods(s, id).every(isPodReady), 10);
    }
    await sim.runUntil((s) => isRolledOut(s, id), 10);
    expect(new Set(serverPods(sim, id).map(podConfigHash))).toEqual(new Set([templateConfigHash(sim, id)]));
  });
});

describe('deletion', () => {
  it.each([
    ['Retain', ['data-graph-server-0', 'data-graph-server-1', 'data-graph-server-2']],
    ['Delete', []],
  ] as const)('with storage.retentionPolicy %s removes every object, the PVCs as the policy says', async (policy, kept) => {
    const { sim } = await readyCluster({ storage: { className: 'standard', size: '10Gi', retentionPolicy: policy } });
    sim.remove(id.ref);
    const rounds = await sim.settle();
    expect(rounds).toBeLessThanOrEqual(2); // measured: 1 (garbage collection; the cluster has no finalize hook)

    expect(sim.get(id.ref)).toBeUndefined();
    expect(childNames(sim)).toEqual([]);
    expect(serverPods(sim, id)).toEqual([]);
    const claims = sim.claims(id.namespace);
    expect(claims.map((c) => c.metadata.name)).toEqual(kept);
    expect(claims.every((c: K8sObject) => c.metadata.ownerReferences === undefined && isObject(c.status) && c.status.phase === 'Bound')).toBe(true);
  });

  it('keeps the PVCs when the policy was switched from Delete to Retain on the live cluster', async () => {
    const { sim } = await readyCluster({ storage: { className: 'standard', size: '10Gi', retentionPolicy: 'Delete' } });
    sim.edit(id.ref, (c) => void ((c.spec as { storage: { retentionPolicy?: string } }).storage.retentionPolicy = 'Retain'));
    await sim.settle();
    expect(isCurrent(sim, id)).toBe(true);
    sim.remove(id.ref);
    await sim.settle();
    expect(sim.claims(id.namespace)).toHaveLength(3);
    expect(deepEqual(childNames(sim), [])).toBe(true);
  });
});
