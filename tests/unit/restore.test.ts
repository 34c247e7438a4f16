import { describe, expect, it } from 'vitest';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { restoreReconciler } from '../../lib/restore/reconciler.js';
import { restoreDatabaseError, sourceErrors, storageSourceUri } from '../../lib/restore/source.js';
import { existsMessage, REFUSED_EXIT_CODE, restoreQueries, type RestoreModel } from '../../lib/restore/children.js';
import { refusedCollision } from '../../lib/restore/status.js';
import { validateRestore } from '../../lib/restore/validate.js';
import type { Target } from '../../lib/backup/target.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import type { RestoreSpec } from '../../lib/schemas/restore.js';
import { asObserved } from '../support/invariants.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const API = 'neo4j.neo4j.com/v1alpha1';
const reconciler = restoreReconciler as unknown as Reconciler;

function cluster(tag = '2025.11.0-enterprise', phase = 'Ready'): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'orders', namespace: 'shop' },
    spec: { image: { repo: 'neo4j', tag }, topology: { servers: 3 }, storage: { className: 'x', size: '1Gi' }, auth: { adminSecret: 'orders-admin' } },
    status: { phase },
  };
}

function backupCr(spec: Record<string, unknown> = {}, status: Record<string, unknown> = { lastSuccessTime: '2025-12-31T02:10:00Z' }): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jBackup',
    metadata: { name: 'daily', namespace: 'shop' },
    spec: { target: { kind: 'Cluster', name: 'orders' }, storage: { type: 's3', bucket: 'prod-backups', path: 'orders' }, ...spec },
    status,
  };
}

function restore(spec: Partial<RestoreSpec> = {}, status?: Record<string, unknown>): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jRestore',
    metadata: { name: 'r', namespace: 'shop', uid: 'restore-uid', generation: 1 },
    spec: { targetCluster: 'orders', databaseName: 'sales', source: { type: 'backup', backupRef: 'daily' }, ...spec },
    ...(status ? { status } : {}),
  };
}

function sync(parent: K8sObject, observed: K8sObject[] = []): SyncResponse {
  return runSync(reconciler, buildSyncRequest(reconciler, parent, observed), NOW);
}

const SUCCEEDED = {
  startTime: '2025-12-31T23:00:00Z',
  completionTime: '2025-12-31T23:05:00Z',
  succeeded: 1,
  conditions: [{ type: 'Complete', status: 'True' }],
};
const FAILED = { startTime: '2025-12-31T23:00:00Z', failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] };

/** Observes the Jobs of `response`, each with the status given for its name (or running). */
function observe(response: SyncResponse, parent: K8sObject, statuses: Record<string, unknown>, offset = 0): K8sObject[] {
  return response.children.map((c, i) => ({ ...asObserved(c, parent, offset + i), status: statuses[c.metadata.name] ?? { active: 1, startTime: '2025-12-31T23:00:00Z' } }));
}

/** Names of the children (the contract sorts them by name within a kind). */
function names(response: SyncResponse): string[] {
  return response.children.map((c) => c.metadata.name);
}

