/**
 * Lifecycle scenarios of Neo4jEnterpriseCluster on the simulator (lib/cluster/upgrade.ts and
 * lib/cluster/scale.ts): rolling upgrades through the StatefulSet partition, a paused upgrade that
 * resumes, a configuration rollout, scale-out and a drained scale-in, and what an invalid spec
 * does to a live cluster. Assertions look at the simulated pods, claims and API calls over time.
 * Round counts are upper bounds with the measured value in a comment (one round = one
 * Metacontroller pass over the due parents).
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import {
  changedChildren,
  clusterCondition,
  clusterDoc,
  clusterId,
  clusterStatus,
  isRolledOut,
  podUids,
  serverPods,
  serverSet,
  type ClusterId,
} from './cluster-helpers.js';
import { isObject } from './json.js';
import { isPodReady, type KubeOptions } from './kube.js';
import type { RoundReport, Simulator } from './simulator.js';
import { useSimulators } from './harness.js';

const id = clusterId('neo4j', 'graph');
const POD_READY_SECONDS = 10;
const OLD = '5.26.0-enterprise';
const NEW = '2025.06.0-enterprise';

const startSimulator = useSimulators({ podReadySeconds: POD_READY_SECONDS });

/** A simulator with `spec` created, rolled out and at rest (status.version set: the cluster formed). */
async function formedCluster(spec: Parameters<typeof clusterDoc>[1] = {}, kube: KubeOptions = {}) {
  const sim = await startSimulator(kube);
  sim.create(clusterDoc(id, spec));
  await sim.runUntil((s) => isRolledOut(s, id) && clusterStatus(s, id)?.version !== undefined, 30);
  await sim.settle();
  return sim;
}

const imageOf = (pod: K8sObject) => (pod.spec as { containers: Array<{ image: string }> }).containers[0]!.image;
const images = (sim: Simulator) => serverPods(sim, id).map(imageOf);
const partitionOf = (sim: Simulator) =>
  (serverSet(sim, id)?.spec as { updateStrategy?: { rollingUpdate?: { partition?: number } } } | undefined)?.updateStrategy?.rollingUpdate?.partition;
const replicasOf = (sim: Simulator) => (serverSet(sim, id)?.spec as { replicas?: number } | undefined)?.replicas;
const errorsOf = (rounds: readonly RoundReport[]) => rounds.flatMap((r) => r.errors);
const upgradeDone = (s: Simulator) => clusterStatus(s, id)?.upgradeStatus?.phase === 'Completed' && isRolledOut(s, id);

function setTag(sim: Simulator, tag: string): void {
  sim.edit(id.ref, (c) => void ((c.spec as { image: { tag: string } }).image.tag = tag));
}

/** Watches server pods: the fewest ready at any moment, the order pods were replaced. */
function watchServers(sim: Simulator, target: ClusterId = id) {
  const seen = { fewestReady: Number.POSITIVE_INFINITY, replaced: [] as string[] };
  sim.store.watch((event) => {
    if (event.object.kind !== 'Pod') return;
    if (event.type === 'deleted') seen.replaced.push(event.object.metadata.name);
    const wanted = replicasOf(sim) ?? 0;
    const ready = serverPods(sim, target).filter((p) => isPodReady(p) && Number(p.metadata.name.split('-').at(-1)) < wanted).length;
    seen.fewestReady = Math.min(seen.fewestReady, ready);
  });
  return seen;
}

