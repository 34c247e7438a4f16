/**
 * Field-level rules of the standalone reconciler: one assertion per behaviour, on top of the
 * goldens, plus the operator's standalone examples through the admission + hook path.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, PodSpec, Service } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview, PreviewError } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { CONFIG_HASH_ANNOTATION } from '../../lib/cluster/children.js';
import { confEntries } from '../support/rendered-config.js';
import { checkSetting } from '../support/neo4j-settings.js';
import { schemaError } from '../support/k8s-schemas.js';
import { asObserved, LAST_APPLIED } from '../support/invariants.js';
import { HAS_SHARED, operatorExamples } from '../support/shared.js';
import { reconcilerFor } from '../../lib/registry.js';
import {
  clusteringKeyError,
  DBMS_MODE_ERROR,
  STANDALONE_CLUSTERING_KEYS,
  validateStandalone,
} from '../../lib/standalone/validate.js';
import type { Standalone } from '../../lib/standalone/model.js';

const now = new Date('2026-01-01T00:00:00Z');

function standalone(spec: Record<string, unknown> = {}, extra: { generation?: number; status?: Record<string, unknown> } = {}) {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name: 's', namespace: 'ns', uid: 'uid-s', generation: extra.generation ?? 1 },
    spec: {
      image: { repo: 'neo4j', tag: '2025.06.0-enterprise' },
      storage: { className: 'standard', size: '10Gi' },
      ...spec,
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

type Doc = ReturnType<typeof standalone>;

function render(doc: Doc, observed: K8sObject[] = []) {
  return preview(doc, observed, { now }).response;
}

function child<T>(children: K8sObject[], kind: string, name: string): T {
  const found = children.find((c) => c.kind === kind && c.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${children.map((c) => `${c.kind}/${c.metadata.name}`).join(', ')}`);
  return found as unknown as T;
}

const sts = (children: K8sObject[]) => child<StatefulSet & K8sObject>(children, 'StatefulSet', 's');
const pod = (children: K8sObject[]) => sts(children).spec!.template.spec as PodSpec;
const container = (children: K8sObject[]) => pod(children).containers[0] as Container;
const files = (children: K8sObject[]) => child<ConfigMap>(children, 'ConfigMap', 's-config').data!;
const conf = (children: K8sObject[]) => files(children)['neo4j.conf']!;
const settings = (children: K8sObject[]) => Object.fromEntries(confEntries(conf(children)).map((e) => [e.key, e.value]));
const hash = (children: K8sObject[]) => sts(children).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];
const service = (children: K8sObject[], name = 's-service') => child<Service>(children, 'Service', name);

/** The children as Metacontroller observes them after applying, the StatefulSet reporting `ready` ready pods. */
function applied(children: K8sObject[], parent: Doc, ready: number): K8sObject[] {
  return children.map((c, i) => {
    const o = asObserved(c, parent as unknown as K8sObject, i);
    if (c.kind !== 'StatefulSet') return o;
    return { ...o, metadata: { ...o.metadata, generation: 1 }, status: { observedGeneration: 1, replicas: 1, readyReplicas: ready, updatedReplicas: 1, currentRevision: 'r1', updateRevision: 'r1' } };
  });
}

/** Validation of a spec the API server would admit as is (no defaults applied). */
function validate(spec: Record<string, unknown>) {
  return validateStandalone(standalone(spec) as unknown as Standalone);
}

describe('registration', () => {
  it('serves neo4jenterprisestandalones from the registry', () => {
    expect(reconcilerFor('neo4jenterprisestandalones')?.kind.kind).toBe('Neo4jEnterpriseStandalone');
    expect(reconcilerFor('neo4jenterprisestandalones')?.children.map((c) => c.kind)).toEqual([
      'Certificate',
      'ExternalSecret',
      'ConfigMap',
      'Service',
      'StatefulSet',
      'Ingress',
      'ServiceMonitor',
      'PrometheusRule',
    ]);
  });
});

