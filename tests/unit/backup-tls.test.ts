/**
 * Neo4jBackup against a deployment that serves TLS: the Job (or CronJob) mounts the target's TLS
 * Secret exactly as its servers do, gets ConfigMap `<b>-backup-tls` with the client side of the
 * servers' `backup` SSL policy, passes it as `--additional-config`, and dials names the target's
 * Certificate lists. Without TLS nothing of this appears.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigMap, PodSpec } from 'kubernetes-types/core/v1.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import { preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { backupReconciler, BACKUP_CHILDREN } from '../../lib/backup/reconciler.js';
import { additionalArgsErrors, backupArgs } from '../../lib/backup/command.js';
import { backupNames } from '../../lib/backup/names.js';
import { BACKUP_CLIENT_CONFIG_KEY, BACKUP_CLIENT_CONFIG_PATH, backupClientSettings, renderBackupClientConf } from '../../lib/backup/tls.js';
import { TRUST_ALL_ANNOTATION } from '../../lib/tls/certificate.js';
import { sslPolicyEntries } from '../../lib/tls/settings.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import { asObserved } from '../support/invariants.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const API = 'neo4j.neo4j.com/v1alpha1';
const reconciler = backupReconciler as unknown as Reconciler;
const TLS = { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } };

function cluster(tls?: Record<string, unknown>, annotations?: Record<string, string>): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name: 'orders', namespace: 'shop', uid: 'uid-orders', ...(annotations ? { annotations } : {}) },
    spec: { image: { repo: 'neo4j', tag: '5.26.12-enterprise' }, topology: { servers: 3 }, storage: { className: 'x', size: '10Gi' }, ...(tls ? { tls } : {}) },
    status: { phase: 'Ready' },
  };
}

function standalone(tls?: Record<string, unknown>): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name: 'dev', namespace: 'shop', uid: 'uid-dev' },
    spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, storage: { className: 'x', size: '1Gi' }, ...(tls ? { tls } : {}) },
    status: { phase: 'Ready', ready: true },
  };
}

function backup(spec: Record<string, unknown> = {}, target = 'orders'): K8sObject {
  return {
    apiVersion: API,
    kind: 'Neo4jBackup',
    metadata: { name: 'nightly', namespace: 'shop', uid: 'backup-uid', generation: 1 },
    spec: { target: { kind: 'Cluster', name: target }, storage: { type: 'pvc', pvc: { size: '10Gi' } }, ...spec },
  };
}

function sync(parent: K8sObject, observed: K8sObject[]): SyncResponse {
  return runSync(reconciler, buildSyncRequest(reconciler, parent, observed), NOW);
}

function find<T = K8sObject>(response: SyncResponse, kind: string): (T & K8sObject) | undefined {
  return response.children.find((c) => c.kind === kind) as (T & K8sObject) | undefined;
}

function pod(response: SyncResponse): PodSpec {
  const workload = find(response, 'Job') ?? find(response, 'CronJob');
  const spec = workload!.spec as any;
  return workload!.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
}

/** The child set of the target itself (its Certificate, its ConfigMap with neo4j.conf, its StatefulSet). */
function targetChildren(target: K8sObject): K8sObject[] {
  const { status: _status, ...doc } = target;
  return preview(doc, [], { now: NOW }).response.children;
}

function confEntries(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );
}

