import { describe, expect, it } from 'vitest';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { parseNeo4jVersion, type Neo4jVersion } from '../../lib/neo4j/version.js';
import { backupReconciler } from '../../lib/backup/reconciler.js';
import { additionalArgsErrors, backupArgs, parseMaxAge } from '../../lib/backup/command.js';
import { backupNames, boundedName, databaseNameError, labelValue, MAX_CRONJOB_NAME, MAX_JOB_NAME } from '../../lib/backup/names.js';
import { backupDestination, folderUri } from '../../lib/backup/storage.js';
import { backupScope, cronError, validateBackup } from '../../lib/backup/validate.js';
import { durationBetween, formatDuration } from '../../lib/backup/jobs.js';
import type { BackupSpec } from '../../lib/schemas/backup.js';
import { asObserved } from '../support/invariants.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const API = 'neo4j.neo4j.com/v1alpha1';
const reconciler = backupReconciler as unknown as Reconciler;

function version(tag: string): Neo4jVersion {
  const parsed = parseNeo4jVersion(tag);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.version;
}

function cluster(name: string, tag = '2025.11.0-enterprise', phase = 'Ready', servers = 3): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name, namespace: 'shop', uid: `uid-${name}` },
    spec: { image: { repo: 'neo4j', tag }, topology: { servers }, storage: { className: 'x', size: '10Gi' } },
    status: { phase },
  };
}

function standalone(name: string, tag = '2025.06.0-enterprise'): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name, namespace: 'shop' },
    spec: { image: { repo: 'neo4j', tag }, storage: { className: 'x', size: '1Gi' } },
    status: { phase: 'Ready', ready: true },
  };
}

function backup(spec: Partial<BackupSpec>, name = 'nightly', status?: Record<string, unknown>): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jBackup',
    metadata: { name, namespace: 'shop', uid: 'backup-uid', generation: 1 },
    spec: { target: { kind: 'Cluster', name: 'orders' }, storage: { type: 'pvc', pvc: { size: '10Gi' } }, ...spec },
    ...(status ? { status } : {}),
  };
}

function sync(parent: K8sObject, observed: K8sObject[] = []): SyncResponse {
  return runSync(reconciler, buildSyncRequest(reconciler, parent, observed), NOW);
}

/** The children of `response` as observed after Metacontroller applied them, with `status` per kind. */
function applied(response: SyncResponse, parent: K8sObject, status: Record<string, Record<string, unknown>> = {}): K8sObject[] {
  return response.children.map((c, i) => ({ ...asObserved(c, parent, i), ...(status[c.kind] ? { status: status[c.kind] } : {}) }));
}

