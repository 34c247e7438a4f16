/**
 * Scaling a cluster (lib/cluster/scale.ts): scale-out only raises replicas; scale-in drains the
 * departing servers with a Job before replicas go down, one sync at a time against hand-built
 * observed StatefulSet and Job statuses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import type { SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { CLUSTER_CHILDREN } from '../../lib/cluster/reconciler.js';
import { DRAIN_SCRIPT } from '../../lib/cluster/scale.js';
import { asObserved } from '../support/applied.js';

const NOW = new Date('2026-01-01T00:00:00Z');

type Loose = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any>; status?: Record<string, any> };

function doc(servers: number, mutate?: (d: Loose) => void): Loose {
  const d: Loose = {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'graph', namespace: 'ns', uid: 'uid-graph', generation: 2 },
    spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, topology: { servers }, storage: { className: 'standard', size: '10Gi' } },
    status: { phase: 'Ready', version: '2025.06.0-enterprise' },
  };
  mutate?.(d);
  return d;
}

function sync(d: Loose, observed: K8sObject[] = []): SyncResponse {
  return preview(structuredClone(d), observed, { now: NOW }).response;
}

const sts = (r: SyncResponse) => r.children.find((c) => c.kind === 'StatefulSet') as StatefulSet & K8sObject;
const jobs = (r: SyncResponse) => r.children.filter((c) => c.kind === 'Job') as Array<Job & K8sObject>;
const status = (r: SyncResponse) => r.status as Record<string, any>;
const scalingDown = (r: SyncResponse) => (status(r).conditions as Array<Record<string, string>>).find((c) => c.type === 'ScalingDown');

type JobState = 'running' | 'succeeded' | 'failed';

/**
 * The response's children as observed: the StatefulSet with every server ready (`pods` pods
 * still present, default its replicas), Jobs in `job` state.
 */
function observe(r: SyncResponse, parent: Loose, options: { pods?: number; job?: JobState } = {}): K8sObject[] {
  return r.children.map((c, i) => {
    const o = asObserved(c, parent as unknown as K8sObject, i);
    if (c.kind === 'StatefulSet') {
      const replicas = (c as unknown as StatefulSet).spec!.replicas!;
      const pods = options.pods ?? replicas;
      return {
        ...o,
        metadata: { ...o.metadata, generation: 1 },
        status: { observedGeneration: 1, replicas: pods, readyReplicas: pods, availableReplicas: pods, updatedReplicas: pods, currentRevision: 'r1', updateRevision: 'r1' },
      } as K8sObject;
    }
    if (c.kind === 'Job') {
      const state = options.job ?? 'running';
      const conditions =
        state === 'succeeded'
          ? [{ type: 'Complete', status: 'True' }]
          : state === 'failed'
            ? [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]
            : [];
      return { ...o, status: { startTime: '2026-01-01T00:00:00Z', ...(state === 'running' ? { active: 1 } : {}), ...(conditions.length ? { conditions } : {}) } } as K8sObject;
    }
    return o;
  });
}

/** A formed, ready 5-server cluster: the observed children. */
function fiveServers(mutate?: (d: Loose) => void): K8sObject[] {
  const parent = doc(5, mutate);
  return observe(sync(parent), parent);
}