describe('Neo4jBackup of a TLS cluster', () => {
  const target = cluster(TLS);
  const response = sync(backup(), [target]);

  it('declares ConfigMap as an InPlace child, before the Job and CronJob', () => {
    const index = BACKUP_CHILDREN.findIndex((c) => c.kind === 'ConfigMap');
    expect(BACKUP_CHILDREN[index]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' });
    expect(index).toBeLessThan(BACKUP_CHILDREN.findIndex((c) => c.kind === 'Job'));
  });

  it('adds ConfigMap <b>-backup-tls (not <b>-backup-config, which a deployment named <b>-backup owns)', () => {
    expect(backupNames('nightly').tlsConfig).toBe('nightly-backup-tls');
    const cm = find<ConfigMap>(response, 'ConfigMap')!;
    expect(cm.metadata.name).toBe('nightly-backup-tls');
    expect(cm.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'nightly', 'app.kubernetes.io/component': 'backup-tls' });
    expect(Object.keys(cm.data!)).toEqual([BACKUP_CLIENT_CONFIG_KEY]);
  });

  it("holds the servers' backup policy, plus host-name verification", () => {
    const file = confEntries(find<ConfigMap>(response, 'ConfigMap')!.data![BACKUP_CLIENT_CONFIG_KEY]!);
    const serverConf = confEntries((targetChildren(target).find((c) => c.kind === 'ConfigMap' && c.metadata.name === 'orders-config') as any).data['neo4j.conf']);
    const serverBackup = [...serverConf].filter(([k]) => k.startsWith('dbms.ssl.policy.backup.'));
    expect(serverBackup.length).toBeGreaterThan(0);
    expect([...file]).toEqual([...serverBackup, ['dbms.ssl.policy.backup.verify_hostname', 'true']]);
    expect(file.get('dbms.ssl.policy.backup.client_auth')).toBe('REQUIRE');
  });

  it("mounts the target's TLS Secret exactly as its servers do, and the policy file", () => {
    const spec = pod(response);
    const server = targetChildren(target).find((c) => c.kind === 'StatefulSet') as any;
    const serverTls = server.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tls');
    expect(spec.volumes!.find((v) => v.name === 'tls')).toEqual(serverTls);
    expect(spec.volumes!.find((v) => v.name === 'backup-config')).toEqual({ name: 'backup-config', configMap: { name: 'nightly-backup-tls', defaultMode: 0o440 } });
    expect(spec.containers[0]!.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'tls', mountPath: '/neo4j-tls', readOnly: true },
        { name: 'backup-config', mountPath: '/backup-config', readOnly: true },
      ]),
    );
  });

  it('passes --additional-config and dials names the Certificate lists', () => {
    const args = pod(response).containers[0]!.args!;
    expect(args).toContain(`--additional-config=${BACKUP_CLIENT_CONFIG_PATH}`);
    const cert = targetChildren(target).find((c) => c.kind === 'Certificate') as any;
    const from = args.find((a) => a.startsWith('--from='))!.slice('--from='.length).split(',');
    expect(from).toHaveLength(3);
    for (const address of from) expect(cert.spec.dnsNames).toContain(address.replace(/:6362$/u, ''));
  });

  it('wires a scheduled backup the same way', () => {
    const cron = sync(backup({ schedule: '@daily' }), [target]);
    expect(find(cron, 'ConfigMap')!.metadata.name).toBe('nightly-backup-tls');
    expect(pod(cron).containers[0]!.args).toContain(`--additional-config=${BACKUP_CLIENT_CONFIG_PATH}`);
  });
});