function child(response: SyncResponse, kind: string): K8sObject {
  const found = response.children.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${response.children.map((c) => c.kind).join(', ')}`);
  return found;
}

function podOf(object: K8sObject): any {
  const spec = object.spec as any;
  return object.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
}

describe('backup target rule', () => {
  it('kind Cluster: the deployment, every database', () => {
    expect(backupScope({ target: { kind: 'Cluster', name: 'orders' } } as BackupSpec, 'shop')).toEqual({ instance: 'orders', namespace: 'shop', database: '*' });
  });

  it('kind Database: <deployment>/<database>, or one name for both (the operator reading)', () => {
    expect(backupScope({ target: { kind: 'Database', name: 'orders/sales', namespace: 'prod' } } as BackupSpec, 'shop')).toEqual({ instance: 'orders', namespace: 'prod', database: 'sales' });
    expect(backupScope({ target: { kind: 'Database', name: 'orders' } } as BackupSpec, 'shop')).toEqual({ instance: 'orders', namespace: 'shop', database: 'orders' });
  });

  it('refuses a database name Neo4j would refuse, with the <deployment>/<database> hint', () => {
    const { errors } = validateBackup({ target: { kind: 'Database', name: 'orders/tenant_a' }, storage: { type: 'pvc', pvc: { size: '1Gi' } } } as BackupSpec, 'shop');
    expect(errors.join('\n')).toMatch(/not a valid Neo4j database name.*<deployment>\/<database>/u);
    expect(databaseNameError('db', 'ab')).toBeDefined();
    expect(databaseNameError('db', 'sales.eu-1')).toBeUndefined();
  });

  it('refuses a slash for kind Cluster', () => {
    const { errors } = validateBackup({ target: { kind: 'Cluster', name: 'a/b' }, storage: { type: 'pvc', pvc: { size: '1Gi' } } } as BackupSpec, 'shop');
    expect(errors[0]).toMatch(/kind Cluster/u);
  });
});

describe('schedules and retention syntax', () => {
  it('accepts 5-field cron and macros, refuses seconds fields and junk', () => {
    expect(cronError('0 2 * * *')).toBeUndefined();
    expect(cronError('*/15 0-6 1,15 JAN-MAR MON-FRI')).toBeUndefined();
    expect(cronError('@daily')).toBeUndefined();
    expect(cronError('0 0 2 * * *')).toMatch(/no seconds field/u);
    expect(cronError('every day')).toBeDefined();
  });

  it('parses retention.maxAge in s, m, h, d, w terms', () => {
    expect(parseMaxAge('7d')).toBe(604800);
    expect(parseMaxAge('168h')).toBe(604800);
    expect(parseMaxAge('1d12h')).toBe(129600);
    expect(parseMaxAge('2w')).toBe(1209600);
    expect(parseMaxAge('0d')).toBeUndefined();
    expect(parseMaxAge('1 month')).toBeUndefined();
    expect(parseMaxAge('')).toBeUndefined();
  });

  it('formats durations like Go', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(462)).toBe('7m42s');
    expect(formatDuration(3605)).toBe('1h0m5s');
    expect(durationBetween('2025-12-31T23:50:00Z', '2025-12-31T23:57:42Z')).toBe('7m42s');
    expect(durationBetween('2025-12-31T23:57:42Z', '2025-12-31T23:50:00Z')).toBeUndefined();
  });
});

describe('neo4j-admin database backup argv', () => {
  const from = ['a:6362', 'b:6362'];

  it('has the version-gated cluster options only where they exist', () => {
    const v526 = backupArgs({ version: version('5.26.12'), from, toPath: '/backups/x', database: '*', cluster: true, options: {} });
    expect(v526).toEqual(['neo4j-admin', 'database', 'backup', '--from=a:6362,b:6362', '--to-path=/backups/x', '--type=AUTO', '--include-metadata=all', '--temp-path=/scratch', '*']);
    const v2509 = backupArgs({ version: version('2025.09.0'), from, toPath: '/b', database: '*', cluster: true, options: {} });
    expect(v2509).toContain('--remote-address-resolution=true');
    expect(v2509).not.toContain('--parallel-download=true');
    const v2511 = backupArgs({ version: version('2025.11.1'), from, toPath: '/b', database: '*', cluster: true, options: {} });
    expect(v2511).toEqual(expect.arrayContaining(['--remote-address-resolution=true', '--parallel-download=true']));
    const standalone = backupArgs({ version: version('2026.02.0'), from: ['s:6362'], toPath: '/b', database: '*', cluster: false, options: {} });
    expect(standalone.some((a) => a.startsWith('--remote-address-resolution') || a.startsWith('--parallel-download'))).toBe(false);
  });

  it('maps the options and lets an explicit argument replace a default', () => {
    const args = backupArgs({
      version: version('2025.11.0'),
      from,
      toPath: 's3://b/p/',
      database: 'sales',
      cluster: true,
      options: { backupType: 'FULL', compress: false, pageCache: '4G', additionalArgs: ['--remote-address-resolution=false', '--verbose'] },
    });
    expect(args).toEqual([
      'neo4j-admin', 'database', 'backup', '--from=a:6362,b:6362', '--to-path=s3://b/p/', '--type=FULL', '--compress=false', '--pagecache=4G', '--temp-path=/scratch',
      '--parallel-download=true', '--remote-address-resolution=false', '--verbose', 'sales',
    ]);
    const custom = backupArgs({ version: version('5.26.0'), from, toPath: '/b', database: '*', cluster: true, options: { additionalArgs: ['--include-metadata=roles'] } });
    expect(custom.filter((a) => a.startsWith('--include-metadata'))).toEqual(['--include-metadata=roles']);
  });

  it('validates additionalArgs: dash, allow-list, owned options, values, version gates', () => {
    expect(additionalArgsErrors(['--verbose', '--parallel-recovery=true', '--keep-failed'], version('5.26.0'))).toEqual([]);
    const errors = additionalArgsErrors(['verbose', '--to-path=/x', '--help', '--cc-graph', '--frobnicate', '--include-metadata', '--skip-recovery', '--prefer-diff-as-parent', 'x\ny'], version('2025.03.0'));
    expect(errors).toHaveLength(9);
    expect(errors[0]).toMatch(/must start with "-"/u);
    expect(errors[1]).toMatch(/--to-path is not allowed/u);
    expect(errors[2]).toMatch(/--help is not allowed: it prints the help/u);
    expect(errors[3]).toMatch(/--cc-graph is not allowed: it is a Neo4j 4.x option/u);
    expect(errors[4]).toMatch(/--frobnicate is not an option/u);
    expect(errors[5]).toMatch(/needs a value/u);
    expect(errors[6]).toMatch(/--skip-recovery needs Neo4j 2025.11/u);
    expect(errors[7]).toMatch(/--prefer-diff-as-parent needs Neo4j 2025.04/u);
    expect(errors[8]).toMatch(/must start with "-"/u);
    expect(additionalArgsErrors(['--skip-recovery=true', '--prefer-diff-as-parent'], version('2025.11.0'))).toEqual([]);
  });
});

describe('names and destinations', () => {
  it('keeps the operator names when they fit, and shortens them deterministically when not', () => {
    expect(backupNames('nightly')).toEqual({ job: 'nightly-backup', cronJob: 'nightly-backup-cron', serviceAccount: 'nightly-backup', claim: 'nightly-backup-storage', tlsConfig: 'nightly-backup-tls' });
    const long = `a-very-long-backup-name-${'x'.repeat(60)}`;
    const names = backupNames(long);
    expect(names.cronJob.length).toBeLessThanOrEqual(MAX_CRONJOB_NAME);
    expect(names.job.length).toBeLessThanOrEqual(MAX_JOB_NAME);
    expect(names.cronJob).toMatch(/^a-very-long-backup-name-x+-[0-9a-f]{8}-backup-cron$/u);
    expect(backupNames(long)).toEqual(names);
    expect(backupNames(`${long}y`).cronJob).not.toBe(names.cronJob);
    expect(boundedName('abc', '-x', 10)).toBe('abc-x');
    expect(labelValue('ok-name')).toBe('ok-name');
    expect(labelValue('x'.repeat(80)).length).toBeLessThanOrEqual(63);
  });

  it('writes into one fixed folder per backup (chains need their previous artifacts)', () => {
    expect(backupDestination('b', { type: 'pvc', pvc: { size: '1Gi' } }, 'b-backup-storage')).toEqual({ kind: 'pvc', claimName: 'b-backup-storage', owned: true, dir: '/backups/b' });
    expect(backupDestination('b', { type: 'pvc', path: '/team//orders/', pvc: { name: 'shared' } }, 'x')).toEqual({ kind: 'pvc', claimName: 'shared', owned: false, dir: '/backups/team/orders' });
    expect(backupDestination('b', { type: 's3', bucket: 'bkt', path: 'p' }, 'x')).toMatchObject({ kind: 'cloud', provider: 'aws', uri: 's3://bkt/p/' });
    expect(backupDestination('b', { type: 'gcs', bucket: 'bkt' }, 'x')).toMatchObject({ provider: 'gcp', uri: 'gs://bkt/b/' });
    expect(backupDestination('b', { type: 'azure', bucket: 'acct/cont', path: 'p' }, 'x')).toMatchObject({ provider: 'azure', uri: 'azb://acct/cont/p/' });
    expect(folderUri('s3', 'bk', undefined)).toBe('s3://bk/');
  });

  it('refuses an Azure bucket without the storage account', () => {
    const { errors } = validateBackup({ target: { kind: 'Cluster', name: 'orders' }, storage: { type: 'azure', bucket: 'container' } } as BackupSpec, 'shop');
    expect(errors.join()).toMatch(/<storageAccount>\/<container>/u);
  });
});

describe('backup reconciler', () => {
  it('asks for the target by name as either kind, in the target namespace, and for a named claim', () => {
    const parent = backup({ target: { kind: 'Database', name: 'orders/sales', namespace: 'prod' }, storage: { type: 'pvc', pvc: { name: 'team' } } });
    expect(reconciler.customize!(parent)).toEqual([
      { apiVersion: API, resource: 'neo4jenterpriseclusters', namespace: 'prod', names: ['orders'] },
      { apiVersion: API, resource: 'neo4jenterprisestandalones', namespace: 'prod', names: ['orders'] },
      { apiVersion: 'v1', resource: 'persistentvolumeclaims', namespace: 'shop', names: ['team'] },
    ]);
  });

  it('waits without creating anything while the target is not ready', () => {
    const response = sync(backup({}), [cluster('orders', '2025.11.0-enterprise', 'Forming')]);
    expect(response.children).toEqual([]);
    expect(response.status.phase).toBe('Waiting');
    expect(response.resyncAfterSeconds).toBe(30);
  });

  it('fails on an unsupported target version and on options the target version lacks', () => {
    expect(sync(backup({}), [cluster('orders', '4.4.0')]).status.message).toMatch(/Neo4j version must be 5.26\+/u);
    const gated = sync(backup({ options: { additionalArgs: ['--skip-recovery'] } }), [cluster('orders', '5.26.0')]);
    expect(gated.status.phase).toBe('Failed');
    expect(gated.status.message).toMatch(/--skip-recovery needs Neo4j 2025.11 or later; the target runs 5.26.0/u);
  });

  it('waits for a claim named in storage.pvc.name that does not exist', () => {
    const response = sync(backup({ storage: { type: 'pvc', pvc: { name: 'team' } } }), [cluster('orders')]);
    expect(response.status.message).toMatch(/Waiting for PersistentVolumeClaim team/u);
    expect(response.children).toEqual([]);
  });

  it('never re-runs or changes a one-shot Job that exists, even after a spec change', () => {
    const parent = backup({ options: { backupType: 'FULL' } });
    const first = sync(parent, [cluster('orders')]);
    const observed = applied(first, parent, { Job: { startTime: '2026-01-01T00:00:00Z', active: 1 } });
    const changed = backup({ options: { backupType: 'DIFF', pageCache: '8G' } });
    const second = sync(changed, [cluster('orders'), ...observed]);
    expect(child(second, 'Job')).toEqual(child(first, 'Job'));
    expect(second.status.phase).toBe('Running');
  });

  it('applies schedule and suspend edits to the CronJob, even while the target is not ready', () => {
    const parent = backup({ schedule: '0 2 * * *' });
    const first = sync(parent, [cluster('orders')]);
    const observed = applied(first, parent);
    const edited = backup({ schedule: '0 3 * * *', suspend: true });
    const second = sync(edited, [cluster('orders', '2025.11.0-enterprise', 'Forming'), ...observed]);
    expect(child(second, 'CronJob').spec).toMatchObject({ schedule: '0 3 * * *', suspend: true, concurrencyPolicy: 'Forbid' });
  });

  it('moves between one-shot and scheduled by replacing the Job with the CronJob', () => {
    const parent = backup({});
    const observed = applied(sync(parent, [cluster('orders')]), parent);
    const scheduled = sync(backup({ schedule: '@daily' }), [cluster('orders'), ...observed]);
    expect(scheduled.children.map((c) => c.kind)).toEqual(['PersistentVolumeClaim', 'CronJob']);
  });

  it('keeps a claim it created when the storage moves to a bucket (backups are never dropped by a spec edit)', () => {
    const parent = backup({});
    const observed = applied(sync(parent, [cluster('orders')]), parent);
    const moved = sync(backup({ storage: { type: 's3', bucket: 'bkt' } }), [cluster('orders'), ...observed]);
    expect(moved.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual(['PersistentVolumeClaim/nightly-backup-storage', 'Job/nightly-backup']);
  });

  it('reports a scheduled run that did not succeed, and a running one', () => {
    const parent = backup({ schedule: '@hourly' });
    const observed = applied(sync(parent, [cluster('orders')]), parent, { CronJob: { lastScheduleTime: '2025-12-31T23:00:00Z', lastSuccessfulTime: '2025-12-31T22:04:00Z' } });
    const failed = sync(parent, [cluster('orders'), ...observed]);
    expect(failed.status).toMatchObject({ phase: 'Scheduled', lastRunTime: '2025-12-31T23:00:00Z', lastSuccessTime: '2025-12-31T22:04:00Z' });
    expect(failed.status.message).toMatch(/did not succeed/u);
    expect((failed.status.conditions as Array<{ status: string; reason: string }>)[0]).toMatchObject({ status: 'False', reason: 'LastRunFailed' });
    const running = applied(sync(parent, [cluster('orders')]), parent, { CronJob: { active: [{ name: 'x' }], lastScheduleTime: '2025-12-31T23:00:00Z', lastSuccessfulTime: '2025-12-31T22:04:00Z' } });
    expect(sync(parent, [cluster('orders'), ...running]).status.phase).toBe('Running');
  });

  it('uses workload identity: created ServiceAccount, Azure pod label, token mounted', () => {
    const response = sync(
      backup({
        storage: { type: 'azure', bucket: 'acct/backups' },
        cloud: { provider: 'azure', identity: { provider: 'azure', autoCreate: { enabled: true, annotations: { 'azure.workload.identity/client-id': 'abc' } } } },
      }),
      [cluster('orders')],
    );
    expect(child(response, 'ServiceAccount').metadata).toMatchObject({ name: 'nightly-backup', annotations: { 'azure.workload.identity/client-id': 'abc' } });
    const job = child(response, 'Job');
    expect((job.spec as any).template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(podOf(job)).toMatchObject({ serviceAccountName: 'nightly-backup' });
    expect(podOf(job).automountServiceAccountToken).toBeUndefined();
  });

  it('requires the provider annotation for a created identity, and a ServiceAccount otherwise', () => {
    const missing = validateBackup({ target: { kind: 'Cluster', name: 'o' }, storage: { type: 's3', bucket: 'bkt' }, cloud: { identity: { provider: 'aws', autoCreate: { enabled: true, annotations: {} } } } } as BackupSpec, 'shop');
    expect(missing.errors.join()).toMatch(/eks.amazonaws.com\/role-arn/u);
    const none = validateBackup({ target: { kind: 'Cluster', name: 'o' }, storage: { type: 's3', bucket: 'bkt' }, cloud: { identity: { provider: 'aws' } } } as BackupSpec, 'shop');
    expect(none.errors.join()).toMatch(/needs serviceAccount/u);
    const mismatch = validateBackup({ target: { kind: 'Cluster', name: 'o' }, storage: { type: 'gcs', bucket: 'bkt' }, cloud: { provider: 'aws' } } as BackupSpec, 'shop');
    expect(mismatch.errors.join()).toMatch(/does not match storage type gcs/u);
  });

  it('mounts a GCP key from the credentials Secret', () => {
    const response = sync(backup({ storage: { type: 'gcs', bucket: 'bkt', cloud: { credentialsSecretRef: 'gcp-key' } } }), [cluster('orders')]);
    const pod = podOf(child(response, 'Job'));
    expect(pod.volumes).toContainEqual({ name: 'gcp-credentials', secret: { secretName: 'gcp-key', items: [{ key: 'GOOGLE_APPLICATION_CREDENTIALS_JSON', path: 'credentials.json' }] } });
    expect(pod.containers[0].env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/gcp/credentials.json' });
  });

  it('backs up a standalone through its headless Service when no cluster has the name', () => {
    const response = sync(backup({ target: { kind: 'Cluster', name: 'dev' } }), [standalone('dev')]);
    expect(podOf(child(response, 'Job')).containers[0].args[3]).toBe('--from=dev-0.dev-headless.shop.svc.cluster.local:6362');
  });

  it('prefers the cluster when a standalone has the same name', () => {
    const response = sync(backup({}), [standalone('orders'), cluster('orders', '2025.11.0-enterprise', 'Ready', 2)]);
    expect(podOf(child(response, 'Job')).containers[0].args[3]).toBe('--from=orders-server-0.orders-headless.shop.svc.cluster.local:6362,orders-server-1.orders-headless.shop.svc.cluster.local:6362');
  });

  it('passes retention to the wrapper only for PVC backups, and not for deletePolicy Archive', () => {
    const env = (response: SyncResponse) => podOf(child(response, 'Job')).containers[0].env.map((e: { name: string }) => e.name);
    expect(env(sync(backup({ retention: { maxCount: 3, maxAge: '2d' } }), [cluster('orders')]))).toEqual(['NEO4J_ACCEPT_LICENSE_AGREEMENT', 'BACKUP_DIR', 'RETENTION_MAX_COUNT', 'RETENTION_MAX_AGE_SECONDS']);
    expect(env(sync(backup({ retention: { maxCount: 3, deletePolicy: 'Archive' } }), [cluster('orders')]))).toEqual(['NEO4J_ACCEPT_LICENSE_AGREEMENT', 'BACKUP_DIR']);
    const cloud = sync(backup({ storage: { type: 's3', bucket: 'bkt' }, retention: { maxCount: 3 } }), [cluster('orders')]);
    expect(env(cloud)).toEqual(['NEO4J_ACCEPT_LICENSE_AGREEMENT']);
    const warnings = (cloud.status.conditions as Array<{ type: string; message: string }>).find((c) => c.type === 'Warnings');
    expect(warnings?.message).toMatch(/retention is not applied to s3 storage/u);
  });

  it('freezes existing children when the spec becomes invalid', () => {
    const parent = backup({ schedule: '@daily' });
    const first = sync(parent, [cluster('orders')]);
    const broken = sync(backup({ schedule: '61 * * * * *' }), [cluster('orders'), ...applied(first, parent)]);
    expect(broken.status.phase).toBe('Failed');
    expect(broken.children).toEqual(first.children);
  });
});
