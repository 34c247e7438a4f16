/**
 * The cluster's centralized backup agent (spec.backups): names, labels no Service selects,
 * resources, the volume and its fallback and retention, the daily schedule and the number kept,
 * cloud destinations, TLS, immutability, and the fixed script, run under bash with stand-ins for
 * neo4j-admin, date and sleep, with hostile values.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Container, PodSpec, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Reconciler } from '../../lib/hook/reconciler.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { runSync, type SyncResponse } from '../../lib/hook/run.js';
import { PreviewError } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { clusterReconciler } from '../../lib/cluster/reconciler.js';
import {
  BACKUP_AGENT_DEFAULTS,
  BACKUP_AGENT_RESOURCES,
  BACKUP_AGENT_SCRIPT,
  backupAgentFindings,
  backupAgentNames,
  backupAgentPodLabels,
} from '../../lib/cluster/backup-agent.js';
import { serverPodLabels } from '../../lib/cluster/labels.js';
import { BACKUP_CLIENT_CONFIG_KEY, BACKUP_CLIENT_CONFIG_PATH } from '../../lib/backup/tls.js';
import { TRUST_ALL_ANNOTATION } from '../../lib/tls/certificate.js';
import { asObserved } from '../support/invariants.js';
import { child, clusterDoc, conf, NOW, sync, warnings, type LooseCluster } from '../support/cluster-case.js';

const reconciler = clusterReconciler as unknown as Reconciler;

const withBackups = (backups: Record<string, unknown> = {}, mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.backups = backups;
    mutate?.(d);
  });

const withTls = (d: LooseCluster) => {
  d.spec.tls = { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } };
};

/** A sync through the hook without admission: what the hook does with values the CRD would refuse. */
function rawSync(doc: LooseCluster, observed: K8sObject[] = []): SyncResponse {
  return runSync(reconciler, buildSyncRequest(reconciler, structuredClone(doc) as unknown as K8sObject, observed), NOW);
}

function agentSet(response: SyncResponse, name = 'graph'): StatefulSet & K8sObject {
  const sts = child<StatefulSet>(response, 'StatefulSet', `${name}-backup`);
  if (!sts) throw new Error(`no StatefulSet ${name}-backup: ${JSON.stringify(response.status)}`);
  return sts;
}

function agentPod(response: SyncResponse): PodSpec {
  return agentSet(response).spec!.template.spec!;
}

function agentContainer(response: SyncResponse): Container {
  return agentPod(response).containers[0]!;
}