describe('Neo4jBackup TLS variants', () => {
  it('trust-all by annotation: the client accepts any certificate and checks no host name, as the servers', () => {
    const response = sync(backup(), [cluster(TLS, { [TRUST_ALL_ANNOTATION]: 'true' })]);
    const file = confEntries(find<ConfigMap>(response, 'ConfigMap')!.data![BACKUP_CLIENT_CONFIG_KEY]!);
    expect(file.get('dbms.ssl.policy.backup.trust_all')).toBe('true');
    expect(file.get('dbms.ssl.policy.backup.client_auth')).toBe('NONE');
    expect(file.has('dbms.ssl.policy.backup.verify_hostname')).toBe(false);
    const tls = pod(response).volumes!.find((v) => v.name === 'tls')!;
    expect(tls.projected!.sources![0]!.secret!.items!.map((i) => i.key)).toEqual(['tls.crt', 'tls.key', 'tls.crt']);
  });

  it('a tls block without mode is cert-manager (the CRD default), as the servers read it', () => {
    const response = sync(backup(), [cluster({ issuerRef: { name: 'ca' } })]);
    expect(find(response, 'ConfigMap')).toBeDefined();
  });

  it('no TLS (absent, or mode disabled): no ConfigMap, no mounts, no --additional-config', () => {
    for (const target of [cluster(), cluster({ mode: 'disabled' }), standalone()]) {
      const response = sync(backup({}, target.metadata.name), [target]);
      expect(find(response, 'ConfigMap')).toBeUndefined();
      expect(pod(response).volumes!.map((v) => v.name)).toEqual(['scratch', 'backup-storage']);
      expect(pod(response).containers[0]!.args!.some((a) => a.startsWith('--additional-config'))).toBe(false);
    }
  });

  it('a standalone that serves TLS: its Secret, its pod name under its headless Service, which its Certificate lists', () => {
    const target = standalone(TLS);
    const response = sync(backup({}, 'dev'), [target]);
    const spec = pod(response);
    expect(spec.volumes!.find((v) => v.name === 'tls')!.projected!.sources![0]!.secret!.name).toBe('dev-tls-secret');
    const args = spec.containers[0]!.args!;
    expect(args).toContain(`--additional-config=${BACKUP_CLIENT_CONFIG_PATH}`);
    expect(args).toContain('--from=dev-0.dev-headless.shop.svc.cluster.local:6362');
    const cert = targetChildren(target).find((c) => c.kind === 'Certificate') as any;
    expect(cert.spec.dnsNames).toContain('dev-0.dev-headless.shop.svc.cluster.local');
  });

  it('TLS through External Secrets: the same Secret name', () => {
    const response = sync(backup(), [cluster({ ...TLS, externalSecrets: { enabled: true, secretStoreRef: { name: 'vault' }, data: [] } })]);
    expect(pod(response).volumes!.find((v) => v.name === 'tls')!.projected!.sources![0]!.secret!.name).toBe('orders-tls-secret');
  });

  it('never changes an existing one-shot Job, nor the policy file it mounts', () => {
    const parent = backup();
    const first = sync(parent, [cluster(TLS)]);
    const observed = first.children.map((c, i) => asObserved(c, parent, i));
    for (const target of [cluster(TLS, { [TRUST_ALL_ANNOTATION]: 'true' }), cluster()]) {
      expect(sync(parent, [...observed, target]).children).toEqual(first.children);
    }
  });
});

describe('backup client settings', () => {
  it("are the servers' backup policy entries, with verify_hostname under strict trust only", () => {
    expect(backupClientSettings({ trustAll: false })).toEqual([...sslPolicyEntries('backup', { trustAll: false }), ['dbms.ssl.policy.backup.verify_hostname', 'true']]);
    expect(backupClientSettings({ trustAll: true })).toEqual(sslPolicyEntries('backup', { trustAll: true }));
    expect(renderBackupClientConf({ trustAll: false })).toMatch(/^# neo4j-hooks: .*\ndbms\.ssl\.policy\.backup\.enabled=true\n/u);
  });

  it('puts --additional-config after --temp-path, and refuses it in additionalArgs', () => {
    const version = parseNeo4jVersion('5.26.12');
    if (!version.ok) throw new Error(version.reason);
    const args = backupArgs({ version: version.version, from: ['a:6362'], toPath: '/b', database: '*', cluster: true, options: {}, additionalConfig: '/x.conf' });
    expect(args.slice(args.indexOf('--temp-path=/scratch'))).toEqual(['--temp-path=/scratch', '--additional-config=/x.conf', '*']);
    expect(additionalArgsErrors(['--additional-config=/etc/evil.conf'], undefined)).toEqual([
      'options.additionalArgs[0] --additional-config is not allowed: neo4j-hooks passes its own file with the backup SSL policy when the target serves TLS',
    ]);
  });
});
