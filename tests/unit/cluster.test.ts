/**
 * Field-level rules of the cluster reconciler: one assertion per behaviour, on top of the goldens.
 */
import { describe, expect, it } from 'vitest';
import type { Container, Service } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview } from '../../lib/hook/preview.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { CONFIG_HASH_ANNOTATION } from '../../lib/cluster/children.js';
import { asObserved } from '../support/applied.js';

const now = new Date('2026-01-01T00:00:00Z');

function cluster(spec: Record<string, unknown> = {}, name = 'g', generation = 1) {
  return {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseCluster',
    metadata: { name, namespace: 'ns', uid: 'uid-1', generation },
    spec: {
      image: { repo: 'neo4j', tag: '2025.06.0-enterprise' },
      topology: { servers: 3 },
      storage: { className: 'standard', size: '10Gi' },
      ...spec,
    },
  };
}

function render(doc: ReturnType<typeof cluster>, observed: K8sObject[] = []) {
  return preview(doc, observed, { now }).response;
}

function child<T>(children: K8sObject[], kind: string, name: string): T {
  const found = children.find((c) => c.kind === kind && c.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${children.map((c) => `${c.kind}/${c.metadata.name}`).join(', ')}`);
  return found as unknown as T;
}

const sts = (children: K8sObject[]) => child<StatefulSet & K8sObject>(children, 'StatefulSet', 'g-server');
const container = (children: K8sObject[]) => sts(children).spec!.template.spec!.containers[0] as Container;
const conf = (children: K8sObject[]) => child<{ data: Record<string, string> }>(children, 'ConfigMap', 'g-config').data;

/** The children as Metacontroller observes them after applying, with the StatefulSet reporting `ready` ready servers. */
function applied(children: K8sObject[], parent: ReturnType<typeof cluster>, ready: number): K8sObject[] {
  return children.map((c, i) => {
    const o = asObserved(c, parent as unknown as K8sObject, i);
    if (c.kind !== 'StatefulSet') return o;
    const replicas = (c as unknown as StatefulSet).spec!.replicas!;
    return { ...o, metadata: { ...o.metadata, generation: 1 }, status: { observedGeneration: 1, replicas, readyReplicas: ready, updatedReplicas: replicas, currentRevision: 'r1', updateRevision: 'r1' } };
  });
}

describe('children and names', () => {
  it('emits the operator-named child set, and no Role or RoleBinding', () => {
    const ids = render(cluster()).children.map((c) => `${c.kind}/${c.metadata.name}`);
    expect(ids).toEqual([
      'ConfigMap/g-config',
      'ServiceAccount/g-discovery',
      'Service/g-client',
      'Service/g-discovery',
      'Service/g-headless',
      'Service/g-internals',
      'StatefulSet/g-server',
      'PodDisruptionBudget/g-server',
    ]);
  });

  it('gives the pods no API credentials (discovery needs none)', () => {
    const { children } = render(cluster());
    expect(child<{ automountServiceAccountToken: boolean }>(children, 'ServiceAccount', 'g-discovery').automountServiceAccountToken).toBe(false);
    expect(sts(children).spec!.template.spec!.automountServiceAccountToken).toBe(false);
    expect(sts(children).spec!.template.spec!.serviceAccountName).toBe('g-discovery');
  });
});

describe('services', () => {
  it('select exactly the StatefulSet pods, never other pods of the cluster', () => {
    const { children } = render(cluster());
    const podLabels = sts(children).spec!.template.metadata!.labels!;
    const selector = sts(children).spec!.selector.matchLabels!;
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    for (const svc of children.filter((c) => c.kind === 'Service') as unknown as Service[]) {
      expect(svc.spec!.selector, svc.metadata!.name).toEqual(selector);
      expect(svc.spec!.selector!['neo4j.com/server-name']).toBe('server');
    }
  });

  it('headless publishes not-ready pods with clusterIP None; discovery and internals are on 6000, not 5000', () => {
    const { children } = render(cluster());
    const headless = child<Service>(children, 'Service', 'g-headless').spec!;
    expect(headless.clusterIP).toBe('None');
    expect(headless.publishNotReadyAddresses).toBe(true);
    const ports = (name: string) => child<Service>(children, 'Service', name).spec!.ports!.map((p) => `${p.name}:${p.port}`);
    expect(ports('g-headless')).toEqual(['bolt:7687', 'http:7474', 'tcp-tx:6000', 'routing:7688', 'raft:7000', 'backup:6362']);
    expect(ports('g-internals')).toEqual(ports('g-headless'));
    expect(ports('g-discovery')).toEqual(['tcp-discovery:6000']);
    expect(JSON.stringify(children)).not.toContain('5000');
  });

  it('client Service gets port 7473 only with TLS', () => {
    const ports = (spec: Record<string, unknown>) =>
      child<Service>(render(cluster(spec)).children, 'Service', 'g-client').spec!.ports!.map((p) => p.port);
    expect(ports({})).toEqual([7687, 7474]);
    expect(ports({ tls: { mode: 'disabled' } })).toEqual([7687, 7474]);
    expect(ports({ tls: { mode: 'cert-manager', issuerRef: { name: 'ca' } } })).toContain(7473);
  });

  it('client Service takes type and options from spec.service, and only options valid for the type', () => {
    const svc = (service: Record<string, unknown>) => child<Service>(render(cluster({ service })).children, 'Service', 'g-client');
    const lb = svc({ type: 'LoadBalancer', loadBalancerIP: '1.2.3.4', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local', annotations: { a: 'b' } });
    expect(lb.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerIP: '1.2.3.4', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' });
    expect(lb.metadata!.annotations).toEqual({ a: 'b' });
    const clusterIp = svc({ type: 'ClusterIP', loadBalancerIP: '1.2.3.4', externalTrafficPolicy: 'Local' });
    expect(clusterIp.spec).not.toHaveProperty('loadBalancerIP');
    expect(clusterIp.spec).not.toHaveProperty('externalTrafficPolicy');
    expect(svc({ type: 'NodePort', externalTrafficPolicy: 'Local' }).spec!.externalTrafficPolicy).toBe('Local');
  });
});

describe('StatefulSet', () => {
  it('runs topology.servers replicas in parallel with the data claim from spec.storage', () => {
    const s = sts(render(cluster({ topology: { servers: 5 } })).children).spec!;
    expect(s.replicas).toBe(5);
    expect(s.podManagementPolicy).toBe('Parallel');
    expect(s.serviceName).toBe('g-headless');
    expect(s.volumeClaimTemplates![0]!.metadata!.name).toBe('data');
    expect(s.volumeClaimTemplates![0]!.spec).toMatchObject({ storageClassName: 'standard', resources: { requests: { storage: '10Gi' } } });
  });

  it('follows the retention policy on delete and on scale-in (servers leave only drained: lib/cluster/scale.ts)', () => {
    const policy = (retentionPolicy?: string) =>
      sts(render(cluster({ storage: { className: 's', size: '1Gi', ...(retentionPolicy ? { retentionPolicy } : {}) } })).children).spec!.persistentVolumeClaimRetentionPolicy;
    expect(policy()).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    expect(policy('Retain')).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('rolls with RollingUpdate, or OnDelete under the Recreate strategy', () => {
    expect(sts(render(cluster()).children).spec!.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts(render(cluster({ upgradeStrategy: { strategy: 'Recreate' } })).children).spec!.updateStrategy).toEqual({ type: 'OnDelete' });
  });
});

describe('the pod', () => {
  it('runs the image with the pull policy and pull secrets', () => {
    const { children } = render(cluster({ image: { repo: 'reg/neo4j', tag: '5.26.3-enterprise', pullPolicy: 'Always', pullSecrets: ['a', 'b'] } }));
    expect(container(children).image).toBe('reg/neo4j:5.26.3-enterprise');
    expect(container(children).imagePullPolicy).toBe('Always');
    expect(sts(children).spec!.template.spec!.imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('reads credentials from spec.auth.adminSecret by reference, default neo4j-admin-secret', () => {
    const refs = (auth?: Record<string, unknown>) =>
      container(render(cluster(auth ? { auth } : {})).children)
        .env!.filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => `${e.name}=${e.valueFrom!.secretKeyRef!.name}/${e.valueFrom!.secretKeyRef!.key}`);
    expect(refs()).toEqual(['DB_USERNAME=neo4j-admin-secret/username', 'DB_PASSWORD=neo4j-admin-secret/password']);
    expect(refs({ adminSecret: 'mine' })).toEqual(['DB_USERNAME=mine/username', 'DB_PASSWORD=mine/password']);
  });

  it('drops user NEO4J_AUTH and NEO4J_ACCEPT_LICENSE_AGREEMENT and keeps other env', () => {
    const env = container(render(cluster({ env: [{ name: 'NEO4J_AUTH', value: 'neo4j/leak' }, { name: 'TZ', value: 'UTC' }, { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'no' }] })).children).env!;
    expect(env.filter((e) => e.name === 'NEO4J_ACCEPT_LICENSE_AGREEMENT').map((e) => e.value)).toEqual(['yes']);
    expect(env.some((e) => e.name === 'NEO4J_AUTH')).toBe(false);
    expect(env.at(-1)).toEqual({ name: 'TZ', value: 'UTC' });
    expect(JSON.stringify(render(cluster({ env: [{ name: 'NEO4J_AUTH', value: 'neo4j/leak' }] })).children)).not.toContain('leak');
  });

  it('is non-root 7474 with seccomp, no privilege escalation and no capabilities', () => {
    const { children } = render(cluster());
    const pod = sts(children).spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(children).securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
  });

  it('writes resources in the canonical form the API server stores (no write on every sync)', () => {
    const c = container(render(cluster({ resources: { limits: { cpu: '2000m', memory: '4096Mi' }, requests: { cpu: '0.5', memory: '0.5Gi' } } })).children);
    expect(c.resources).toEqual({ limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '500m', memory: '512Mi' } });
  });

  it('uses the operator default resources when none are given', () => {
    expect(container(render(cluster()).children).resources).toEqual({ limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
  });

  it('probes readiness through Bolt and HTTP, with a startup budget for formation', () => {
    const c = container(render(cluster()).children);
    expect(c.readinessProbe!.exec!.command).toEqual(['/bin/bash', '/neo4j-hooks/health.sh']);
    expect(c.startupProbe!.periodSeconds! * c.startupProbe!.failureThreshold!).toBeGreaterThanOrEqual(600);
    const health = conf(render(cluster()).children)['health.sh']!;
    expect(health).toContain('/dev/tcp/127.0.0.1/7687');
    expect(health).toContain('http://127.0.0.1:7474/');
  });
});

describe('configuration hash', () => {
  const hash = (spec: Record<string, unknown>) => sts(render(cluster(spec)).children).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];

  it('changes when the configuration changes', () => {
    expect(hash({ config: { 'db.transaction.timeout': '10s' } })).not.toBe(hash({}));
    expect(hash({ resources: { limits: { memory: '8Gi' } } })).not.toBe(hash({}));
  });

  it('does not change when only the server count or roles change (scaling never restarts running servers)', () => {
    expect(hash({ topology: { servers: 5 } })).toBe(hash({}));
    expect(hash({ topology: { servers: 3, serverRoles: [{ serverIndex: 2, modeConstraint: 'SECONDARY' }] } })).toBe(hash({}));
  });

  it('scaling out changes no field of the pod template', () => {
    const template = (servers: number) => sts(render(cluster({ topology: { servers } })).children).spec!.template;
    expect(template(5)).toEqual(template(3));
  });
});

describe('neo4j.conf per version line', () => {
  it('5.26 selects discovery v2 explicitly with its 5.26 names', () => {
    const text = conf(render(cluster({ image: { repo: 'neo4j', tag: '5.26.0-enterprise' } })).children)['neo4j.conf']!;
    expect(text).toContain('dbms.cluster.discovery.version=V2_ONLY');
    expect(text).toContain('dbms.cluster.discovery.v2.endpoints=_tcp-tx._tcp.g-headless.ns.svc.cluster.local:0');
    expect(text).not.toContain('dbms.cluster.endpoints=');
  });

  it('calendar versions use dbms.cluster.endpoints and no removed setting', () => {
    const text = conf(render(cluster()).children)['neo4j.conf']!;
    expect(text).toContain('dbms.cluster.endpoints=_tcp-tx._tcp.g-headless.ns.svc.cluster.local:0');
    expect(text).not.toMatch(/dbms\.cluster\.discovery\.(version|v2\.endpoints)|server\.discovery\./u);
  });

  it('listens on all interfaces, including backup on 6362 (Neo4j defaults to localhost)', () => {
    const text = conf(render(cluster()).children)['neo4j.conf']!;
    for (const line of ['server.default_listen_address=0.0.0.0', 'server.cluster.listen_address=0.0.0.0:6000', 'server.cluster.raft.listen_address=0.0.0.0:7000', 'server.routing.listen_address=0.0.0.0:7688', 'server.backup.listen_address=0.0.0.0:6362']) {
      expect(text).toContain(line);
    }
  });

  it('advertises each server by its pod FQDN and derives the role from the hostname ordinal', () => {
    const startup = conf(render(cluster()).children)['startup.sh']!;
    expect(startup).toContain('SERVER_INDEX="${HOSTNAME##*-}"');
    expect(startup).toContain('ADDRESS="${HOSTNAME}.g-headless.ns.svc.cluster.local"');
    expect(startup).toContain('server.cluster.advertised_address=${ADDRESS}:6000');
  });

  it('forms only with a majority of the system primaries (no split brain)', () => {
    const initial = (servers: number, serverRoles?: unknown[]) =>
      conf(render(cluster({ topology: { servers, ...(serverRoles ? { serverRoles } : {}) } })).children)['initial.conf']!;
    expect(initial(2)).toContain('dbms.cluster.minimum_initial_system_primaries_count=2');
    expect(initial(3)).toContain('dbms.cluster.minimum_initial_system_primaries_count=2');
    expect(initial(5)).toContain('dbms.cluster.minimum_initial_system_primaries_count=3');
    expect(initial(5, [{ serverIndex: 4, modeConstraint: 'SECONDARY' }, { serverIndex: 3, modeConstraint: 'SECONDARY' }])).toContain('dbms.cluster.minimum_initial_system_primaries_count=2');
  });

  it('enables servers a scale-out adds (they would join as Free and host nothing), without restarting running ones', () => {
    const files = (config?: Record<string, string>) => conf(render(cluster({ topology: { servers: 3 }, ...(config ? { config } : {}) })).children);
    const hash = (config?: Record<string, string>) => (render(cluster({ topology: { servers: 3 }, ...(config ? { config } : {}) })).children.find((c) => c.kind === 'StatefulSet') as any).spec.template.metadata.annotations['neo4j.neo4j.com/config-hash'];
    expect(files()['initial.conf']).toContain('\ninitial.dbms.automatically_enable_free_servers=true\n');
    expect(files()['neo4j.conf']).not.toContain('automatically_enable_free_servers');
    // The user's own value wins, in neo4j.conf, and is written once.
    const manual = files({ 'initial.dbms.automatically_enable_free_servers': 'false' });
    expect(manual['initial.conf']).not.toContain('automatically_enable_free_servers');
    expect(manual['neo4j.conf']).toContain('\ninitial.dbms.automatically_enable_free_servers=false');
    // initial.conf is outside the configuration hash: adding the setting restarts no server.
    expect(hash()).toBeDefined();
    expect(conf(render(cluster({ topology: { servers: 5 } })).children)['initial.conf']).not.toBe(files()['initial.conf']);
    expect(hash()).toBe((render(cluster({ topology: { servers: 5 } })).children.find((c) => c.kind === 'StatefulSet') as any).spec.template.metadata.annotations['neo4j.neo4j.com/config-hash']);
  });

  it('health.sh requires HTTP only while the HTTP connector is on (server.http.enabled=false would leave every server unready)', () => {
    const health = (config?: Record<string, string>) => conf(render(cluster(config ? { config } : {})).children)['health.sh']!;
    expect(health()).toContain('http://127.0.0.1:7474/');
    expect(health({ 'server.http.enabled': 'true' })).toBe(health());
    for (const off of ['false', ' FALSE ']) {
      const text = health({ 'server.http.enabled': off });
      expect(text).toContain('/dev/tcp/127.0.0.1/7687');
      expect(text).not.toContain('7474');
    }
  });

  it('writes server roles for startup.sh: hints by index, the cluster-wide constraint as default', () => {
    const roles = conf(render(cluster({ topology: { servers: 3, serverModeConstraint: 'PRIMARY', serverRoles: [{ serverIndex: 2, modeConstraint: 'SECONDARY' }] } })).children)['server-roles'];
    expect(roles).toBe('2 SECONDARY\n* PRIMARY\n');
  });

  it('appends spec.config sorted, after the hook settings', () => {
    const text = conf(render(cluster({ config: { 'db.transaction.timeout': '5s', 'db.lock.acquisition.timeout': '1s' } })).children)['neo4j.conf']!;
    expect(text.trimEnd().endsWith('# spec.config\ndb.lock.acquisition.timeout=1s\ndb.transaction.timeout=5s')).toBe(true);
  });
});

describe('memory sizing (operator §5 acceptance values)', () => {
  it.each([
    ['1Gi', '512M', '256M'],
    ['2Gi', '1G', '512M'],
    ['4Gi', '2G', '1G'],
    ['8Gi', '5G', '2G'],
    ['16Gi', '10G', '5G'],
    ['32Gi', '19G', '10G'],
  ])('a %s limit gives heap %s and page cache %s', (memory, heap, pageCache) => {
    const text = conf(render(cluster({ topology: { servers: 3 }, resources: { limits: { memory } } })).children)['neo4j.conf']!;
    expect(text).toContain(`server.memory.heap.initial_size=${heap}\nserver.memory.heap.max_size=${heap}\nserver.memory.pagecache.size=${pageCache}\n`);
  });

  it('honours a page-cache-only override (the operator ignored it) and writes it once', () => {
    const text = conf(render(cluster({ resources: { limits: { memory: '16Gi' } }, config: { 'server.memory.pagecache.size': '2g' } })).children)['neo4j.conf']!;
    expect(text).toContain('server.memory.pagecache.size=2g');
    expect(text.match(/server\.memory\.pagecache\.size=/gu)).toHaveLength(1);
    expect(text).toContain('server.memory.heap.max_size=10G');
  });

  it('lets a user value replace a hook default without repeating the key', () => {
    const text = conf(render(cluster({ config: { 'dbms.routing.default_router': 'CLIENT', 'db.format': 'aligned' } })).children)['neo4j.conf']!;
    expect(text.match(/^dbms\.routing\.default_router=/gmu)).toEqual(['dbms.routing.default_router=']);
    expect(text).toContain('dbms.routing.default_router=CLIENT');
    expect(text).not.toContain('db.format=block');
  });
});

describe('validation freezes a live cluster', () => {
  it('a new CR with errors gets no children and a Failed status', () => {
    const response = render(cluster({ topology: { servers: 3 }, config: { 'dbms.cluster.endpoints': 'x:6000' } }));
    expect(response.children).toEqual([]);
    expect(response.status).toMatchObject({ phase: 'Failed' });
    expect(String(response.status.message)).toContain('spec.config key dbms.cluster.endpoints is managed by neo4j-hooks');
  });

  it('a live cluster with an invalid spec keeps exactly the last applied children', () => {
    const parent = cluster();
    const live = applied(render(parent).children, parent, 3);
    const broken = cluster({ image: { repo: 'neo4j', tag: '4.4.0' } }, 'g', 2);
    const response = render(broken, live);
    expect(response.status.phase).toBe('Failed');
    expect(response.children).toEqual(render(parent).children);
    const ready = (response.status.conditions as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
  });

  it('without the last-applied annotation, returns the observed object minus server-owned fields', () => {
    const parent = cluster();
    const live = applied(render(parent).children, parent, 3).map((o) => {
      const { [`metacontroller.k8s.io/last-applied-configuration`]: _gone, ...annotations } = o.metadata.annotations ?? {};
      return { ...o, metadata: { ...o.metadata, annotations } };
    });
    const frozen = render(cluster({ image: { repo: 'neo4j', tag: '4.4.0' } }, 'g', 2), live).children;
    expect(frozen).toHaveLength(8);
    for (const c of frozen) {
      expect(c.metadata).not.toHaveProperty('uid');
      expect(c.metadata).not.toHaveProperty('resourceVersion');
      expect(c.metadata).not.toHaveProperty('managedFields');
      expect(c.metadata).not.toHaveProperty('ownerReferences');
      expect(c).not.toHaveProperty('status');
    }
  });

  it('refuses a downgrade against the running image and leaves the StatefulSet image alone', () => {
    const parent = cluster();
    const live = applied(render(parent).children, parent, 3);
    const response = render(cluster({ image: { repo: 'neo4j', tag: '5.26.0-enterprise' } }, 'g', 2), live);
    expect(response.status.phase).toBe('Failed');
    expect(String(response.status.message)).toContain('image tag change from 2025.06.0-enterprise to 5.26.0-enterprise refused');
    expect(container(response.children).image).toBe('neo4j:2025.06.0-enterprise');
  });

  it('accepts a forward upgrade', () => {
    const parent = cluster();
    const live = applied(render(parent).children, parent, 3);
    const response = render(cluster({ image: { repo: 'neo4j', tag: '2026.01.0-enterprise' } }, 'g', 2), live);
    expect(response.status.phase).not.toBe('Failed');
    expect(container(response.children).image).toBe('neo4j:2026.01.0-enterprise');
  });
});

describe('immutable StatefulSet fields', () => {
  it('keeps the observed volumeClaimTemplates and reports the requested change', () => {
    const parent = cluster();
    const live = applied(render(parent).children, parent, 3);
    const response = render(cluster({ storage: { className: 'standard', size: '99Gi' } }, 'g', 2), live);
    expect(sts(response.children).spec!.volumeClaimTemplates![0]!.spec!.resources!.requests!.storage).toBe('10Gi');
    expect((response.status.warnings as string[]).some((w) => w.includes('volumeClaimTemplates are immutable'))).toBe(true);
  });
});

describe('status from observation', () => {
  const conditions = (status: Record<string, unknown>) => Object.fromEntries((status.conditions as Array<{ type: string; status: string; lastTransitionTime: string }>).map((c) => [c.type, c]));

  it('is Initializing with nothing observed, Forming until all servers are ready, then Ready', () => {
    const parent = cluster();
    const first = render(parent);
    expect(first.status.phase).toBe('Initializing');
    expect(first.resyncAfterSeconds).toBeGreaterThan(0);
    const forming = render(parent, applied(first.children, parent, 1));
    expect(forming.status).toMatchObject({ phase: 'Forming', replicas: { servers: 3, ready: 1 } });
    expect(conditions(forming.status).Ready!.status).toBe('False');
    const ready = render(parent, applied(first.children, parent, 3));
    expect(ready.status).toMatchObject({ phase: 'Ready', replicas: { servers: 3, ready: 3 }, version: '2025.06.0-enterprise' });
    expect(conditions(ready.status).Ready!.status).toBe('True');
    expect(ready.resyncAfterSeconds).toBeUndefined();
  });

  it('carries lastTransitionTime over while a condition keeps its status', () => {
    const parent = cluster();
    const children = applied(render(parent).children, parent, 3);
    const earlier = { ...parent, status: render(parent, children).status };
    const later = preview(earlier, children, { now: new Date('2026-02-01T00:00:00Z') }).response;
    expect(later.status).toEqual(earlier.status);
  });
});

describe('name length', () => {
  it('refuses a name whose pods could never be created (controller-revision-hash over 63 characters)', () => {
    const long = 'a'.repeat(46);
    const response = render(cluster({}, long));
    expect(response.status.phase).toBe('Failed');
    expect(String(response.status.message)).toContain('metadata.name must be at most 45 characters');
    expect(render(cluster({}, 'a'.repeat(45))).status.phase).not.toBe('Failed');
  });
});
