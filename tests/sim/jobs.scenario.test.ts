/**
 * The Job-driven kinds on the simulator, against a Ready cluster: a Neo4jBackup whose Job succeeds
 * (Completed, never re-run) or fails (Failed); a Neo4jRestore from that backup with pre- and
 * post-restore hooks, whose Jobs run one after another in order; a Neo4jDatabase created, Ready,
 * then deleted with `deletionPolicy: Drop`, finalized only after its DROP Job succeeded.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../lib/k8s/object.js';
import { API_VERSION } from '../../lib/schemas/kind.js';
import { clusterDoc, clusterId, isRolledOut } from './cluster-helpers.js';
import { isObject } from './json.js';
import type { Simulator } from './simulator.js';
import { useSimulators } from './harness.js';

const NS = 'shop';
const cluster = clusterId(NS, 'orders');

const startSimulator = useSimulators({ podReadySeconds: 10, jobSeconds: 30 });

/** A simulator with cluster `orders` Ready. */
async function withReadyCluster(): Promise<Simulator> {
  const sim = await startSimulator();
  sim.create(clusterDoc(cluster));
  await sim.runUntil((s) => isRolledOut(s, cluster), 30);
  await sim.settle();
  return sim;
}

const ref = (kind: string, name: string) => ({ apiVersion: API_VERSION, kind, namespace: NS, name });
const parent = (kind: string, name: string, spec: Record<string, unknown>) => ({ ...ref(kind, name), metadata: { name, namespace: NS }, spec }) as K8sObject;
const phaseOf = (sim: Simulator, kind: string, name: string) => {
  const status = sim.get(ref(kind, name))?.status;
  return isObject(status) ? (status.phase as string | undefined) : undefined;
};
const job = (sim: Simulator, name: string) => sim.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: NS, name });
const jobNames = (sim: Simulator) => sim.list({ kind: 'Job', namespace: NS }).map((j) => j.metadata.name).sort();
const backupDoc = (name: string) => parent('Neo4jBackup', name, { target: { kind: 'Cluster', name: 'orders' }, storage: { type: 'pvc', pvc: { size: '20Gi', storageClassName: 'standard' } } });

describe('Neo4jBackup', () => {
  it('a one-shot backup Job that succeeds makes the backup Completed, and no later sync runs it again', async () => {
    const sim = await withReadyCluster();
    sim.create(backupDoc('daily'));
    await sim.runUntil((s) => phaseOf(s, 'Neo4jBackup', 'daily') === 'Completed', 30);
    const ran = job(sim, 'daily-backup')!;
    expect(isObject(ran.status) && ran.status.succeeded).toBe(1);
    const runs = sim.totals(sim.rounds, { actor: 'metacontroller', kind: 'Job' }).creates;
    sim.resync();
    await sim.tick(300);
    expect(sim.totals(sim.rounds, { actor: 'metacontroller', kind: 'Job' }).creates).toBe(runs);
    expect(job(sim, 'daily-backup')?.metadata.uid).toBe(ran.metadata.uid);
    expect(phaseOf(sim, 'Neo4jBackup', 'daily')).toBe('Completed');
  });

  it('a backup Job that fails makes the backup Failed', async () => {
    const sim = await withReadyCluster();
    sim.kube.setJobOutcome(NS, 'broken-backup', { result: 'fail', afterSeconds: 5 });
    sim.create(backupDoc('broken'));
    await sim.runUntil((s) => phaseOf(s, 'Neo4jBackup', 'broken') === 'Failed', 30);
    expect(phaseOf(sim, 'Neo4jBackup', 'broken')).toBe('Failed');
    expect(sim.rounds.flatMap((r) => r.errors)).toEqual([]);
  });
});

describe('Neo4jRestore', () => {
  it('restores from a completed backup with pre- and post-restore hooks, each Job started only after the previous one succeeded', async () => {
    const sim = await withReadyCluster();
    // A restore seeds from object storage every server can read (a PVC backup is refused).
    sim.create(parent('Neo4jBackup', 'daily', { target: { kind: 'Cluster', name: 'orders' }, storage: { type: 's3', bucket: 'backups', path: 'orders', cloud: { provider: 'aws', credentialsSecretRef: 'aws-backup-credentials' } } }));
    await sim.runUntil((s) => phaseOf(s, 'Neo4jBackup', 'daily') === 'Completed', 30);
    const started: string[] = [];
    sim.afterEachRound((_report, s) => {
      for (const name of jobNames(s)) if (name.startsWith('sales-restore-') && !started.includes(name)) started.push(name);
    });
    sim.create(
      parent('Neo4jRestore', 'sales-restore', {
        targetCluster: 'orders',
        databaseName: 'sales',
        source: { type: 'backup', backupRef: 'daily' },
        options: {
          replaceExisting: true,
          preRestore: { cypherStatements: ['CALL db.checkpoint()'], job: { template: { container: { image: 'alpine:3.20', command: ['/bin/sh', '-c'], args: ['echo preparing'] } } } },
          postRestore: { cypherStatements: ['CALL db.awaitIndexes(600)'] },
        },
      }),
    );
    await sim.runUntil((s) => phaseOf(s, 'Neo4jRestore', 'sales-restore') === 'Completed', 60);
    expect(started).toEqual(['sales-restore-pre-restore-cypher', 'sales-restore-pre-restore-hook', 'sales-restore-restore', 'sales-restore-post-restore-cypher']);
    // Each Job started only after the one before it had finished.
    const times = started.map((name) => {
      const s = job(sim, name)!.status as { startTime: string; completionTime: string };
      return { start: Date.parse(s.startTime), end: Date.parse(s.completionTime) };
    });
    for (let i = 1; i < times.length; i++) expect(times[i]!.start).toBeGreaterThanOrEqual(times[i - 1]!.end);
    expect(sim.rounds.flatMap((r) => r.errors)).toEqual([]);
  });
});

describe('Neo4jDatabase', () => {
  it('is created, becomes Ready, and with deletionPolicy Drop is finalized only after its DROP Job succeeded', async () => {
    const sim = await withReadyCluster();
    sim.create(parent('Neo4jDatabase', 'sales', { clusterRef: 'orders', name: 'sales', deletionPolicy: 'Drop' }));
    await sim.runUntil((s) => phaseOf(s, 'Neo4jDatabase', 'sales') === 'Ready', 30);
    expect(job(sim, 'sales-create')).toBeDefined();

    sim.kube.setJobOutcome(NS, 'sales-drop', { result: 'succeed', afterSeconds: 60 });
    sim.remove(ref('Neo4jDatabase', 'sales'));
    await sim.runUntil((s) => job(s, 'sales-drop') !== undefined, 10);
    // While the DROP Job runs, the database stays (finalizer held).
    await sim.tick(30);
    expect(sim.get(ref('Neo4jDatabase', 'sales'))).toBeDefined();
    expect((job(sim, 'sales-drop')!.status as { succeeded?: number } | undefined)?.succeeded).toBeUndefined();
    await sim.runUntil((s) => s.get(ref('Neo4jDatabase', 'sales')) === undefined, 30);
    expect(sim.get(ref('Neo4jDatabase', 'sales'))).toBeUndefined();
    expect(sim.rounds.flatMap((r) => r.errors)).toEqual([]);
  });
});