function env(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

/** Whether a selector (matchLabels) selects a pod with `labels`. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('backup agent: names and presence', () => {
  it('is emitted only with spec.backups', () => {
    const ids = (r: SyncResponse) => r.children.filter((c) => c.metadata.name.startsWith('graph-backup')).map((c) => `${c.kind}/${c.metadata.name}`);
    expect(ids(sync(clusterDoc()))).toEqual([]);
    expect(ids(sync(withBackups()))).toEqual(['Service/graph-backup-headless', 'StatefulSet/graph-backup']);
    expect(ids(sync(withBackups({}, withTls)))).toEqual(['ConfigMap/graph-backup-agent', 'Service/graph-backup-headless', 'StatefulSet/graph-backup']);
  });

  it('keeps the operator names: StatefulSet <c>-backup, pod <c>-backup-0, claim backup-storage-<c>-backup-0, Service <c>-backup-headless', () => {
    expect(backupAgentNames('graph')).toMatchObject({
      statefulSet: 'graph-backup',
      pod: 'graph-backup-0',
      claim: 'backup-storage-graph-backup-0',
      service: 'graph-backup-headless',
      config: 'graph-backup-agent',
      serviceAccount: 'graph-cloud-identity',
    });
    const sts = agentSet(sync(withBackups()));
    expect(sts.spec!.replicas).toBe(1);
    expect(sts.spec!.serviceName).toBe('graph-backup-headless');
    expect(sts.spec!.volumeClaimTemplates!.map((t) => t.metadata!.name)).toEqual(['backup-storage']);
  });

  it('governs the pod with a headless Service that has no ports (stable DNS, no traffic)', () => {
    const svc = child<Service>(sync(withBackups()), 'Service', 'graph-backup-headless')!;
    expect(svc.spec).toEqual({ clusterIP: 'None', publishNotReadyAddresses: true, selector: { 'neo4j.com/cluster': 'graph', 'neo4j.com/component': 'backup' } });
  });
});

describe('backup agent: labels', () => {
  const variants: Array<[string, LooseCluster]> = [
    ['ClusterIP', withBackups()],
    ['LoadBalancer, TLS, monitoring, ingress', withBackups({}, (d) => {
      withTls(d);
      d.spec.service = { type: 'LoadBalancer', ingress: { enabled: true, host: 'graph.example.com', className: 'nginx' } };
      d.spec.queryMonitoring = { enabled: true, metricsExport: { prometheus: true } };
    })],
  ];
  for (const [label, doc] of variants) {
    it(`${label}: no Service with ports, PodDisruptionBudget or server StatefulSet selects the agent's pod`, () => {
      const response = sync(doc);
      const pod = agentSet(response).spec!.template.metadata!.labels!;
      expect(pod).toEqual(backupAgentPodLabels('graph'));
      const services = response.children.filter((c) => c.kind === 'Service') as Array<Service & K8sObject>;
      expect(services.length).toBeGreaterThanOrEqual(5);
      for (const svc of services) {
        if (svc.metadata.name === 'graph-backup-headless') {
          expect(svc.spec!.ports).toBeUndefined();
          continue;
        }
        expect(selects(svc.spec!.selector, pod), `Service ${svc.metadata.name} selects the backup agent`).toBe(false);
      }
      const pdb = child<PodDisruptionBudget>(response, 'PodDisruptionBudget', 'graph-server')!;
      expect(selects(pdb.spec!.selector!.matchLabels, pod)).toBe(false);
      const server = child<StatefulSet>(response, 'StatefulSet', 'graph-server')!;
      expect(selects(server.spec!.selector.matchLabels, pod)).toBe(false);
    });
  }

  it("the agent's selectors never select a server pod", () => {
    const response = sync(withBackups());
    const server = serverPodLabels('graph', '2025.06.0-enterprise');
    expect(selects(agentSet(response).spec!.selector.matchLabels, server)).toBe(false);
    expect(selects(child<Service>(response, 'Service', 'graph-backup-headless')!.spec!.selector, server)).toBe(false);
  });

  it("labels the claim with the selector only (nothing that selects the servers' data claims)", () => {
    expect(agentSet(sync(withBackups())).spec!.volumeClaimTemplates![0]!.metadata!.labels).toEqual({ 'neo4j.com/cluster': 'graph', 'neo4j.com/component': 'backup' });
  });
});

describe('backup agent: pod, resources, volume', () => {
  it("runs the cluster's image with the operator's resources, as the neo4j user, without a token", () => {
    const response = sync(withBackups({}, (d) => (d.spec.image.pullSecrets = ['regcred'])));
    const container = agentContainer(response);
    expect(container.image).toBe('neo4j:2025.06.0-enterprise');
    expect(container.resources).toEqual(BACKUP_AGENT_RESOURCES);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 7474, allowPrivilegeEscalation: false });
    const pod = agentPod(response);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(container.env!.some((e) => /PASSWORD|USERNAME/u.test(e.name))).toBe(false);
  });

  it('takes class and size from storage.backupStorage, each falling back to storage', () => {
    const claim = (backupStorage?: Record<string, string>) =>
      agentSet(sync(withBackups({}, (d) => backupStorage && (d.spec.storage.backupStorage = backupStorage)))).spec!.volumeClaimTemplates![0]!.spec!;
    expect(claim()).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } });
    expect(claim({ className: 'cheap-hdd', size: '500Gi' })).toMatchObject({ storageClassName: 'cheap-hdd', resources: { requests: { storage: '500Gi' } } });
    expect(claim({ size: '500Gi' })).toMatchObject({ storageClassName: 'standard', resources: { requests: { storage: '500Gi' } } });
    expect(claim({ className: 'cheap-hdd' })).toMatchObject({ storageClassName: 'cheap-hdd', resources: { requests: { storage: '10Gi' } } });
  });

  it('keeps the claim when the StatefulSet is deleted (backups outlive the cluster)', () => {
    expect(agentSet(sync(withBackups())).spec!.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it("follows the servers' nodeSelector and tolerations, not their affinity", () => {
    const pod = agentPod(
      sync(
        withBackups({}, (d) => {
          d.spec.nodeSelector = { pool: 'neo4j' };
          d.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'neo4j', effect: 'NoSchedule' }];
          d.spec.topology.placement = { antiAffinity: { enabled: true, type: 'required' } };
        }),
      ),
    );
    expect(pod.nodeSelector).toEqual({ pool: 'neo4j' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'neo4j', effect: 'NoSchedule' }]);
    expect(pod.affinity).toBeUndefined();
  });

  it('backs up every database FULL from every server, with scratch space on its volume', () => {
    const container = agentContainer(sync(withBackups({}, (d) => (d.spec.topology.servers = 4))));
    expect(container.command).toEqual(['/bin/bash', '-c', BACKUP_AGENT_SCRIPT, 'neo4j-backup-agent']);
    expect(container.args).toEqual([
      `--from=${[0, 1, 2, 3].map((i) => `graph-server-${i}.graph-headless.ns.svc.cluster.local:6362`).join(',')}`,
      '--type=FULL',
      '--include-metadata=all',
      '--pagecache=128M',
      '--temp-path=/backups/.scratch',
      '*',
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'backup-storage', mountPath: '/backups' }]);
    expect(env(container)).toMatchObject({ BACKUP_TARGET: '/backups', SCRATCH_DIR: '/backups/.scratch', HEAP_SIZE: '512m', RETRY_DELAY_SECONDS: '300' });
  });

  it('adds the version-gated cluster options where they exist', () => {
    const args = agentContainer(sync(withBackups({}, (d) => (d.spec.image.tag = '2025.11.0-enterprise')))).args!;
    expect(args).toContain('--remote-address-resolution=true');
    expect(args).toContain('--parallel-download=true');
    expect(agentContainer(sync(withBackups({}, (d) => (d.spec.image.tag = '5.26.12-enterprise')))).args).not.toContain('--remote-address-resolution=true');
  });
});

describe('backup agent: schedule and retention', () => {
  it('defaults to daily at 02:00 UTC, keeping 10 (the operator)', () => {
    expect(BACKUP_AGENT_DEFAULTS).toEqual({ schedule: '02:00', keep: 10 });
    expect(env(agentContainer(sync(withBackups())))).toMatchObject({ BACKUP_AT: '02:00', BACKUP_KEEP: '10' });
  });

  it('takes spec.backups.schedule (HH:MM, UTC) and keep', () => {
    expect(env(agentContainer(sync(withBackups({ schedule: '23:45', keep: 3 }))))).toMatchObject({ BACKUP_AT: '23:45', BACKUP_KEEP: '3' });
    expect(env(agentContainer(sync(withBackups({ schedule: '00:00', keep: 1 }))))).toMatchObject({ BACKUP_AT: '00:00', BACKUP_KEEP: '1' });
  });

  it('the CRD refuses other schedule forms and keep below 1', () => {
    for (const schedule of ['2:00', '24:00', '02:60', '0 2 * * *', '@daily', '02:00:00', ' 02:00']) {
      expect(() => sync(withBackups({ schedule })), schedule).toThrow(PreviewError);
    }
    expect(() => sync(withBackups({ keep: 0 }))).toThrow(PreviewError);
  });

  it('the hook refuses them too (phase Failed, children frozen), should they reach it', () => {
    const first = sync(withBackups());
    const observed = first.children.map((c, i) => asObserved(c, clusterDoc() as unknown as K8sObject, i));
    for (const backups of [{ schedule: '0 2 * * *' }, { schedule: '25:00' }, { keep: 0 }, { keep: 2.5 }]) {
      const response = rawSync(withBackups(backups), observed);
      expect(response.status.phase, JSON.stringify(backups)).toBe('Failed');
      expect(String(response.status.message)).toMatch(/spec\.backups\.(schedule|keep)/u);
      expect(response.children).toEqual(first.children);
    }
  });

  it('refuses a backupStorage size that is not a quantity', () => {
    expect(backupAgentFindings(withBackups({}, (d) => (d.spec.storage.backupStorage = { size: 'lots' })).spec as never, 'graph').errors).toEqual([
      expect.stringMatching(/^spec\.storage\.backupStorage\.size is not a valid quantity/u),
    ]);
  });

  it('warns about defaultStorage pvc settings and a cloud block it does not use', () => {
    const response = sync(withBackups({ defaultStorage: { type: 'pvc', pvc: { name: 'mine' } }, cloud: { provider: 'aws' } }));
    expect(warnings(response)).toEqual([
      expect.stringMatching(/^spec\.backups\.defaultStorage of type pvc only selects the default: .* backup-storage-graph-backup-0/u),
      expect.stringMatching(/^spec\.backups\.cloud is only used with an s3, gcs or azure spec\.backups\.defaultStorage/u),
    ]);
    expect(env(agentContainer(response)).BACKUP_TARGET).toBe('/backups');
    expect(agentPod(response).serviceAccountName).toBeUndefined();
  });
});

describe('backup agent: cloud destinations', () => {
  it('writes to <scheme>://<bucket>/<path or <c>-backup>/ with the credentials of Neo4jBackup', () => {
    const s3 = agentContainer(sync(withBackups({ defaultStorage: { type: 's3', bucket: 'bkt' }, cloud: { provider: 'aws', credentialsSecretRef: 'aws-creds' } })));
    expect(env(s3).BACKUP_TARGET).toBe('s3://bkt/graph-backup/');
    expect(s3.env!.find((e) => e.name === 'AWS_ACCESS_KEY_ID')).toEqual({ name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'aws-creds', key: 'AWS_ACCESS_KEY_ID' } } });
    const azure = agentContainer(sync(withBackups({ defaultStorage: { type: 'azure', bucket: 'acct/backups', path: '/a//b/', cloud: { provider: 'azure', credentialsSecretRef: 'az' } } })));
    expect(env(azure).BACKUP_TARGET).toBe('azb://acct/backups/a/b/');
  });

  it('mounts a GCP key and runs as a created workload-identity ServiceAccount <c>-cloud-identity', () => {
    const response = sync(
      withBackups({
        defaultStorage: { type: 'gcs', bucket: 'gbkt', path: 'graph' },
        cloud: {
          provider: 'gcp',
          identity: { provider: 'gcp', autoCreate: { enabled: true, annotations: { 'iam.gke.io/gcp-service-account': 'b@p.iam.gserviceaccount.com' } } },
        },
      }),
    );
    const sa = child(response, 'ServiceAccount', 'graph-cloud-identity')!;
    expect(sa.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'b@p.iam.gserviceaccount.com' });
    const pod = agentPod(response);
    expect(pod.serviceAccountName).toBe('graph-cloud-identity');
    expect(pod.automountServiceAccountToken).toBeUndefined();
    expect(env(agentContainer(response)).BACKUP_TARGET).toBe('gs://gbkt/graph/');
    expect(warnings(response)).toEqual([]);
  });

  it('labels an Azure workload-identity pod for the webhook', () => {
    const pod = agentSet(sync(withBackups({ defaultStorage: { type: 'azure', bucket: 'acct/ctr', cloud: { provider: 'azure', identity: { provider: 'azure', serviceAccount: 'neo4j-az' } } } }))).spec!.template;
    expect(pod.spec!.serviceAccountName).toBe('neo4j-az');
    expect(pod.metadata!.labels).toMatchObject({ 'azure.workload.identity/use': 'true', ...backupAgentPodLabels('graph') });
  });

  it('refuses a bucket or provider that does not fit, and says keep does not apply to buckets', () => {
    const bad = backupAgentFindings(withBackups({ defaultStorage: { type: 's3' }, cloud: { provider: 'gcp' } }).spec as never, 'graph');
    expect(bad.errors).toEqual(['spec.backups.defaultStorage.bucket is required for storage type s3', 'cloud provider gcp does not match storage type s3 (which needs provider aws)']);
    const kept = backupAgentFindings(withBackups({ keep: 5, defaultStorage: { type: 's3', bucket: 'bkt' } }).spec as never, 'graph');
    expect(kept.warnings.at(-1)).toMatch(/^spec\.backups\.keep is not applied to s3 storage/u);
  });

  it('does not repeat the operator rule on spec.backups.cloud identity annotations', () => {
    const response = sync(
      withBackups({ defaultStorage: { type: 's3', bucket: 'bkt' }, cloud: { provider: 'aws', identity: { provider: 'aws', autoCreate: { enabled: true, annotations: { x: 'y' } } } } }),
    );
    expect(response.status.phase).toBe('Failed');
    expect(String(response.status.message).match(/eks\.amazonaws\.com\/role-arn/gu)).toHaveLength(1);
  });
});

describe('backup agent: TLS', () => {
  it("mounts the cluster's TLS Secret like the servers and passes the backup policy of the servers, verifying host names", () => {
    const response = sync(withBackups({}, withTls));
    const container = agentContainer(response);
    expect(container.args).toContain(`--additional-config=${BACKUP_CLIENT_CONFIG_PATH}`);
    expect(container.volumeMounts).toEqual([
      { name: 'backup-storage', mountPath: '/backups' },
      { name: 'tls', mountPath: '/neo4j-tls', readOnly: true },
      { name: 'backup-config', mountPath: '/backup-config', readOnly: true },
    ]);
    const serverTls = child<StatefulSet>(response, 'StatefulSet', 'graph-server')!.spec!.template.spec!.volumes!.find((v) => v.name === 'tls');
    expect(agentPod(response).volumes!.find((v) => v.name === 'tls')).toEqual(serverTls);
    const file = child<ConfigMap>(response, 'ConfigMap', 'graph-backup-agent')!.data![BACKUP_CLIENT_CONFIG_KEY]!;
    const client = new Map(file.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('=') as [string, string]));
    const server = conf(response);
    for (const [key, value] of client) {
      if (key === 'dbms.ssl.policy.backup.verify_hostname') expect(value).toBe('true');
      else expect(server.get(key), key).toBe(value);
    }
    expect([...server.keys()].filter((k) => k.startsWith('dbms.ssl.policy.backup.')).every((k) => client.has(k))).toBe(true);
  });

  it('dials names the Certificate lists', () => {
    const response = sync(withBackups({}, withTls));
    const dnsNames = child<{ spec: { dnsNames: string[] } }>(response, 'Certificate', 'graph-tls')!.spec.dnsNames;
    const from = agentContainer(response).args!.find((a) => a.startsWith('--from='))!.slice('--from='.length).split(',');
    expect(from).toHaveLength(3);
    for (const address of from) expect(dnsNames).toContain(address.replace(/:6362$/u, ''));
  });

  it('trust-all (annotation): no host-name check, any certificate accepted, as the servers', () => {
    const response = sync(withBackups({}, (d) => {
      withTls(d);
      d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' };
    }));
    const file = child<ConfigMap>(response, 'ConfigMap', 'graph-backup-agent')!.data![BACKUP_CLIENT_CONFIG_KEY]!;
    expect(file).toContain('dbms.ssl.policy.backup.trust_all=true');
    expect(file).not.toContain('verify_hostname');
    expect(conf(response).get('dbms.ssl.policy.backup.trust_all')).toBe('true');
  });

  it('uses the same Secret when External Secrets supply it', () => {
    const response = sync(
      withBackups({}, (d) => {
        withTls(d);
        d.spec.tls.externalSecrets = {
          enabled: true,
          secretStoreRef: { name: 'vault' },
          data: ['tls.crt', 'tls.key', 'ca.crt'].map((k) => ({ secretKey: k, remoteRef: { key: `neo4j/${k}` } })),
        };
      }),
    );
    expect(response.status.phase, JSON.stringify(response.status)).not.toBe('Failed');
    const tls = agentPod(response).volumes!.find((v) => v.name === 'tls')!;
    expect(tls.projected!.sources![0]!.secret!.name).toBe('graph-tls-secret');
  });
});

describe('backup agent: convergence and safety nets', () => {
  it('keeps immutable fields as observed, and warns about a volume change', () => {
    const doc = withBackups();
    const first = sync(doc);
    const observed = first.children.map((c, i) => asObserved(c, doc as unknown as K8sObject, i));
    const changed = sync(withBackups({}, (d) => (d.spec.storage.backupStorage = { size: '1Ti' })), observed);
    expect(agentSet(changed).spec!.volumeClaimTemplates).toEqual(agentSet(first).spec!.volumeClaimTemplates);
    expect(warnings(changed)).toEqual([expect.stringMatching(/^spec\.storage\.backupStorage changes cannot be applied to StatefulSet graph-backup: .*PVC backup-storage-graph-backup-0/u)]);
  });

  it("keeps the operator's serviceName of an existing agent", () => {
    const doc = withBackups();
    const first = sync(doc);
    const observed = first.children.map((c, i) => {
      const o = asObserved(c, doc as unknown as K8sObject, i);
      if (c.kind === 'StatefulSet' && c.metadata.name === 'graph-backup') {
        const applied = structuredClone(c) as StatefulSet & K8sObject;
        applied.spec!.serviceName = 'something-else';
        return { ...o, spec: applied.spec, metadata: { ...o.metadata, annotations: { 'metacontroller.k8s.io/last-applied-configuration': JSON.stringify(applied) } } };
      }
      return o;
    });
    expect(agentSet(sync(doc, observed)).spec!.serviceName).toBe('something-else');
  });

  it('removing spec.backups removes the agent (its claim stays, by the retention policy)', () => {
    const first = sync(withBackups({}, withTls));
    const observed = first.children.map((c, i) => asObserved(c, clusterDoc() as unknown as K8sObject, i));
    const after = sync(clusterDoc(withTls), observed);
    expect(after.children.filter((c) => /graph-backup|cloud-identity/u.test(c.metadata.name))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The script under bash, with stand-ins for neo4j-admin, date and sleep.

const hasBash = spawnSync('bash', ['-c', 'exit 0']).status === 0;
const WORK = mkdtempSync(join(tmpdir(), 'neo4j-hooks-agent-'));
const SENTINEL = join(WORK, 'PWNED');
const BIN = join(WORK, 'bin');
const CALLS = join(WORK, 'calls');

/** Values that would do something if a shell ever interpreted them. */
const HOSTILE = [
  `'; touch ${SENTINEL}; echo '`,
  `$(touch ${SENTINEL})`,
  `\`touch ${SENTINEL}\``,
  `a\ntouch ${SENTINEL}`,
  `x" ; touch ${SENTINEL} ; "`,
  '${IFS}$HOME',
  '; rm -rf /',
  '--to-path=/etc',
  '*',
];

/** A stand-in command recording each call's argv (NUL-separated) in `<CALLS>/<name>.<n>`, then running `body`. */
function fake(name: string, body: string): void {
  mkdirSync(BIN, { recursive: true });
  const path = join(BIN, name);
  writeFileSync(path, `#!/bin/bash\nn=0; while [ -e "${CALLS}/${name}.$n" ]; do n=$((n + 1)); done\nprintf '%s\\0' "$@" > "${CALLS}/${name}.$n"\n${body}\n`);
  chmodSync(path, 0o755);
}

function calls(name: string): string[][] {
  if (!existsSync(CALLS)) return [];
  return readdirSync(CALLS)
    .filter((f) => f.startsWith(`${name}.`))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map((f) => readFileSync(join(CALLS, f), 'utf8').split('\u0000').slice(0, -1));
}

// date: the clock and the folder stamp from FAKE_NOW / FAKE_STAMP. sleep: returns at once; the
// FAKE_SLEEPS-th call stops the agent with SIGTERM. neo4j-admin: writes an artifact into the
// --to-path the script puts third (a directory under WORK only) and exits FAKE_ADMIN_STATUS.
fake('date', 'case "$*" in *%s*) echo "$FAKE_NOW" ;; *) echo "$FAKE_STAMP" ;; esac');
fake('sleep', `if [ "$n" -ge "$((FAKE_SLEEPS - 1))" ]; then kill -TERM "$PPID"; fi; exit 0`);
fake(
  'neo4j-admin',
  `d="\${3#--to-path=}"; case "$d" in ${WORK}/*) [ -d "$d" ] && : > "$d/neo4j-artifact.backup" ;; esac; exit "\${FAKE_ADMIN_STATUS:-0}"`,
);

interface AgentRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runAgent(args: string[], envs: Record<string, string>): AgentRun {
  rmSync(CALLS, { recursive: true, force: true });
  mkdirSync(CALLS, { recursive: true });
  const result = spawnSync('bash', ['-c', BACKUP_AGENT_SCRIPT, 'neo4j-backup-agent', ...args], {
    env: {
      PATH: `${BIN}:${process.env.PATH ?? ''}`,
      BACKUP_AT: '02:00',
      BACKUP_KEEP: '10',
      RETRY_DELAY_SECONDS: '0',
      // 2026-01-01T01:00:00Z: one hour before the default run.
      FAKE_NOW: '1767229200',
      FAKE_STAMP: '2026-01-01T02-00-00Z',
      FAKE_SLEEPS: '2',
      ...envs,
    },
    encoding: 'utf8',
    cwd: WORK,
    timeout: 30_000,
    // Not a socket on stdin: bash would take itself for a remote shell and read ~/.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function target(name: string): { dir: string; scratch: string } {
  const dir = join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, scratch: join(dir, '.scratch') };
}

describe.skipIf(!hasBash)('backup agent script', () => {
  it('sleeps until HH:MM UTC, backs up into <stamp>.partial, renames it, and sleeps a day', () => {
    const { dir, scratch } = target('daily');
    const run = runAgent(['--from=a:6362', '--type=FULL', '*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch });
    expect(run.status, run.stderr).toBe(0);
    // The stand-in clock stands still at 01:00, so the next run is tomorrow's 02:00.
    expect(calls('sleep')).toEqual([['3600'], ['90000']]);
    expect(calls('neo4j-admin')).toEqual([['database', 'backup', `--to-path=${dir}/2026-01-01T02-00-00Z.partial`, '--from=a:6362', '--type=FULL', '*']]);
    expect(readdirSync(dir).sort()).toEqual(['2026-01-01T02-00-00Z']);
    expect(readdirSync(join(dir, '2026-01-01T02-00-00Z'))).toEqual(['neo4j-artifact.backup']);
    expect(run.stdout).toContain('stopping');
  });

  it('computes the next run in UTC for any time of day', () => {
    const { dir, scratch } = target('clock');
    // 2026-01-01T23:59:30Z with a 00:00 schedule: 30 s; with 23:59: the next day.
    expect((runAgent([], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_AT: '00:00', FAKE_NOW: '1767311970', FAKE_SLEEPS: '1' }), calls('sleep'))).toEqual([['30']]);
    expect((runAgent([], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_AT: '23:59', FAKE_NOW: '1767311970', FAKE_SLEEPS: '1' }), calls('sleep'))).toEqual([['86370']]);
    expect((runAgent([], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_AT: '09:08', FAKE_NOW: '1767229200', FAKE_SLEEPS: '1' }), calls('sleep'))).toEqual([['29280']]);
  });

  it('keeps the newest BACKUP_KEEP stamp folders and touches nothing else', () => {
    const { dir, scratch } = target('prune');
    const old = Array.from({ length: 5 }, (_, i) => `2025-12-2${i}T02-00-00Z`);
    for (const name of [...old, 'notes', '2025-12-01T02-00-00Z.partial', 'not-a-2025-12-01T02-00-00Z']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, '2025-11-01T02-00-00Z'), 'a file, not a backup folder');
    const run = runAgent([], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_KEEP: '3' });
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['2025-11-01T02-00-00Z', '2025-12-23T02-00-00Z', '2025-12-24T02-00-00Z', '2026-01-01T02-00-00Z', 'not-a-2025-12-01T02-00-00Z', 'notes']);
  });

  it('retries a failed backup twice, then deletes the partial folder and keeps every older backup', () => {
    const { dir, scratch } = target('failing');
    for (const name of ['2025-12-30T02-00-00Z', '2025-12-31T02-00-00Z']) mkdirSync(join(dir, name));
    const run = runAgent(['*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_KEEP: '1', FAKE_ADMIN_STATUS: '1', FAKE_SLEEPS: '4' });
    expect(run.status, run.stderr).toBe(0);
    expect(calls('neo4j-admin')).toHaveLength(3);
    expect(calls('sleep')).toEqual([['3600'], ['0'], ['0'], ['90000']]);
    expect(readdirSync(dir).sort()).toEqual(['2025-12-30T02-00-00Z', '2025-12-31T02-00-00Z']);
    expect(run.stderr).toContain("today's backup failed");
  });

  it('writes a cloud backup to <uri><stamp>/ and prunes nothing', () => {
    const { scratch } = target('cloud');
    const run = runAgent(['*'], { BACKUP_TARGET: 's3://bkt/graph-backup/', SCRATCH_DIR: scratch, AWS_ENDPOINT_URL_S3: 'http://minio:9000' });
    expect(run.status, run.stderr).toBe(0);
    expect(calls('neo4j-admin')).toEqual([['database', 'backup', '--to-path=s3://bkt/graph-backup/2026-01-01T02-00-00Z/', '*']]);
  });

  it('hands every argument to neo4j-admin unchanged and executes none of them', () => {
    const { dir, scratch } = target('hostile-args');
    const run = runAgent([...HOSTILE, ...HOSTILE.map((v) => `--from=${v}`)], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, AWS_ENDPOINT_URL_S3: HOSTILE[1]! });
    expect(run.status, run.stderr).toBe(0);
    expect(calls('neo4j-admin')[0]!.slice(3)).toEqual([...HOSTILE, ...HOSTILE.map((v) => `--from=${v}`)]);
    expect(existsSync(SENTINEL)).toBe(false);
  });

  it('refuses hostile inputs before doing anything, and executes none of them', () => {
    const { dir, scratch } = target('hostile-env');
    for (const value of HOSTILE) {
      const variants: Array<Record<string, string>> = [
        { BACKUP_AT: value },
        { BACKUP_KEEP: value },
        { RETRY_DELAY_SECONDS: value },
        { BACKUP_TARGET: value },
        { SCRATCH_DIR: value.startsWith('/') ? '' : value },
      ];
      for (const envs of variants) {
        const run = runAgent(['*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, ...envs });
        expect(run.status, `${JSON.stringify(envs)}: ${run.stdout}`).toBe(1);
        expect(calls('neo4j-admin')).toEqual([]);
        expect(calls('sleep')).toEqual([]);
      }
    }
    for (const bad of ['2:00', '24:00', '12:60', '0 2 * * *', '02:00\n']) {
      expect(runAgent(['*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_AT: bad }).status, bad).toBe(1);
    }
    const largest = runAgent(['*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_KEEP: '2147483647' });
    expect(largest.status, `the largest keep the CRD allows: ${largest.stderr}`).toBe(0);
    for (const bad of ['0', '-1', '1.5', '', '10 ']) {
      expect(runAgent(['*'], { BACKUP_TARGET: dir, SCRATCH_DIR: scratch, BACKUP_KEEP: bad }).status, bad).toBe(1);
    }
    expect(existsSync(SENTINEL)).toBe(false);
  });
});

describe('backup agent: hostile spec values stay inert', () => {
  it('refuses them in the schedule, the bucket and the path; the script stays the constant', () => {
    for (const value of HOSTILE) {
      const findings = [
        backupAgentFindings(withBackups({ schedule: value }).spec as never, 'graph'),
        backupAgentFindings(withBackups({ defaultStorage: { type: 's3', bucket: value } }).spec as never, 'graph'),
        backupAgentFindings(withBackups({ defaultStorage: { type: 'gcs', bucket: 'b', cloud: { credentialsSecretRef: value } } }).spec as never, 'graph'),
      ];
      if (!/^[A-Za-z0-9._~+=,@:%/-]*$/u.test(value)) findings.push(backupAgentFindings(withBackups({ defaultStorage: { type: 's3', bucket: 'bkt', path: value } }).spec as never, 'graph'));
      for (const f of findings) expect(f.errors, value).not.toEqual([]);
    }
    const path = '--to-path=/etc';
    const container = agentContainer(sync(withBackups({ defaultStorage: { type: 's3', bucket: 'bkt', path } })));
    expect(container.command).toEqual(['/bin/bash', '-c', BACKUP_AGENT_SCRIPT, 'neo4j-backup-agent']);
    expect(env(container).BACKUP_TARGET).toBe(`s3://bkt/${path}/`);
    expect(container.args!.some((a) => a.includes(path))).toBe(false);
  });
});