describe('scale out', () => {
  it('raises replicas only: no Job, no condition, partition 0', () => {
    const parent = doc(3);
    const observed = observe(sync(parent), parent);
    const r = sync(doc(5), observed);
    expect(sts(r).spec!.replicas).toBe(5);
    expect(sts(r).spec!.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(jobs(r)).toEqual([]);
    expect(scalingDown(r)).toBeUndefined();
  });
});

describe('scale in 5 → 3', () => {
  it('first emits the drain Job and keeps 5 replicas', () => {
    const r = sync(doc(3), fiveServers());
    expect(sts(r).spec!.replicas).toBe(5);
    expect(jobs(r).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(scalingDown(r)).toMatchObject({
      status: 'True',
      reason: 'Draining',
      message: 'Moving every database off servers 3-4 (5 → 3) with Job graph-drain-5-to-3; the servers stay until it succeeds',
    });
    expect(status(r).phase).toBe('Ready');
    expect(r.resyncAfterSeconds).toBe(15);
  });

  it('the Job: cypher-shell on system through the client Service, the servers credentials, the departing hosts, a fixed script', () => {
    const job = jobs(sync(doc(3), fiveServers()))[0]!;
    expect(job.metadata.labels).toMatchObject({ 'neo4j.com/cluster': 'graph', 'neo4j.com/role': 'drain', 'neo4j.com/drain-from': '5', 'neo4j.com/drain-to': '3' });
    expect(job.metadata.labels!['neo4j.com/server-name']).toBeUndefined();
    expect(job.spec!.backoffLimit).toBe(2);
    const pod = job.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    const container = pod.containers[0]!;
    expect(container.image).toBe('neo4j:2025.06.0-enterprise');
    expect(container.command).toEqual(['/bin/bash', '-c', DRAIN_SCRIPT]);
    expect(container.env).toEqual([
      { name: 'NEO4J_ADDRESS', value: 'neo4j://graph-client.ns.svc.cluster.local:7687' },
      { name: 'NEO4J_USERNAME', valueFrom: { secretKeyRef: { name: 'neo4j-admin-secret', key: 'username' } } },
      { name: 'NEO4J_PASSWORD', valueFrom: { secretKeyRef: { name: 'neo4j-admin-secret', key: 'password' } } },
      { name: 'NEO4J_HOOKS_DRAIN_HOSTS', value: 'graph-server-3.graph-headless.ns.svc.cluster.local graph-server-4.graph-headless.ns.svc.cluster.local' },
    ]);
  });

  it('uses the auth ExternalSecret target as credentials when the servers do', () => {
    const external = (d: Loose) =>
      void (d.spec.auth = { externalSecrets: { enabled: true, secretStoreRef: { name: 'vault' }, data: [{ secretKey: 'username', remoteRef: { key: 'neo4j' } }, { secretKey: 'password', remoteRef: { key: 'neo4j' } }] } });
    const job = jobs(sync(doc(3, external), fiveServers(external)))[0]!;
    const env = job.spec!.template.spec!.containers[0]!.env!;
    expect(env.find((e) => e.name === 'NEO4J_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('graph-auth-secret');
  });

  it('the script deallocates, waits for Deallocated, then drops; ids are checked before they reach Cypher', () => {
    const order = ['DEALLOCATE DATABASES FROM SERVERS', 'Deallocated|Dropped|Free', "DROP SERVER '$id'"].map((s) => DRAIN_SCRIPT.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(DRAIN_SCRIPT).toContain('[[ "$id" =~ ^[A-Za-z0-9-]+$ ]]');
    expect(DRAIN_SCRIPT).toContain('SHOW SERVERS YIELD serverId, address, state');
  });

  it('keeps 5 replicas while the Job runs, lowers to 3 once it succeeded', () => {
    const first = sync(doc(3), fiveServers());
    const running = sync(doc(3), observe(first, doc(3), { job: 'running' }));
    expect(sts(running).spec!.replicas).toBe(5);
    expect(jobs(running)).toHaveLength(1);
    const done = sync(doc(3), observe(first, doc(3), { job: 'succeeded' }));
    expect(sts(done).spec!.replicas).toBe(3);
    expect(jobs(done).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(scalingDown(done)).toMatchObject({ status: 'True', reason: 'RemovingServers' });
  });

  it('after the pods are gone: no condition, the Job kept (not re-run) while the size holds', () => {
    const first = sync(doc(3), fiveServers());
    const done = sync(doc(3), observe(first, doc(3), { job: 'succeeded' }));
    const leaving = sync(doc(3), observe(done, doc(3), { job: 'succeeded', pods: 5 }));
    expect(scalingDown(leaving)).toMatchObject({ reason: 'RemovingServers', message: 'Job graph-drain-5-to-3 drained and dropped servers 3-4; removing their pods (2 left)' });
    const gone = sync(doc(3), observe(done, doc(3), { job: 'succeeded' }));
    expect(scalingDown(gone)).toBeUndefined();
    expect(sts(gone).spec!.replicas).toBe(3);
    expect(jobs(gone).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(gone.resyncAfterSeconds).toBeUndefined();
    // Scaling out again drops the old Job and adds servers.
    const out = sync(doc(5), observe(done, doc(5), { job: 'succeeded' }));
    expect(jobs(out)).toEqual([]);
    expect(sts(out).spec!.replicas).toBe(5);
  });

  it('removed servers follow the retention policy: whenScaled Delete by default, Retain with a warning naming the PVCs', () => {
    expect(sts(sync(doc(3), fiveServers())).spec!.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    const retain = (d: Loose) => void (d.spec.storage.retentionPolicy = 'Retain');
    const first = sync(doc(3, retain), fiveServers(retain));
    expect(sts(first).spec!.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const done = sync(doc(3, retain), observe(first, doc(3, retain), { job: 'succeeded' }));
    const gone = sync(doc(3, retain), observe(done, doc(3, retain), { job: 'succeeded' }));
    expect(status(gone).warnings).toEqual([
      'PVCs data-graph-server-3, data-graph-server-4 of the servers removed by Job graph-drain-5-to-3 are kept (storage.retentionPolicy Retain): they hold stores of servers dropped from the Neo4j cluster, which cannot rejoin it; delete them before scaling out again',
    ]);
  });

  it('a failed drain keeps every server and says why; setting the servers back drops the Job', () => {
    const first = sync(doc(3), fiveServers());
    const failed = sync(doc(3), observe(first, doc(3), { job: 'failed' }));
    expect(sts(failed).spec!.replicas).toBe(5);
    expect(jobs(failed).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(scalingDown(failed)).toMatchObject({ status: 'False', reason: 'DrainFailed' });
    expect(scalingDown(failed)!.message).toContain('Job graph-drain-5-to-3 failed (BackoffLimitExceeded: Job has reached the specified backoff limit): the cluster keeps 5 servers');
    expect(scalingDown(failed)!.message).toContain('kubectl logs -n ns job/graph-drain-5-to-3');
    expect(status(failed).phase).toBe('Ready');
    expect(failed.resyncAfterSeconds).toBeUndefined();
    const cancelled = sync(doc(5), observe(first, doc(5), { job: 'failed' }));
    expect(jobs(cancelled)).toEqual([]);
    expect(sts(cancelled).spec!.replicas).toBe(5);
    expect(scalingDown(cancelled)).toBeUndefined();
  });

  it('a started drain is committed: it finishes to its count even when the spec changed meanwhile', () => {
    const first = sync(doc(3), fiveServers());
    const running = sync(doc(4), observe(first, doc(4), { job: 'running' }));
    expect(jobs(running).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(sts(running).spec!.replicas).toBe(5);
    const done = sync(doc(4), observe(first, doc(4), { job: 'succeeded' }));
    expect(sts(done).spec!.replicas).toBe(3);
    // Then the spec wins: 4 servers (a new one).
    expect(sts(sync(doc(4), observe(done, doc(4), { job: 'succeeded' }))).spec!.replicas).toBe(4);
  });

  it('waits for a rollout in progress before draining', () => {
    const observed = fiveServers();
    const r = sync(doc(3, (d) => void (d.spec.config = { 'db.transaction.timeout': '60s' })), observed);
    expect(jobs(r)).toEqual([]);
    expect(sts(r).spec!.replicas).toBe(5);
    expect(scalingDown(r)).toMatchObject({ status: 'True', reason: 'WaitingForRollout' });
  });

  it('holds the rollout steps while a committed drain runs', () => {
    const first = sync(doc(3), fiveServers());
    const observed = observe(first, doc(3), { job: 'running' });
    const changed = doc(3, (d) => void (d.spec.config = { 'db.transaction.timeout': '60s' }));
    const frozen = sync(changed, observed);
    expect(sts(frozen).spec!.updateStrategy!.rollingUpdate!.partition).toBe(5);
    const next = sync({ ...changed, status: structuredClone(frozen.status) }, observe(frozen, changed, { job: 'running' }));
    expect(sts(next).spec!.updateStrategy!.rollingUpdate!.partition).toBe(5);
    expect((status(next).upgradeStatus as Record<string, string>).message).toContain('waiting for the scale-in to finish');
  });

  it('never below 2 servers: the CRD refuses it', () => {
    expect(() => sync(doc(1), fiveServers())).toThrow(PreviewError);
  });

  it('an invalid spec during a drain keeps the drain Job (frozen children)', () => {
    const first = sync(doc(3), fiveServers());
    const invalid = doc(3, (d) => void (d.spec.resources = { limits: { memory: '512Mi' } }));
    const r = sync(invalid, observe(first, invalid, { job: 'running' }));
    expect(status(r).phase).toBe('Failed');
    expect(jobs(r).map((j) => j.metadata.name)).toEqual(['graph-drain-5-to-3']);
    expect(sts(r).spec!.replicas).toBe(5);
  });
});

describe('declarations', () => {
  it('Jobs are declared children that Metacontroller never updates in place', () => {
    expect(CLUSTER_CHILDREN).toContainEqual({ apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' });
  });
});

/**
 * A fake cypher-shell for DRAIN_SCRIPT: servers in $STATE (JSON: [{id, host, state}]), every
 * statement logged to $STATE.log; SHOW SERVERS moves Deallocating servers to Deallocated (one
 * poll later), DEALLOCATE and DROP SERVER change states as Neo4j does, $REFUSE makes DEALLOCATE fail.
 */
const FAKE_CYPHER_SHELL = `#!/usr/bin/env node
const fs = require('node:fs');
const file = process.env.STATE;
const servers = JSON.parse(fs.readFileSync(file, 'utf8'));
const query = process.argv[process.argv.length - 1];
fs.appendFileSync(file + '.log', query + '\\n');
const ids = (query.match(/'[^']*'/g) || []).map((q) => q.slice(1, -1));
if (query.startsWith('SHOW SERVERS')) {
  console.log('serverId, address, state');
  for (const s of servers) console.log('"' + s.id + '", "' + s.host + ':7687", "' + s.state + '"');
  for (const s of servers) if (s.state === 'Deallocating') s.state = 'Deallocated';
} else if (query.startsWith('DEALLOCATE DATABASES FROM SERVERS')) {
  if (process.env.REFUSE) { console.error('Could not deallocate: not enough servers'); process.exit(1); }
  for (const s of servers) if (ids.includes(s.id) && (s.state === 'Enabled' || s.state === 'Cordoned')) s.state = 'Deallocating';
} else if (query.startsWith('DROP SERVER')) {
  for (const s of servers) if (ids.includes(s.id) && (s.state === 'Deallocated' || s.state === 'Free')) s.state = 'Dropped';
} else { console.error('unexpected statement: ' + query); process.exit(3); }
fs.writeFileSync(file, JSON.stringify(servers));
`;

const hasBash = spawnSync('bash', ['-c', 'command -v awk tail tr'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasBash)('the drain script against a fake cypher-shell', () => {
  const host = (i: number) => `graph-server-${i}.graph-headless.ns.svc.cluster.local`;

  function run(servers: Array<{ id: string; host: string; state: string }>, env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'drain-'));
    try {
      writeFileSync(join(dir, 'cypher-shell'), FAKE_CYPHER_SHELL);
      chmodSync(join(dir, 'cypher-shell'), 0o755);
      const state = join(dir, 'servers.json');
      writeFileSync(state, JSON.stringify(servers));
      // The script's poll intervals are not what is tested here.
      const script = DRAIN_SCRIPT.replace(/sleep \d+/gu, 'sleep 0');
      const result = spawnSync('bash', ['-c', script], {
        env: { PATH: `${dir}:${process.env.PATH}`, STATE: state, NEO4J_ADDRESS: 'neo4j://graph-client:7687', NEO4J_HOOKS_DRAIN_HOSTS: `${host(3)} ${host(4)}`, ...env },
        encoding: 'utf8',
      });
      return { status: result.status, stdout: result.stdout, after: JSON.parse(readFileSync(state, 'utf8')) as typeof servers, log: readFileSync(`${state}.log`, 'utf8').trim().split('\n') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const cluster = () => [
    { id: 'a0', host: host(0), state: 'Enabled' },
    { id: 'b1', host: host(1), state: 'Enabled' },
    { id: 'c2', host: host(2), state: 'Enabled' },
    { id: 'd3', host: host(3), state: 'Enabled' },
    { id: 'e4', host: host(4), state: 'Enabled' },
  ];

  it('deallocates the departing servers in one command, waits for Deallocated, then drops them', () => {
    const { status, after, log } = run(cluster());
    expect(status).toBe(0);
    expect(after.map((s) => s.state)).toEqual(['Enabled', 'Enabled', 'Enabled', 'Dropped', 'Dropped']);
    expect(log.filter((q) => !q.startsWith('SHOW'))).toEqual(["DEALLOCATE DATABASES FROM SERVERS 'd3','e4'", "DROP SERVER 'd3'", "DROP SERVER 'e4'"]);
  });

  it('resumes after an interrupted run and is a no-op once done', () => {
    const resumed = run([...cluster().slice(0, 3), { id: 'd3', host: host(3), state: 'Deallocating' }, { id: 'e4', host: host(4), state: 'Dropped' }]);
    expect(resumed.status).toBe(0);
    expect(resumed.log.filter((q) => !q.startsWith('SHOW'))).toEqual(["DROP SERVER 'd3'"]);
    const done = run(cluster().slice(0, 3));
    expect(done.status).toBe(0);
    expect(done.stdout).toContain(`${host(3)} is not a member of the cluster: nothing to drain`);
    expect(done.log.every((q) => q.startsWith('SHOW SERVERS'))).toBe(true);
  });

  it('drops a server that was never enabled without deallocating it', () => {
    const { status, log } = run([...cluster().slice(0, 4), { id: 'e4', host: host(4), state: 'Free' }]);
    expect(status).toBe(0);
    expect(log.filter((q) => !q.startsWith('SHOW'))).toEqual(["DEALLOCATE DATABASES FROM SERVERS 'd3'", "DROP SERVER 'd3'", "DROP SERVER 'e4'"]);
  });

  it('fails (and drops nothing) when Neo4j refuses the deallocation', () => {
    const { status, after } = run(cluster(), { REFUSE: '1' });
    expect(status).not.toBe(0);
    expect(after.map((s) => s.state)).toEqual(['Enabled', 'Enabled', 'Enabled', 'Enabled', 'Enabled']);
  });

  it('refuses a server id that is not a plain id before it reaches Cypher', () => {
    const { status, log } = run([...cluster().slice(0, 3), { id: "d3'x", host: host(3), state: 'Enabled' }]);
    expect(status).not.toBe(0);
    expect(log.every((q) => q.startsWith('SHOW SERVERS'))).toBe(true);
  });

  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', '-c', DRAIN_SCRIPT])).not.toThrow();
  });
});