function env(job: K8sObject): Record<string, any> {
  const container = (job.spec as any).template.spec.containers[0];
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

function target(tag: string): Target {
  const parsed = parseNeo4jVersion(tag);
  return {
    kind: 'Neo4jEnterpriseCluster',
    name: 'orders',
    namespace: 'shop',
    image: `neo4j:${tag}`,
    pullPolicy: 'IfNotPresent',
    pullSecrets: [],
    ...(parsed.ok ? { version: parsed.version } : {}),
    backupAddresses: [],
    boltUri: 'neo4j://orders-client.shop.svc.cluster.local:7687',
    adminSecret: 'orders-admin',
    ready: true,
    notReadyReason: '',
  };
}

describe('restore sources', () => {
  const s3 = { type: 's3' as const, bucket: 'bkt', path: 'prod/base' };

  it('resolves backupPath as a URI, from the bucket root, or under storage.path; a folder without it', () => {
    expect(storageSourceUri(s3, undefined)).toBe('s3://bkt/prod/base/');
    expect(storageSourceUri(s3, 'db-2025-01-04T14-00-00.backup')).toBe('s3://bkt/prod/base/db-2025-01-04T14-00-00.backup');
    expect(storageSourceUri(s3, '/elsewhere/chain/')).toBe('s3://bkt/elsewhere/chain/');
    expect(storageSourceUri(s3, 's3://other/x.backup')).toBe('s3://other/x.backup');
    expect(storageSourceUri({ type: 'azure', bucket: 'acct/cont' }, 'a.backup')).toBe('azb://acct/cont/a.backup');
  });

  it('refuses PVC sources, a pitr without a base backup or a time, and a URI of another scheme', () => {
    expect(sourceErrors({ source: { type: 'storage', storage: { type: 'pvc', pvc: { name: 'x' } } } } as RestoreSpec)[0]).toMatch(/cannot restore from a PVC/u);
    expect(sourceErrors({ source: { type: 'pitr' } } as RestoreSpec)).toEqual([
      'source.pitr.baseBackup is required for source type pitr: the backup the restore starts from',
      'source.pointInTime is required for source type pitr',
    ]);
    expect(sourceErrors({ source: { type: 'storage', storage: s3, backupPath: 'gs://x/y' } } as RestoreSpec)[0]).toMatch(/must be a s3:\/\/ URI/u);
    expect(sourceErrors({ source: { type: 'backup' } } as RestoreSpec)[0]).toMatch(/backupRef is required/u);
  });

  it('restores one named, non-system database', () => {
    expect(restoreDatabaseError('*')).toMatch(/one Neo4jRestore per database/u);
    expect(restoreDatabaseError('system')).toMatch(/reserved/u);
    expect(restoreDatabaseError('tenant_a')).toMatch(/not a valid Neo4j database name/u);
    expect(restoreDatabaseError('sales')).toBeUndefined();
  });

  it('validates times and timeouts, and warns about operator fields it has no use for', () => {
    const { errors, warnings } = validateRestore({
      targetCluster: 'orders',
      databaseName: 'sales',
      source: { type: 'pitr', pointInTime: 'yesterday', pitr: { baseBackup: { type: 'backup', backupRef: 'daily' }, logRetention: '7d' } },
      options: { verifyBackup: true, additionalArgs: ['--expand-commands'], postRestore: { job: { template: { container: { image: 'x', env: [{ name: 'BAD NAME' }] } }, timeout: '90d' } } },
      stopCluster: true,
      timeout: '1h',
    } as RestoreSpec);
    expect(errors).toEqual([
      'source.pointInTime "yesterday" is not an RFC 3339 time (for example 2025-01-04T12:30:00Z)',
      'options.postRestore.job.template.container.env[0].name "BAD NAME" is not a valid environment variable name',
      'options.postRestore.job.timeout "90d" is not a Go duration of at least 1s (for example 30m, 2h or 1h30m; there is no d unit)',
    ]);
    expect(warnings).toHaveLength(4);
  });
});

describe('restore Cypher', () => {
  const model = (tag: string, spec: Partial<RestoreSpec> = {}): RestoreModel => ({
    name: 'r',
    namespace: 'shop',
    target: target(tag),
    seedUri: 's3://bkt/orders/',
    spec: { targetCluster: 'orders', databaseName: 'Sales', source: { type: 'backup', backupRef: 'daily' }, ...spec } as RestoreSpec,
  });

  it('seeds with existingData use; replaces with CREATE OR REPLACE on calendar versions', () => {
    const q = restoreQueries(model('2025.06.0'));
    expect(q.create).toBe("CREATE DATABASE `Sales` OPTIONS {existingData: 'use', seedURI: 's3://bkt/orders/'} WAIT");
    expect(q.replace).toBe("CREATE OR REPLACE DATABASE `Sales` OPTIONS {existingData: 'use', seedURI: 's3://bkt/orders/'} WAIT");
    expect(q.drop).toBeUndefined();
    expect(q.exists).toBe("SHOW DATABASES YIELD name WHERE name = 'sales' RETURN count(*) AS n");
  });

  it('drops then creates on 5.26, which has no CREATE OR REPLACE with a seed', () => {
    const q = restoreQueries(model('5.26.10'));
    expect(q.replace).toBeUndefined();
    expect(q.drop).toBe('DROP DATABASE `Sales` IF EXISTS WAIT');
  });

  it('restores up to a point in time with seedRestoreUntil', () => {
    const q = restoreQueries(model('2025.06.0', { source: { type: 'backup', backupRef: 'daily', pointInTime: '2025-01-04T12:30:00Z' } }));
    expect(q.create).toBe("CREATE DATABASE `Sales` OPTIONS {existingData: 'use', seedURI: 's3://bkt/orders/', seedRestoreUntil: datetime('2025-01-04T12:30:00Z')} WAIT");
  });
});

describe('restore reconciler', () => {
  it('asks for the target (either kind) and the Neo4jBackup it reads, including a pitr base backup', () => {
    expect(reconciler.customize!(restore({ source: { type: 'pitr', pointInTime: '2025-01-01T00:00:00Z', pitr: { baseBackup: { type: 'backup', backupRef: 'base' } } } }))).toEqual([
      { apiVersion: API, resource: 'neo4jenterpriseclusters', namespace: 'shop', names: ['orders'] },
      { apiVersion: API, resource: 'neo4jenterprisestandalones', namespace: 'shop', names: ['orders'] },
      { apiVersion: API, resource: 'neo4jbackups', namespace: 'shop', names: ['base'] },
    ]);
  });

  it('waits for the target and for the backup to succeed once, creating nothing', () => {
    expect(sync(restore(), [backupCr()]).status.phase).toBe('Waiting');
    expect(sync(restore(), [cluster('2025.11.0', 'Forming'), backupCr()]).status.message).toMatch(/not ready/u);
    const never = sync(restore(), [cluster(), backupCr({}, {})]);
    expect(never.status).toMatchObject({ phase: 'Waiting', message: 'Waiting for Neo4jBackup daily to complete a backup' });
    expect(never.children).toEqual([]);
    expect(never.resyncAfterSeconds).toBe(30);
  });

  it('refuses a database-scoped backup restored under another name, and PVC backups', () => {
    const other = sync(restore(), [cluster(), backupCr({ target: { kind: 'Database', name: 'orders/crm' } })]);
    expect(other.status.phase).toBe('Failed');
    expect(other.status.message).toMatch(/holds only database crm/u);
    const pvc = sync(restore(), [cluster(), backupCr({ storage: { type: 'pvc', pvc: { size: '1Gi' } } })]);
    expect(pvc.status.message).toMatch(/writes to a PVC/u);
  });

  it('runs the steps in order, one Job at a time, each only after the previous succeeded', () => {
    const parent = restore({
      options: {
        preRestore: { cypherStatements: ['CALL db.checkpoint()'] },
        postRestore: { job: { template: { container: { image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] } } } },
      },
    });
    const related = [cluster(), backupCr()];
    const first = sync(parent, related);
    expect(names(first)).toEqual(['r-pre-restore-cypher']);
    const pre = observe(first, parent, { 'r-pre-restore-cypher': SUCCEEDED });
    const second = sync(parent, [...related, ...pre]);
    expect(names(second)).toEqual(['r-pre-restore-cypher', 'r-restore']);
    expect(second.status.phase).toBe('Running');
    const main = observe(second, parent, { 'r-pre-restore-cypher': SUCCEEDED, 'r-restore': { active: 1, startTime: '2025-12-31T23:06:00Z' } });
    expect(names(sync(parent, [...related, ...main]))).toEqual(['r-pre-restore-cypher', 'r-restore']);
    const restored = observe(second, parent, { 'r-pre-restore-cypher': SUCCEEDED, 'r-restore': SUCCEEDED });
    const third = sync(parent, [...related, ...restored]);
    expect(names(third)).toEqual(['r-post-restore-hook', 'r-pre-restore-cypher', 'r-restore']);
    const all = observe(third, parent, { 'r-pre-restore-cypher': SUCCEEDED, 'r-restore': SUCCEEDED, 'r-post-restore-hook': SUCCEEDED });
    const done = sync(parent, [...related, ...all]);
    expect(done.status).toMatchObject({ phase: 'Completed', startTime: '2025-12-31T23:00:00Z', completionTime: '2025-12-31T23:05:00Z', stats: { duration: '5m0s' } });
    expect(done.children).toEqual(third.children);
  });

  it('stops at a failed step', () => {
    const parent = restore({ options: { postRestore: { cypherStatements: ['RETURN 1'] } } });
    const related = [cluster(), backupCr()];
    const failed = observe(sync(parent, related), parent, { 'r-restore': FAILED });
    const response = sync(parent, [...related, ...failed]);
    expect(names(response)).toEqual(['r-restore']);
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toMatch(/Restore step restore failed \(Job r-restore\): BackoffLimitExceeded/u);
  });

  it('reports a refused collision with the operator message', () => {
    const job = { object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'r-restore' } }, succeeded: false, failed: true, active: 0, failureReason: 'PodFailurePolicy' };
    expect(refusedCollision({ ...job, failureMessage: `Container restore for pod shop/r-restore-abcde failed with exit code ${REFUSED_EXIT_CODE} matching FailJob rule at index 0` })).toBe(true);
    expect(refusedCollision({ ...job, failureMessage: 'Container restore for pod shop/x failed with exit code 1 matching FailJob rule at index 0' })).toBe(false);
    expect(existsMessage('sales')).toBe('database sales already exists. Use replaceExisting option or force flag to overwrite');
  });

  it('replaces an existing database only with replaceExisting or force', () => {
    const job = (spec: Partial<RestoreSpec>) => sync(restore(spec), [cluster(), backupCr()]).children[0]!;
    expect(env(job({})).REPLACE_EXISTING).toBe('false');
    expect(env(job({ options: { replaceExisting: true } })).REPLACE_EXISTING).toBe('true');
    expect(env(job({ force: true })).REPLACE_EXISTING).toBe('true');
  });

  it('never repeats a completed restore, even when its Jobs are deleted or the spec changes', () => {
    const response = sync(
      restore({ databaseName: 'other', options: { postRestore: { cypherStatements: ['RETURN 1'] } } }, {
        phase: 'Completed',
        startTime: '2025-12-31T23:00:00Z',
        completionTime: '2025-12-31T23:05:00Z',
        stats: { duration: '5m0s' },
      }),
      [cluster(), backupCr()],
    );
    expect(response.children).toEqual([]);
    expect(response.status).toMatchObject({ phase: 'Completed', startTime: '2025-12-31T23:00:00Z', completionTime: '2025-12-31T23:05:00Z', stats: { duration: '5m0s' } });
  });

  it('does not start again when the Jobs of a running restore disappear', () => {
    const response = sync(restore({}, { phase: 'Running', startTime: '2025-12-31T23:00:00Z' }), [cluster(), backupCr()]);
    expect(response.children).toEqual([]);
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toMatch(/not started again/u);
  });

  it('keeps going from the pinned source when the Neo4jBackup is deleted mid-restore', () => {
    const parent = restore({ options: { postRestore: { cypherStatements: ['RETURN 1'] } } }, { phase: 'Running', startTime: '2025-12-31T23:00:00Z', backupInfo: { backupPath: 's3://prod-backups/orders/' } });
    const first = sync(restore({ options: { postRestore: { cypherStatements: ['RETURN 1'] } } }), [cluster(), backupCr()]);
    const observed = observe(first, parent, { 'r-restore': SUCCEEDED });
    const response = sync(parent, [cluster(), ...observed]);
    expect(names(response)).toEqual(['r-post-restore-cypher', 'r-restore']);
    expect(response.status.backupInfo).toEqual({ backupPath: 's3://prod-backups/orders/' });
  });

  it('passes a hook container through as given, with its retries and timeout', () => {
    const parent = restore({
      options: {
        preRestore: {
          job: { template: { container: { image: 'alpine:3.20', command: ['/bin/sh'], args: ['-c', 'echo $X'], env: [{ name: 'X', value: 'y' }] }, backoffLimit: 1 }, timeout: '5m' },
        },
      },
    });
    const job = sync(parent, [cluster(), backupCr()]).children[0]!;
    const spec = job.spec as any;
    expect(spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 300 });
    expect(spec.template.spec.containers).toEqual([{ name: 'hook', image: 'alpine:3.20', command: ['/bin/sh'], args: ['-c', 'echo $X'], env: [{ name: 'X', value: 'y' }] }]);
  });

  it('connects with TLS (+ssc) to a cluster with cert-manager TLS', () => {
    const tls = { ...cluster(), spec: { ...(cluster().spec as object), tls: { mode: 'cert-manager', issuerRef: { name: 'ca' } } } };
    expect(env(sync(restore(), [tls, backupCr()]).children[0]!).NEO4J_URI).toBe('neo4j+ssc://orders-client.shop.svc.cluster.local:7687');
  });
});