describe('rolling upgrade 5.26 → 2025.06', () => {
  it('upgrades one server at a time, ordinal 0 last, with correct progress, then reports the new version', async () => {
    const sim = await formedCluster();
    expect(clusterStatus(sim, id)?.version).toBe(OLD);
    const servers = watchServers(sim);
    const timeline: string[] = [];
    const progress: number[] = [];
    sim.afterEachRound(() => {
      const status = clusterStatus(sim, id)!;
      timeline.push(`${status.phase}|${images(sim).map((i) => (i.endsWith(NEW) ? 'N' : 'O')).join('')}|p${partitionOf(sim)}`);
      if (status.upgradeStatus?.progress?.upgraded !== undefined) progress.push(status.upgradeStatus.progress.upgraded);
      // The version changes only when every server runs the new one.
      if (status.version === NEW) expect(images(sim).every((i) => i.endsWith(NEW))).toBe(true);
    });
    const start = sim.rounds.length;

    setTag(sim, NEW);
    const rounds = await sim.runUntil(upgradeDone, 60);
    expect(rounds).toBeLessThanOrEqual(16); // measured: 14

    expect(images(sim)).toEqual([`neo4j:${NEW}`, `neo4j:${NEW}`, `neo4j:${NEW}`]);
    expect(servers.replaced).toEqual(['graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(servers.fewestReady).toBe(2); // never more than one server down
    // Pods change from the highest ordinal down: OOO → OON → ONN → NNN, never another order.
    const states = [...new Set(timeline.map((t) => t.split('|')[1]))];
    expect(states).toEqual(['OOO', 'OON', 'ONN', 'NNN']);
    expect(timeline[0]).toBe('Upgrading|OOO|p3'); // frozen first: the new template, no pod touched
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(3);
    const status = clusterStatus(sim, id)!;
    expect(status).toMatchObject({ phase: 'Ready', version: NEW, lastUpgradeTime: status.upgradeStatus?.completionTime });
    expect(status.upgradeStatus).toMatchObject({ phase: 'Completed', previousVersion: OLD, targetVersion: NEW, progress: { total: 3, upgraded: 3, inProgress: 0, pending: 0 } });
    expect(partitionOf(sim)).toBe(0);
    expect(clusterCondition(sim, id, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stable' });
    expect(errorsOf(sim.rounds.slice(start))).toEqual([]);

    // At rest afterwards: a resync writes nothing.
    sim.resync();
    expect((await sim.round()).metacontroller.total).toBe(0);
    expect(await sim.settle()).toBe(0);
  });

  it('refuses a downgrade of a formed cluster: no pod, no child touched', async () => {
    const sim = await formedCluster({ image: { repo: 'neo4j', tag: NEW } });
    const uids = podUids(serverPods(sim, id));
    const start = sim.rounds.length;
    setTag(sim, OLD);
    const rounds = await sim.settle();
    expect(rounds).toBeLessThanOrEqual(3); // measured: 1
    const after = sim.rounds.slice(start);
    expect(changedChildren(after.flatMap((r) => r.writes))).toEqual([]);
    expect(sim.totals(after, { actor: 'kube' }).total).toBe(0);
    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(images(sim)).toEqual([`neo4j:${NEW}`, `neo4j:${NEW}`, `neo4j:${NEW}`]);
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Failed', version: NEW });
    expect(clusterStatus(sim, id)?.message).toContain(`image tag change from ${NEW} to ${OLD} refused: downgrade`);
  });
});

describe('a server failing mid-upgrade', () => {
  it('pauses after upgradeTimeout with no further server touched, and resumes when the pod recovers', async () => {
    const sim = await formedCluster({ upgradeStrategy: { upgradeTimeout: '2m' } });
    const servers = watchServers(sim);
    // Server 1 will not come up on the new version.
    sim.kube.setPodReadiness(id.namespace, 'graph-server-1', 'never');
    setTag(sim, NEW);
    const toPause = await sim.runUntil((s) => clusterStatus(s, id)?.phase === 'Paused', 200);
    expect(toPause).toBeLessThanOrEqual(18); // measured: 16 (a resync every 15 s counts the 2 minutes)

    const status = clusterStatus(sim, id)!;
    expect(status.message).toMatch(/^Upgrade paused due to failure - manual intervention required: graph-server-1 did not become ready and available within 2m/u);
    expect(status.upgradeStatus).toMatchObject({ phase: 'Paused', currentStep: 'Upgrading server 1 (graph-server-1)', progress: { upgraded: 1, inProgress: 1, pending: 1 } });
    expect(status.version).toBe(OLD);
    expect(partitionOf(sim)).toBe(1);
    expect(images(sim)).toEqual([`neo4j:${OLD}`, `neo4j:${NEW}`, `neo4j:${NEW}`]);

    // Paused for ten more minutes: server 0 is never touched.
    const paused = await sim.tick(600);
    expect(paused.flatMap((r) => r.writes).filter((w) => w.kind === 'Pod' && w.verb === 'delete')).toEqual([]);
    expect(images(sim)[0]).toBe(`neo4j:${OLD}`);
    expect(clusterStatus(sim, id)?.phase).toBe('Paused');
    expect(sim.totals(paused, { actor: 'metacontroller' }).total).toBe(0); // no status churn while paused

    // The pod recovers (say, the node came back): the upgrade continues by itself.
    sim.kube.clearPodReadiness(id.namespace, 'graph-server-1');
    sim.kube.setPodReady(id.namespace, 'graph-server-1', true);
    const toDone = await sim.runUntil(upgradeDone, 60);
    expect(toDone).toBeLessThanOrEqual(9); // measured: 7
    expect(images(sim)).toEqual([`neo4j:${NEW}`, `neo4j:${NEW}`, `neo4j:${NEW}`]);
    expect(servers.replaced).toEqual(['graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(servers.fewestReady).toBe(2);
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Ready', version: NEW });
    expect(clusterStatus(sim, id)?.upgradeStatus?.lastError).toContain('graph-server-1 did not become ready');
  });

  it('re-plans when the user fixes the tag while the first server is stuck: that server takes the fix at once', async () => {
    const sim = await formedCluster({ upgradeStrategy: { upgradeTimeout: '2m' } });
    // Server 2, the first to go, does not start on 2025.06.
    sim.kube.setPodReadiness(id.namespace, 'graph-server-2', 'never');
    const servers = watchServers(sim);
    setTag(sim, NEW);
    await sim.runUntil((s) => clusterStatus(s, id)?.phase === 'Paused', 200);
    expect(partitionOf(sim)).toBe(2);
    expect(images(sim)).toEqual([`neo4j:${OLD}`, `neo4j:${OLD}`, `neo4j:${NEW}`]);

    // 2025.07 starts fine.
    sim.kube.clearPodReadiness(id.namespace, 'graph-server-2');
    setTag(sim, '2025.07.0-enterprise');
    const rounds = await sim.runUntil(upgradeDone, 80);
    expect(rounds).toBeLessThanOrEqual(15); // measured: 13
    expect(images(sim)).toEqual(['neo4j:2025.07.0-enterprise', 'neo4j:2025.07.0-enterprise', 'neo4j:2025.07.0-enterprise']);
    expect(servers.replaced).toEqual(['graph-server-2', 'graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(servers.fewestReady).toBe(2);
    expect(clusterStatus(sim, id)?.upgradeStatus).toMatchObject({ phase: 'Completed', previousVersion: OLD, targetVersion: '2025.07.0-enterprise' });
  });
});

describe('a configuration change', () => {
  it('restarts the servers one at a time through the same gate; the cluster stays Ready', async () => {
    const sim = await formedCluster();
    const servers = watchServers(sim);
    const phases = new Set<string>();
    sim.afterEachRound(() => void phases.add(String(clusterStatus(sim, id)?.phase)));
    sim.edit(id.ref, (c) => void ((c.spec as { config?: Record<string, string> }).config = { 'db.transaction.timeout': '60s' }));
    const rounds = await sim.runUntil(upgradeDone, 60);
    expect(rounds).toBeLessThanOrEqual(16); // measured: 14
    expect(servers.replaced).toEqual(['graph-server-2', 'graph-server-1', 'graph-server-0']);
    expect(servers.fewestReady).toBe(2);
    expect([...phases]).toEqual(['Ready']);
    expect(clusterStatus(sim, id)).toMatchObject({ version: OLD });
    expect(clusterStatus(sim, id)?.lastUpgradeTime).toBeUndefined();
    expect(clusterStatus(sim, id)?.upgradeStatus).toMatchObject({ phase: 'Completed', previousVersion: OLD, targetVersion: OLD });
  });
});

describe('scaling 3 → 5 → 3', () => {
  it('adds servers without a restart, then drains servers 3-4 with a Job before removing them', async () => {
    const sim = await formedCluster();
    const uids = podUids(serverPods(sim, id));
    const servers = watchServers(sim);

    sim.edit(id.ref, (c) => void ((c.spec as { topology: { servers: number } }).topology.servers = 5));
    const outRounds = await sim.runUntil((s) => isRolledOut(s, id) && serverPods(s, id).length === 5, 20);
    expect(outRounds).toBeLessThanOrEqual(4); // measured: 3
    expect(podUids(serverPods(sim, id).slice(0, 3))).toEqual(uids);
    expect(servers.replaced).toEqual([]);
    expect(sim.claims(id.namespace)).toHaveLength(5);
    await sim.settle();

    const seen: Array<{ replicas: number; drained: boolean }> = [];
    sim.afterEachRound(() => {
      const job = sim.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: id.namespace, name: 'graph-drain-5-to-3' });
      seen.push({ replicas: replicasOf(sim)!, drained: isObject(job?.status) && job.status.succeeded === 1 });
    });
    const start = sim.rounds.length;
    sim.edit(id.ref, (c) => void ((c.spec as { topology: { servers: number } }).topology.servers = 3));
    const drainStarted = await sim.runUntil((s) => s.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: id.namespace, name: 'graph-drain-5-to-3' }) !== undefined, 5);
    expect(drainStarted).toBe(1);
    expect(replicasOf(sim)).toBe(5);
    expect(clusterCondition(sim, id, 'ScalingDown')).toMatchObject({ status: 'True', reason: 'Draining' });
    expect(clusterStatus(sim, id)?.phase).toBe('Ready');

    const inRounds = await sim.runUntil((s) => serverPods(s, id).length === 3 && clusterCondition(s, id, 'ScalingDown') === undefined, 20);
    expect(drainStarted + inRounds).toBeLessThanOrEqual(7); // measured: 5 (the Job runs 30 s)
    // Replicas went down only after the Job had succeeded.
    expect(seen.filter((r) => !r.drained).every((r) => r.replicas === 5)).toBe(true);
    expect(seen.at(-1)).toEqual({ replicas: 3, drained: true });

    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect([...servers.replaced].sort()).toEqual(['graph-server-3', 'graph-server-4']);
    // Claims of the removed servers follow storage.retentionPolicy (Delete by default).
    expect(sim.claims(id.namespace).map((c) => c.metadata.name)).toEqual(['data-graph-server-0', 'data-graph-server-1', 'data-graph-server-2']);
    expect(clusterStatus(sim, id)).toMatchObject({ phase: 'Ready', replicas: { servers: 3, ready: 3 } });
    expect(errorsOf(sim.rounds.slice(start))).toEqual([]);
    // The Job stays (never re-run) while the size holds; at rest afterwards.
    expect(await sim.settle()).toBe(0);
    expect(sim.list({ kind: 'Job', namespace: id.namespace }).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
  });

  it('a failed drain keeps every server; deleting the Job retries it', async () => {
    const sim = await formedCluster({ topology: { servers: 5 } }, { jobOutcome: () => ({ result: 'fail', afterSeconds: 20 }) });
    const uids = podUids(serverPods(sim, id));
    sim.edit(id.ref, (c) => void ((c.spec as { topology: { servers: number } }).topology.servers = 3));
    const rounds = await sim.runUntil((s) => clusterCondition(s, id, 'ScalingDown')?.reason === 'DrainFailed', 10);
    expect(rounds).toBeLessThanOrEqual(6); // measured: 4 (the Job fails after 20 s)
    expect(replicasOf(sim)).toBe(5);
    expect(podUids(serverPods(sim, id))).toEqual(uids);
    expect(clusterCondition(sim, id, 'ScalingDown')).toMatchObject({ status: 'False' });
    expect(clusterCondition(sim, id, 'ScalingDown')?.message).toContain('the cluster keeps 5 servers');
    expect(clusterStatus(sim, id)?.phase).toBe('Ready');
    expect(await sim.settle()).toBe(0); // nothing retried by itself

    // The user fixed the cause (say, a database topology) and deletes the Job: it runs again.
    sim.kube.setJobOutcome(id.namespace, 'graph-drain-5-to-3', { result: 'succeed', afterSeconds: 20 });
    sim.remove({ apiVersion: 'batch/v1', kind: 'Job', namespace: id.namespace, name: 'graph-drain-5-to-3' });
    const retry = await sim.runUntil((s) => serverPods(s, id).length === 3 && clusterCondition(s, id, 'ScalingDown') === undefined, 20);
    expect(retry).toBeLessThanOrEqual(7); // measured: 5
    expect(podUids(serverPods(sim, id))).toEqual(Object.fromEntries(Object.entries(uids).slice(0, 3)));
  });
});

describe('an invalid spec on a live cluster', () => {
  it('changes and deletes nothing, even with a drain under way', async () => {
    const sim = await formedCluster({ topology: { servers: 5 } }, { jobSeconds: 600 });
    sim.edit(id.ref, (c) => void ((c.spec as { topology: { servers: number } }).topology.servers = 3));
    await sim.runUntil((s) => clusterCondition(s, id, 'ScalingDown')?.reason === 'Draining', 5);
    const versions = Object.fromEntries(sim.list({ namespace: id.namespace }).filter((o) => o.kind !== 'Neo4jEnterpriseCluster').map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    const start = sim.rounds.length;

    sim.edit(id.ref, (c) => void ((c.spec as { resources?: unknown }).resources = { limits: { memory: '512Mi' } }));
    const rounds = await sim.runUntil((s) => clusterStatus(s, id)?.phase === 'Failed', 5);
    expect(rounds).toBe(1);
    await sim.tick(120);
    const after = sim.rounds.slice(start);
    expect(sim.totals(after, { actor: 'metacontroller' })).toMatchObject({ creates: 0, updates: 0, deletes: 0, rejected: 0 });
    expect(sim.totals(after, { actor: 'kube' })).toMatchObject({ creates: 0, deletes: 0 });
    const now = Object.fromEntries(sim.list({ namespace: id.namespace }).filter((o) => o.kind !== 'Neo4jEnterpriseCluster').map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]));
    expect(Object.keys(now)).toEqual(Object.keys(versions));
    expect(replicasOf(sim)).toBe(5);
    expect(clusterStatus(sim, id)?.message).toMatch(/^Validation failed: .*memory/u);
  });
});