describe('children and names', () => {
  it('emits the operator-named ConfigMap, Service and StatefulSet, a headless Service, and no PodDisruptionBudget', () => {
    const ids = render(standalone()).children.map((c) => `${c.kind}/${c.metadata.name}`);
    expect(ids).toEqual(['ConfigMap/s-config', 'Service/s-headless', 'Service/s-service', 'StatefulSet/s']);
  });

  it('labels every child with the operator standalone labels', () => {
    const labels = {
      'app.kubernetes.io/name': 'neo4j',
      'app.kubernetes.io/instance': 's',
      'app.kubernetes.io/component': 'standalone',
      'app.kubernetes.io/managed-by': 'neo4j-operator',
    };
    for (const c of render(standalone()).children) expect(c.metadata.labels, `${c.kind}/${c.metadata.name}`).toEqual(labels);
  });

  it('runs one pod from StatefulSet s, governed by s-headless, with the data claim neo4j-data', () => {
    const set = sts(render(standalone()).children).spec!;
    expect(set.replicas).toBe(1);
    expect(set.serviceName).toBe('s-headless');
    expect(set.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(set.volumeClaimTemplates).toHaveLength(1);
    const claim = set.volumeClaimTemplates![0]!;
    expect(claim.metadata!.name).toBe('neo4j-data');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } });
    expect(container(render(standalone()).children).volumeMounts).toContainEqual({ name: 'neo4j-data', mountPath: '/data' });
  });
});

describe('selector and Services', () => {
  it('selects the pod with the operator selector app=<s>, which the pod labels match', () => {
    const { children } = render(standalone());
    const selector = sts(children).spec!.selector.matchLabels!;
    expect(selector).toEqual({ app: 's' });
    const podLabels = sts(children).spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    for (const svc of children.filter((c) => c.kind === 'Service') as unknown as Service[]) expect(svc.spec!.selector).toEqual(selector);
  });

  it('client Service s-service has http and bolt only; the backup port is only on the headless Service', () => {
    const { children } = render(standalone());
    const ports = (name: string) => service(children, name).spec!.ports!.map((p) => `${p.name}:${p.port}:${String(p.targetPort)}`);
    expect(ports('s-service')).toEqual(['http:7474:7474', 'bolt:7687:7687']);
    expect(ports('s-headless')).toEqual(['http:7474:7474', 'bolt:7687:7687', 'backup:6362:6362']);
    expect(service(children, 's-headless').spec!.clusterIP).toBe('None');
    expect(service(children, 's-headless').spec).not.toHaveProperty('publishNotReadyAddresses');
  });

  it('client Service takes type and options from spec.service, only those valid for the type', () => {
    const svc = (spec: Record<string, unknown>) => service(render(standalone({ service: spec })).children);
    const lb = svc({ type: 'LoadBalancer', loadBalancerIP: '1.2.3.4', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local', annotations: { a: 'b' } });
    expect(lb.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '1.2.3.4', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' });
    expect(lb.metadata!.annotations).toEqual({ a: 'b' });
    const nodePort = svc({ type: 'NodePort', loadBalancerIP: '1.2.3.4', externalTrafficPolicy: 'Local' });
    expect(nodePort.spec!.type).toBe('NodePort');
    expect(nodePort.spec!.externalTrafficPolicy).toBe('Local');
    expect(nodePort.spec).not.toHaveProperty('loadBalancerIP');
    const clusterIp = svc({ externalTrafficPolicy: 'Local' });
    expect(clusterIp.spec!.type).toBe('ClusterIP');
    expect(clusterIp.spec).not.toHaveProperty('externalTrafficPolicy');
    expect(service(render(standalone()).children, 's-headless').metadata!.annotations).toBeUndefined();
  });

  it('declares the http, bolt and backup container ports', () => {
    expect(container(render(standalone()).children).ports).toEqual([
      { name: 'http', containerPort: 7474 },
      { name: 'bolt', containerPort: 7687 },
      { name: 'backup', containerPort: 6362 },
    ]);
  });
});

describe('the pod', () => {
  it('runs non-root as 7474 with fsGroup, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped', () => {
    const { children } = render(standalone());
    expect(pod(children).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 7474,
      runAsGroup: 7474,
      fsGroup: 7474,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(children).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 7474,
      runAsGroup: 7474,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod(children).automountServiceAccountToken).toBe(false);
    expect(pod(children)).not.toHaveProperty('serviceAccountName');
  });

  it('has meaningful probes: startup and readiness run health.sh (Bolt and HTTP), liveness checks Bolt', () => {
    const { children } = render(standalone());
    const c = container(children);
    const health = { exec: { command: ['/bin/bash', '/neo4j-hooks/health.sh'] } };
    expect(c.startupProbe).toMatchObject({ ...health, failureThreshold: 90, periodSeconds: 10 });
    expect(c.readinessProbe).toMatchObject(health);
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 7687 } });
    const script = files(children)['health.sh']!;
    expect(script).toContain('/dev/tcp/127.0.0.1/7687');
    expect(script).toContain('http://127.0.0.1:7474/');
  });

  it('starts through startup.sh from the read-only ConfigMap, which installs neo4j.conf and passes credentials from the environment', () => {
    const { children } = render(standalone());
    const c = container(children);
    expect(c.command).toEqual(['tini', '-g', '--', '/bin/bash', '/neo4j-hooks/startup.sh']);
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/neo4j-hooks', readOnly: true });
    expect(pod(children).volumes).toContainEqual({ name: 'config', configMap: { name: 's-config', defaultMode: 0o440 } });
    const script = files(children)['startup.sh']!;
    expect(script).toContain('cat /neo4j-hooks/neo4j.conf');
    expect(script).toContain('export NEO4J_AUTH="${DB_USERNAME}/${DB_PASSWORD}"');
    expect(script).toContain('exec /startup/docker-entrypoint.sh neo4j');
    expect(Object.keys(files(children)).sort()).toEqual(['health.sh', 'neo4j.conf', 'startup.sh']);
  });

  it('references the admin Secret (default neo4j-admin-secret) and never carries a secret value', () => {
    const ref = (spec: Record<string, unknown>) =>
      container(render(standalone(spec)).children).env!.filter((e) => e.valueFrom).map((e) => `${e.name}=${e.valueFrom!.secretKeyRef!.name}/${e.valueFrom!.secretKeyRef!.key}`);
    expect(ref({})).toEqual(['DB_USERNAME=neo4j-admin-secret/username', 'DB_PASSWORD=neo4j-admin-secret/password']);
    expect(ref({ auth: { adminSecret: 'mine' } })).toEqual(['DB_USERNAME=mine/username', 'DB_PASSWORD=mine/password']);
  });

  it('drops NEO4J_AUTH and NEO4J_ACCEPT_LICENSE_AGREEMENT from spec.env with a warning, keeps the rest in order', () => {
    const env = [
      { name: 'NEO4J_AUTH', value: 'neo4j/secret123' },
      { name: 'A', value: '1' },
      { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'eval' },
      { name: 'B', value: '2' },
    ];
    const { children, status } = render(standalone({ env }));
    const names = container(children).env!.map((e) => `${e.name}=${e.value ?? '<secret>'}`);
    expect(names).toEqual(['NEO4J_EDITION=enterprise', 'NEO4J_ACCEPT_LICENSE_AGREEMENT=yes', 'DB_USERNAME=<secret>', 'DB_PASSWORD=<secret>', 'A=1', 'B=2']);
    expect(JSON.stringify(children)).not.toContain('secret123');
    expect(status.warnings).toEqual([
      'spec.env entry NEO4J_AUTH is ignored because neo4j-hooks sets NEO4J_AUTH itself',
      'spec.env entry NEO4J_ACCEPT_LICENSE_AGREEMENT is ignored because neo4j-hooks sets NEO4J_ACCEPT_LICENSE_AGREEMENT itself',
    ]);
  });

  it('copies image, pull policy, pull secrets, scheduling and resources (default 2Gi limit as for clusters)', () => {
    const spec = {
      image: { repo: 'r.example/neo4j', tag: '5.26.3', pullPolicy: 'Always', pullSecrets: ['creds'] },
      nodeSelector: { pool: 'db' },
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: { podAntiAffinity: {} },
    };
    const { children } = render(standalone(spec));
    expect(container(children).image).toBe('r.example/neo4j:5.26.3');
    expect(container(children).imagePullPolicy).toBe('Always');
    expect(pod(children).imagePullSecrets).toEqual([{ name: 'creds' }]);
    expect(pod(children).nodeSelector).toEqual({ pool: 'db' });
    expect(pod(children).tolerations).toEqual([{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod(children).affinity).toEqual({ podAntiAffinity: {} });
    expect(container(render(standalone()).children).imagePullPolicy).toBe('IfNotPresent');
    expect(container(render(standalone()).children).resources).toEqual({ limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  });
});

describe('neo4j.conf', () => {
  it('listens on all interfaces, advertises the client Service FQDN, and serves remote backups on 6362', () => {
    const s = settings(render(standalone()).children);
    expect(s).toMatchObject({
      'server.default_listen_address': '0.0.0.0',
      'server.default_advertised_address': 's-service.ns.svc.cluster.local',
      'server.bolt.listen_address': '0.0.0.0:7687',
      'server.http.listen_address': '0.0.0.0:7474',
      'server.backup.enabled': 'true',
      'server.backup.listen_address': '0.0.0.0:6362',
      'server.directories.data': '/data',
      'server.config.strict_validation.enabled': 'false',
    });
  });

  it('writes no discovery, cluster, routing or kubernetes settings', () => {
    for (const tag of ['5.26.0', '2025.01.0', '2026.03.1']) {
      const keys = confEntries(conf(render(standalone({ image: { repo: 'neo4j', tag } })).children)).map((e) => e.key);
      expect(keys.filter((k) => /^(dbms\.cluster|server\.cluster|server\.routing|dbms\.routing|dbms\.kubernetes|server\.discovery|initial\.)/u.test(k)), tag).toEqual([]);
    }
  });

  it('sizes memory from the container limit as for clusters; user values win', () => {
    const mem = (spec: Record<string, unknown>) => {
      const s = settings(render(standalone(spec)).children);
      return [s['server.memory.heap.initial_size'], s['server.memory.heap.max_size'], s['server.memory.pagecache.size']];
    };
    expect(mem({})).toEqual(['1G', '1G', '512M']);
    expect(mem({ resources: { limits: { memory: '8Gi' } } })).toEqual(['5G', '5G', '2G']);
    expect(mem({ resources: { limits: { memory: '16Gi' } } })).toEqual(['10G', '10G', '5G']);
    expect(mem({ resources: { limits: { memory: '8Gi' } }, config: { 'server.memory.heap.max_size': '3g', 'server.memory.pagecache.size': '2g' } })).toEqual(['3g', '3g', '2g']);
    const text = conf(render(standalone({ resources: { limits: { memory: '8Gi' } }, config: { 'server.memory.heap.max_size': '3g' } })).children);
    expect(text.match(/^server\.memory\.heap\.max_size=/gmu)).toHaveLength(1);
  });

  it('appends spec.config sorted; a user value replaces the hook default; a repeated owned value is written once with a warning', () => {
    const { children, status } = render(standalone({ config: { 'z.setting': '1', 'db.format': 'aligned', 'server.bolt.listen_address': '0.0.0.0:7687', 'a.setting': '2' } }));
    const entries = confEntries(conf(children));
    expect(entries.filter((e) => e.section === '# spec.config').map((e) => `${e.key}=${e.value}`)).toEqual(['a.setting=2', 'db.format=aligned', 'z.setting=1']);
    expect(entries.filter((e) => e.key === 'db.format')).toHaveLength(1);
    expect(entries.filter((e) => e.key === 'server.bolt.listen_address')).toHaveLength(1);
    expect(status.phase).toBe('Pending');
    expect(status.warnings).toEqual(['spec.config key server.bolt.listen_address repeats the value neo4j-hooks sets (0.0.0.0:7687); it is written once']);
  });

  it.skipIf(!HAS_SHARED)('writes only documented settings of the image line, each once (server.jvm.additional aside)', () => {
    for (const tag of ['5.26.0-enterprise', '5.26.12', '2025.01.0-enterprise', '2025.10.1', '2026.02.1-enterprise']) {
      const text = conf(render(standalone({ image: { repo: 'neo4j', tag }, config: { 'db.transaction.timeout': '5s' } })).children);
      const hookKeys = confEntries(text)
        .filter((e) => e.section !== '# spec.config')
        .map((e) => e.key);
      const line = tag.startsWith('5.26') ? ('5.26' as const) : ('calver' as const);
      for (const key of new Set(hookKeys)) expect(checkSetting(key, { line, raw: tag }), `${key} on ${tag}`).toMatchObject({ documented: true });
      const repeated = hookKeys.filter((k, i) => k !== 'server.jvm.additional' && hookKeys.indexOf(k) !== i);
      expect(repeated, tag).toEqual([]);
    }
  });
});

describe('config hash', () => {
  it('changes when the configuration changes and not otherwise', () => {
    const base = hash(render(standalone()).children);
    expect(base).toMatch(/^[0-9a-f]{16}$/u);
    expect(hash(render(standalone()).children)).toBe(base);
    expect(hash(render(standalone({ config: { 'db.transaction.timeout': '10s' } })).children)).not.toBe(base);
    expect(hash(render(standalone({ resources: { limits: { memory: '4Gi' } } })).children)).not.toBe(base);
    for (const spec of [
      { service: { type: 'LoadBalancer' } },
      { storage: { className: 'standard', size: '20Gi' } },
      { env: [{ name: 'X', value: '1' }] },
      { nodeSelector: { a: 'b' } },
      { auth: { adminSecret: 'other' } },
      { persistence: { retentionPolicy: 'Retain' } },
      { resources: { limits: { cpu: '3', memory: '2Gi' }, requests: { cpu: '1', memory: '1Gi' } } },
    ]) {
      expect(hash(render(standalone(spec)).children), JSON.stringify(spec)).toBe(base);
    }
  });
});

describe('PVC retention', () => {
  const policy = (spec: Record<string, unknown>) => sts(render(standalone(spec)).children).spec!.persistentVolumeClaimRetentionPolicy;

  it('defaults to Delete, as the CRD says, and follows spec.persistence.retentionPolicy', () => {
    expect(policy({})).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    expect(policy({ persistence: {} })).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    expect(policy({ persistence: { retentionPolicy: 'Retain' } })).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('keeps the volume when spec.storage.retentionPolicy says Retain, with a warning naming the right field', () => {
    expect(policy({ storage: { className: 'standard', size: '10Gi', retentionPolicy: 'Retain' } })!.whenDeleted).toBe('Retain');
    const { status } = render(standalone({ storage: { className: 'standard', size: '10Gi', retentionPolicy: 'Retain' } }));
    expect((status.warnings as string[])[0]).toMatch(/spec\.persistence\.retentionPolicy/u);
  });

  it('takes the access modes from spec.persistence, and keeps data on a PVC even with persistence.enabled false', () => {
    const { children, status } = render(standalone({ persistence: { enabled: false, accessModes: ['ReadWriteOncePod'] } }));
    expect(sts(children).spec!.volumeClaimTemplates![0]!.spec!.accessModes).toEqual(['ReadWriteOncePod']);
    expect((status.warnings as string[]).some((w) => w.startsWith('spec.persistence.enabled is false'))).toBe(true);
  });
});

describe('validation (operator §7.2 messages)', () => {
  it('refuses every clustering key the operator refused, and dbms.mode, with its messages', () => {
    for (const key of STANDALONE_CLUSTERING_KEYS) {
      expect(validate({ config: { [key]: 'x' } }).errors, key).toEqual([`clustering configuration '${key}' is not allowed in standalone deployments`]);
    }
    expect(validate({ config: { 'dbms.mode': 'SINGLE' } }).errors).toEqual([
      'dbms.mode is deprecated in Neo4j 5.x+ and should not be used. Remove this setting for Neo4j 5.26+ deployments',
    ]);
    expect(DBMS_MODE_ERROR).toContain('dbms.mode is deprecated in Neo4j 5.x+');
    expect(STANDALONE_CLUSTERING_KEYS).toHaveLength(14);
  });

  it('refuses the other discovery and formation settings with the same clustering message', () => {
    for (const key of ['dbms.cluster.endpoints', 'dbms.cluster.discovery.resolver_type', 'dbms.kubernetes.label_selector', 'initial.server.mode_constraint', 'server.cluster.listen_address', 'server.discovery.advertised_address']) {
      expect(validate({ config: { [key]: 'x' } }).errors, key).toEqual([clusteringKeyError(key)]);
    }
  });

  it('refuses an owned setting with another value than the hook writes', () => {
    expect(validate({ config: { 'server.bolt.listen_address': '0.0.0.0:7688' } }).errors).toEqual([
      'spec.config key server.bolt.listen_address is managed by neo4j-hooks (listen and advertised addresses); remove it',
    ]);
    expect(validate({ config: { 'server.directories.data': '/elsewhere' } }).errors).toEqual([
      'spec.config key server.directories.data is managed by neo4j-hooks (the data, logs and plugins directories); remove it',
    ]);
    expect(validate({ config: { 'server.default_advertised_address': 's-service.ns.svc.cluster.local' } })).toEqual({
      errors: [],
      warnings: ['spec.config key server.default_advertised_address repeats the value neo4j-hooks sets (s-service.ns.svc.cluster.local); it is written once'],
    });
  });

  it('refuses malformed keys and values that would corrupt neo4j.conf, and warns about 4.x names', () => {
    expect(validate({ config: { '': 'x' } }).errors).toEqual(['spec.config has an empty key: every neo4j.conf setting needs a name']);
    expect(validate({ config: { 'a b': 'x' } }).errors[0]).toMatch(/must not contain "=" or whitespace/u);
    expect(validate({ config: { 'db.x': 'a\nb' } }).errors).toEqual(['spec.config value of "db.x" contains a line break, which would corrupt neo4j.conf']);
    expect(validate({ config: { 'dbms.logs.query.enabled': 'true' } }).warnings[0]).toMatch(/Neo4j 4\.x setting .*db\.logs\.query/u);
  });

  it('accepts every supported version: 5.26.x and calendar versions from 2025.01, 2026.x included', () => {
    for (const tag of ['5.26', '5.26.0-enterprise', '5.26.19-ubi9', '2025.01.0', '2025.12.1-enterprise', '2026.01.0-enterprise', '2026.04.2']) {
      expect(validate({ image: { repo: 'neo4j', tag } }).errors, tag).toEqual([]);
    }
  });

  it('rejects other versions with the operator standalone message and why', () => {
    for (const tag of ['5.25.0', '5.27.0', '4.4.30-enterprise', '2024.12.0', 'latest']) {
      const [error] = validate({ image: { repo: 'neo4j', tag } }).errors;
      expect(error, tag).toMatch(new RegExp(`^Neo4j version must be 5\\.26\\+ \\(semver\\) or 2025\\.01\\+ \\(calver\\), got: ${tag.replace(/\./gu, '\\.')}: `, 'u'));
    }
  });

  it('requires image and storage fields with the operator messages, and a valid size and pull policy', () => {
    expect(validate({ image: { repo: '', tag: '' } }).errors).toEqual(['image repository is required', 'image tag is required']);
    expect(validate({ storage: { className: '', size: '' } }).errors).toEqual(['storage class name is required', 'storage size is required']);
    expect(validate({ storage: { className: 'x', size: '10 gigs' } }).errors[0]).toMatch(/^spec\.storage\.size is not a valid storage quantity/u);
    expect(validate({ image: { repo: 'neo4j', tag: '5.26.0', pullPolicy: 'Sometimes' } }).errors).toEqual([
      'spec.image.pullPolicy must be Always, Never or IfNotPresent, got "Sometimes"',
    ]);
  });

  it('checks TLS and auth with the operator messages', () => {
    expect(validate({ tls: { mode: 'manual' } }).errors).toEqual(["TLS mode must be 'cert-manager' or 'disabled'"]);
    expect(validate({ tls: { mode: 'cert-manager' } }).errors).toEqual(["issuer reference is required when TLS mode is 'cert-manager'"]);
    expect(validate({ tls: { mode: 'cert-manager', issuerRef: { name: '' } } }).errors).toEqual(['issuer name is required']);
    expect(validate({ tls: { mode: 'cert-manager', issuerRef: { name: 'ca' }, duration: '90d' } }).errors[0]).toMatch(/^invalid duration format for spec\.tls\.duration/u);
    expect(validate({ tls: { mode: 'disabled' } })).toEqual({ errors: [], warnings: [] });
    expect(validate({ auth: { provider: 'saml' } }).errors).toEqual(['auth provider must be one of: native, ldap, kerberos, jwt']);
    // The operator's standalone never required secretRef for a non-native provider.
    expect(validate({ auth: { provider: 'ldap' } }).errors).toEqual([]);
  });

  it('checks memory settings against the container limit as for clusters', () => {
    const { errors } = validate({ resources: { limits: { memory: '2Gi' } }, config: { 'server.memory.heap.max_size': '2g', 'server.memory.pagecache.size': '1g' } });
    expect(errors[0]).toMatch(/plus system overhead exceeds container memory limit/u);
    expect(validate({ resources: { limits: { memory: '512Mi' } } }).errors).toEqual([
      'Neo4j Enterprise requires at least 1.0Gi of memory',
      'Memory allocation is below minimum operational requirement. Current: 512.0Mi, Required minimum: 1.0Gi',
    ]);
  });

  it('renders TLS, Ingress and External Secrets without a not-implemented warning (details: standalone-features.test.ts)', () => {
    const { children, status } = render(standalone({ tls: { mode: 'cert-manager', issuerRef: { name: 'ca' } }, service: { ingress: { enabled: true, host: 'h' } } }));
    expect(status.warnings).toBeUndefined();
    expect(service(children).spec!.ports!.map((p) => p.port)).toEqual([7474, 7687, 7473]);
    expect((status.endpoints as Record<string, unknown>).https).toBe('https://s-service.ns.svc.cluster.local:7473');
    expect(children.map((c) => c.kind)).toEqual(['Certificate', 'ConfigMap', 'Service', 'Service', 'StatefulSet', 'Ingress']);
    const es = { enabled: true, secretStoreRef: { name: 'vault' }, data: [{ secretKey: 'password', remoteRef: { key: 'neo4j' } }] };
    expect(validate({ auth: { externalSecrets: es } }).warnings).toEqual([]);
  });
});

describe('invalid spec', () => {
  const bad = { config: { 'dbms.mode': 'SINGLE' } };

  it('sets phase Failed with the Ready condition False (reason ValidationFailed) and no resync', () => {
    const response = render(standalone(bad));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.ready).toBe(false);
    expect(response.status.message).toBe(`Validation failed: ${DBMS_MODE_ERROR}`);
    const conditions = response.status.conditions as Array<Record<string, unknown>>;
    expect(conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'ValidationFailed' });
    expect(conditions[1]).toMatchObject({ type: 'Progressing', status: 'False', reason: 'ValidationFailed' });
    expect(response.resyncAfterSeconds).toBeUndefined();
    expect(response.children).toEqual([]);
  });

  it('freezes the children of a live standalone exactly as last applied', () => {
    const good = standalone();
    const observed = applied(render(good).children, good, 1);
    const response = render(standalone({ ...bad, resources: { limits: { memory: '4Gi' } } }, { generation: 2 }), observed);
    expect(response.status.phase).toBe('Failed');
    expect(response.children).toEqual(observed.map((o) => JSON.parse(o.metadata.annotations![LAST_APPLIED]!)));
  });
});

describe('upgrades', () => {
  const running = (tag: string) => {
    const doc = standalone({ image: { repo: 'neo4j', tag } });
    return applied(render(doc).children, doc, 1);
  };

  it('refuses a downgrade against the running image: the image is kept and status says why', () => {
    const response = render(standalone({ image: { repo: 'neo4j', tag: '5.26.0-enterprise' } }, { generation: 2 }), running('2025.06.0-enterprise'));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toBe(
      'Validation failed: image tag change from 2025.06.0-enterprise to 5.26.0-enterprise refused: downgrade from 2025.06.0 to 5.26.0 is not supported',
    );
    expect(container(response.children).image).toBe('neo4j:2025.06.0-enterprise');
    expect(response.status.version).toBe('2025.06.0-enterprise');
  });

  it('rolls an allowed upgrade (5.26 → 2026.x) with a new hash, reporting the running version until it completes', () => {
    const observed = running('5.26.0-enterprise');
    const response = render(standalone({ image: { repo: 'neo4j', tag: '2026.01.0-enterprise' } }, { generation: 2 }), observed);
    expect(response.status.phase).toBe('Ready');
    expect(container(response.children).image).toBe('neo4j:2026.01.0-enterprise');
    expect(hash(response.children)).not.toBe(hash(observed));
    expect(response.status.version).toBe('5.26.0-enterprise');
    expect((response.status.conditions as Array<Record<string, unknown>>)[1]).toMatchObject({ type: 'Progressing', status: 'True', reason: 'RollingUpdate' });
    expect(response.resyncAfterSeconds).toBe(15);
  });
});

describe('status', () => {
  const readyCondition = (status: Record<string, unknown>) => (status.conditions as Array<Record<string, unknown>>).find((c) => c.type === 'Ready');

  it('is Pending, not ready, with the Ready condition False and a resync until the pod is ready', () => {
    const doc = standalone();
    for (const observed of [[], applied(render(doc).children, doc, 0)]) {
      const response = render(doc, observed);
      expect(response.status).toMatchObject({ phase: 'Pending', message: 'Waiting for standalone deployment to be ready', ready: false });
      expect(readyCondition(response.status)).toMatchObject({ status: 'False', reason: 'Pending' });
      expect(response.resyncAfterSeconds).toBe(15);
    }
  });

  it('is Ready with the Ready condition True only when the pod is ready, then settles with no resync', () => {
    const doc = standalone();
    const response = render(doc, applied(render(doc).children, doc, 1));
    expect(response.status).toMatchObject({ phase: 'Ready', message: 'Standalone deployment is ready', ready: true, version: '2025.06.0-enterprise', observedGeneration: 1 });
    expect(readyCondition(response.status)).toMatchObject({ status: 'True', reason: 'Ready', observedGeneration: 1 });
    expect(response.resyncAfterSeconds).toBeUndefined();
  });

  it('carries lastTransitionTime over while a condition keeps its status', () => {
    const doc = standalone();
    const observed = applied(render(doc).children, doc, 1);
    const first = render(doc, observed).status;
    const later = preview(standalone({}, { status: first }), observed, { now: new Date('2026-02-01T00:00:00Z') }).response.status;
    expect(later.conditions).toEqual(first.conditions);
  });

  it('reports a configuration change on a ready server as a rolling update with a resync', () => {
    const doc = standalone();
    const observed = applied(render(doc).children, doc, 1);
    const response = render(standalone({ config: { 'db.transaction.timeout': '5s' } }), observed);
    expect(response.status.phase).toBe('Ready');
    expect((response.status.conditions as Array<Record<string, unknown>>)[1]).toMatchObject({ status: 'True', reason: 'RollingUpdate' });
    expect(response.resyncAfterSeconds).toBe(15);
  });

  it('reports bolt and http endpoints of the client Service (https only with TLS)', () => {
    const endpoints = render(standalone()).status.endpoints as Record<string, unknown>;
    expect(endpoints).toMatchObject({
      bolt: 'bolt://s-service.ns.svc.cluster.local:7687',
      http: 'http://s-service.ns.svc.cluster.local:7474',
      internal: { headless: 's-headless.ns.svc.cluster.local', client: 's-service.ns.svc.cluster.local' },
    });
    expect(endpoints).not.toHaveProperty('https');
  });
});

describe('existing StatefulSets', () => {
  it('keeps an operator-made StatefulSet immutable fields (no serviceName, its claim) and reports a storage change', () => {
    const doc = standalone();
    const observed = applied(render(doc).children, doc, 1).map((o) => {
      if (o.kind !== 'StatefulSet') return o;
      const { [LAST_APPLIED]: _dropped, ...annotations } = o.metadata.annotations!;
      const spec = structuredClone((o as unknown as StatefulSet).spec!);
      delete (spec as { serviceName?: string }).serviceName;
      spec.volumeClaimTemplates![0]!.spec!.resources = { requests: { storage: '5Gi' } };
      (spec.volumeClaimTemplates![0]!.spec as Record<string, unknown>).volumeMode = 'Filesystem';
      return { ...o, metadata: { ...o.metadata, annotations }, spec: { ...spec, serviceName: '' } };
    });
    const response = render(doc, observed);
    const set = sts(response.children).spec!;
    expect(set.serviceName).toBe('');
    expect(set.volumeClaimTemplates![0]!.spec!.resources).toEqual({ requests: { storage: '5Gi' } });
    expect(response.status.warnings).toEqual([
      'spec.storage and spec.persistence.accessModes changes cannot be applied to StatefulSet s: its volumeClaimTemplates are immutable, so the server keeps its existing volume (expand PVC neo4j-data-s-0 directly if the StorageClass allows it)',
    ]);
  });

  it('does not report server-side defaults of the claim template as a change', () => {
    const doc = standalone();
    const observed = applied(render(doc).children, doc, 1).map((o) => {
      if (o.kind !== 'StatefulSet') return o;
      const { [LAST_APPLIED]: _dropped, ...annotations } = o.metadata.annotations!;
      const spec = structuredClone((o as unknown as StatefulSet).spec!);
      (spec.volumeClaimTemplates![0]!.spec as Record<string, unknown>).volumeMode = 'Filesystem';
      return { ...o, metadata: { ...o.metadata, annotations }, spec };
    });
    expect(render(doc, observed).status.warnings).toBeUndefined();
  });
});

describe.skipIf(!HAS_SHARED)('operator examples', () => {
  const examples = HAS_SHARED ? operatorExamples().filter((e) => e.doc.kind === 'Neo4jEnterpriseStandalone') : [];

  it('covers the 5 Neo4jEnterpriseStandalone documents of the corpus', () => {
    expect(examples).toHaveLength(5);
  });

  for (const { id, doc } of examples) {
    it(`${id} renders schema-valid children or a clear validation error`, () => {
      let response;
      try {
        response = preview(doc, [], { now }).response;
      } catch (error) {
        // Rejected at admission: the hook never sees it, and the reason names the problem.
        expect(error).toBeInstanceOf(PreviewError);
        expect((error as Error).message).toMatch(/invalid|unknown kind|apiVersion/u);
        return;
      }
      if (response.status.phase === 'Failed') {
        expect(String(response.status.message)).toMatch(/^Validation failed: ./u);
        expect(response.children).toEqual([]);
        return;
      }
      expect(response.status.phase).toBe('Pending');
      // tls-standalone.yaml asks for cert-manager TLS (a Certificate first); single-node-standalone.yaml
      // for query monitoring (a metrics Service and a ServiceMonitor).
      const spec = doc.spec as { tls?: { mode?: string }; queryMonitoring?: { enabled?: boolean } };
      const tls = spec.tls?.mode === 'cert-manager';
      const monitoring = spec.queryMonitoring !== undefined && spec.queryMonitoring.enabled !== false;
      expect(response.children.map((c) => c.kind)).toEqual([
        ...(tls ? ['Certificate'] : []),
        'ConfigMap',
        ...(monitoring ? ['Service'] : []),
        'Service',
        'Service',
        'StatefulSet',
        ...(monitoring ? ['ServiceMonitor'] : []),
      ]);
      for (const c of response.children) expect(schemaError(c), `${c.kind}/${c.metadata.name}`).toBeUndefined();
    });
  }
});
