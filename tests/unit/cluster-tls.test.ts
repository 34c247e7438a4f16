/**
 * spec.tls on a cluster: the cert-manager Certificate, the Secret mounted as a directory and
 * mapped to the SSL policies' files, the policies themselves (strict CA trust by default,
 * trust-all by annotation), live reload from 2025.03, the rules that keep the Certificate
 * issuable, and scaling (the Certificate changes, the server pods do not).
 */
import { describe, expect, it } from 'vitest';
import { runSync } from '../../lib/hook/run.js';
import { buildSyncRequest } from '../../lib/hook/request.js';
import { reconcilerFor } from '../../lib/registry.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { CLUSTER_CHILDREN } from '../../lib/cluster/reconciler.js';
import { TRUST_ALL_ANNOTATION, buildCertificate, certificateErrors } from '../../lib/tls/certificate.js';
import { sslPolicyEntries, TLS_MOUNT } from '../../lib/tls/settings.js';
import { asObserved } from '../support/invariants.js';
import { HAS_SHARED } from '../support/shared.js';
import { checkSetting } from '../support/neo4j-settings.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import { child, clusterDoc, conf, neo4jContainer, podSpec, serverSet, service, sync, warnings, type LooseCluster } from '../support/cluster-case.js';

type Cert = { spec: Record<string, any> };

const withTls = (mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.tls = { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } };
    mutate?.(d);
  });

function tlsVolume(doc: LooseCluster): Volume | undefined {
  return podSpec(sync(doc)).volumes?.find((v) => v.name === 'tls');
}

describe('cluster TLS: off by default', () => {
  it('adds no Certificate, volume, https port or SSL setting without spec.tls or with mode disabled', () => {
    for (const doc of [clusterDoc(), clusterDoc((d) => (d.spec.tls = { mode: 'disabled' }))]) {
      const response = sync(doc);
      expect(response.children.some((c) => c.kind === 'Certificate')).toBe(false);
      expect(podSpec(response).volumes?.map((v) => v.name)).toEqual(['config', 'logs', 'plugins']);
      expect(neo4jContainer(response).ports?.map((p) => p.name)).not.toContain('https');
      expect(service(response, 'graph-client')!.spec!.ports!.map((p) => p.name)).toEqual(['bolt', 'http']);
      expect([...conf(response).keys()].filter((k) => k.startsWith('dbms.ssl.') || k.startsWith('server.https.'))).toEqual([]);
    }
  });

  it('declares Certificate as a cert-manager integration child, before the pods', () => {
    const index = CLUSTER_CHILDREN.findIndex((c) => c.kind === 'Certificate');
    expect(CLUSTER_CHILDREN[index]).toMatchObject({ apiVersion: 'cert-manager.io/v1', resource: 'certificates', integration: 'cert-manager', updateStrategy: 'InPlace' });
    expect(index).toBeLessThan(CLUSTER_CHILDREN.findIndex((c) => c.kind === 'StatefulSet'));
  });
});

describe('cluster TLS: the Certificate', () => {
  const response = sync(
    withTls((d) => {
      d.spec.tls.duration = '2160h';
      d.spec.tls.renewBefore = '360h';
      d.spec.tls.subject = { organizations: ['Example'], organizationalUnits: ['Graphs'] };
    }),
  );
  const cert = child<Cert>(response, 'Certificate', 'graph-tls')!;

  it('issues Secret graph-tls-secret from the issuer, with a PKCS#8 key rotated on every issuance', () => {
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata.labels?.['neo4j.com/role']).toBe('tls');
    expect(cert.spec.secretName).toBe('graph-tls-secret');
    expect(cert.spec.issuerRef).toEqual({ name: 'ca', kind: 'ClusterIssuer' });
    expect(cert.spec.privateKey).toEqual({ encoding: 'PKCS8', rotationPolicy: 'Always' });
    expect(cert.spec.commonName).toBe('graph-client.ns.svc.cluster.local');
  });

  it('copies duration, renewBefore and subject, and defaults the usages to include client auth', () => {
    expect(cert.spec.duration).toBe('2160h');
    expect(cert.spec.renewBefore).toBe('360h');
    expect(cert.spec.subject).toEqual({ organizations: ['Example'], organizationalUnits: ['Graphs'] });
    expect(cert.spec.usages).toEqual(['digital signature', 'key encipherment', 'server auth', 'client auth']);
  });

  it('names the client, internals and headless Services in four forms and every server as it advertises itself', () => {
    const names: string[] = cert.spec.dnsNames;
    for (const svc of ['graph-client', 'graph-internals', 'graph-headless']) {
      expect(names).toEqual(expect.arrayContaining([svc, `${svc}.ns`, `${svc}.ns.svc`, `${svc}.ns.svc.cluster.local`]));
    }
    for (let i = 0; i < 3; i++) expect(names).toContain(`graph-server-${i}.graph-headless.ns.svc.cluster.local`);
    expect(names).toHaveLength(12 + 3 * 4);
    expect(new Set(names).size).toBe(names.length);
    // The server address startup.sh advertises is exactly one of the names.
    expect(child<{ data: Record<string, string> }>(response, 'ConfigMap', 'graph-config')!.data['startup.sh']).toContain('ADDRESS="${HOSTNAME}.graph-headless.ns.svc.cluster.local"');
  });

  it('keeps the issuer kind and group as given', () => {
    const c = child<Cert>(sync(withTls((d) => (d.spec.tls.issuerRef = { name: 'local', kind: 'Issuer', group: 'cert-manager.io' }))), 'Certificate', 'graph-tls')!;
    expect(c.spec.issuerRef).toEqual({ name: 'local', kind: 'Issuer', group: 'cert-manager.io' });
  });

  it('leaves the common name out when it would exceed cert-manager\'s 64 bytes', () => {
    const long = sync(withTls((d) => ((d.metadata.name = 'a-rather-long-cluster-name'), (d.metadata.namespace = 'and-a-long-namespace'))));
    const c = child<Cert>(long, 'Certificate', 'a-rather-long-cluster-name-tls')!;
    expect(c.spec.commonName).toBeUndefined();
    expect(c.spec.dnsNames).toContain('a-rather-long-cluster-name-client.and-a-long-namespace.svc.cluster.local');
    const direct = buildCertificate({ name: 'x', namespace: 'n', labels: {}, secretName: 's', tls: { issuerRef: { name: 'i' } }, commonName: 'c'.repeat(64), dnsNames: ['c'] });
    expect((direct.spec as Record<string, unknown>).commonName).toBe('c'.repeat(64));
  });
});

describe('cluster TLS: mounts and policies', () => {
  const response = sync(withTls());
  const settings = conf(response);

  it('mounts the Secret as a directory (no subPath), mapping its keys to the policy files', () => {
    expect(tlsVolume(withTls())).toEqual({
      name: 'tls',
      projected: {
        defaultMode: 0o440,
        sources: [
          {
            secret: {
              name: 'graph-tls-secret',
              items: [
                { key: 'tls.crt', path: 'public.crt' },
                { key: 'tls.key', path: 'private.key' },
                { key: 'ca.crt', path: 'trusted/ca.crt' },
              ],
            },
          },
        ],
      },
    });
    const mounts = neo4jContainer(response).volumeMounts ?? [];
    expect(mounts).toContainEqual({ name: 'tls', mountPath: TLS_MOUNT, readOnly: true });
    expect(mounts.every((m) => m.subPath === undefined)).toBe(true);
  });

  it('enables the bolt, https, cluster and backup policies over the mounted files', () => {
    for (const scope of ['bolt', 'https', 'cluster', 'backup']) {
      expect(settings.get(`dbms.ssl.policy.${scope}.enabled`)).toBe('true');
      expect(settings.get(`dbms.ssl.policy.${scope}.base_directory`)).toBe(TLS_MOUNT);
      expect(settings.get(`dbms.ssl.policy.${scope}.private_key`)).toBe('private.key');
      expect(settings.get(`dbms.ssl.policy.${scope}.public_certificate`)).toBe('public.crt');
      expect(settings.get(`dbms.ssl.policy.${scope}.trusted_dir`)).toBe('trusted');
      expect(settings.has(`dbms.ssl.policy.${scope}.trust_all`)).toBe(false);
    }
  });

  it('trusts only the issuing CA: client certificates required between servers and from backup clients, host names checked', () => {
    expect(settings.get('dbms.ssl.policy.cluster.client_auth')).toBe('REQUIRE');
    expect(settings.get('dbms.ssl.policy.backup.client_auth')).toBe('REQUIRE');
    expect(settings.get('dbms.ssl.policy.cluster.verify_hostname')).toBe('true');
    expect(settings.get('dbms.ssl.policy.bolt.client_auth')).toBe('NONE');
    expect(settings.get('dbms.ssl.policy.https.client_auth')).toBe('NONE');
  });

  it('serves HTTPS on 7473 (container and client Service) and keeps Bolt TLS optional', () => {
    expect(settings.get('server.https.enabled')).toBe('true');
    expect(settings.get('server.https.listen_address')).toBe('0.0.0.0:7473');
    expect(settings.get('server.bolt.tls_level')).toBe('OPTIONAL');
    expect(neo4jContainer(response).ports).toContainEqual({ name: 'https', containerPort: 7473 });
    expect(service(response, 'graph-client')!.spec!.ports).toContainEqual({ name: 'https', port: 7473, targetPort: 7473, protocol: 'TCP' });
    expect(response.status.endpoints).toMatchObject({ https: 'https://graph-client.ns.svc.cluster.local:7473' });
  });

  it.each([
    ['5.26.12-enterprise', false],
    ['2025.01.0-enterprise', false],
    ['2025.02.1', false],
    ['2025.03.0-enterprise', true],
    ['2026.01.0', true],
  ])('image %s: dbms.security.tls_reload_enabled %s', (tag, reload) => {
    const s = conf(sync(withTls((d) => (d.spec.image.tag = tag))));
    expect(s.get('dbms.security.tls_reload_enabled')).toBe(reload ? 'true' : undefined);
  });

  it.skipIf(!HAS_SHARED)('writes only documented settings of the image version line', () => {
    for (const tag of ['5.26.0-enterprise', '2025.01.0', '2025.03.0', '2026.01.0']) {
      for (const trustAll of [false, true]) {
        const doc = withTls((d) => {
          d.spec.image.tag = tag;
          if (trustAll) d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' };
        });
        const version = parseNeo4jVersion(tag);
        if (!version.ok) throw new Error(tag);
        const tlsKeys = [...conf(sync(doc)).keys()].filter((k) => k.includes('ssl') || k.includes('https') || k.includes('tls'));
        expect(tlsKeys.length).toBeGreaterThan(20);
        for (const key of tlsKeys) expect(checkSetting(key, { line: version.version.line, raw: tag }), `${key} on ${tag}`).toMatchObject({ documented: true });
      }
    }
  });

  it('changes the configuration hash, so enabling TLS rolls the servers', () => {
    const hash = (doc: LooseCluster) => serverSet(sync(doc)).spec!.template.metadata!.annotations!['neo4j.neo4j.com/config-hash'];
    expect(hash(withTls())).not.toBe(hash(clusterDoc()));
  });
});

describe('cluster TLS: trust-all opt-in', () => {
  const doc = withTls((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' }));
  const settings = conf(sync(doc));

  it('trusts any peer certificate between servers and for backups, without client certificates', () => {
    for (const scope of ['cluster', 'backup']) {
      expect(settings.get(`dbms.ssl.policy.${scope}.trust_all`)).toBe('true');
      expect(settings.get(`dbms.ssl.policy.${scope}.client_auth`)).toBe('NONE');
    }
    expect(settings.has('dbms.ssl.policy.cluster.verify_hostname')).toBe(false);
  });

  it('does not need ca.crt in the Secret', () => {
    const items = tlsVolume(doc)!.projected!.sources![0]!.secret!.items!;
    expect(items.map((i) => i.key)).not.toContain('ca.crt');
    expect(items).toContainEqual({ key: 'tls.crt', path: 'trusted/public.crt' });
  });

  it('ignores other values with a warning, and warns when TLS is off', () => {
    const odd = sync(withTls((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'yes' })));
    expect(warnings(odd)).toContainEqual(expect.stringContaining(`annotation ${TRUST_ALL_ANNOTATION}="yes" is ignored`));
    expect(conf(odd).get('dbms.ssl.policy.cluster.client_auth')).toBe('REQUIRE');
    const off = sync(clusterDoc((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' })));
    expect(warnings(off)).toContain(`annotation ${TRUST_ALL_ANNOTATION} has no effect: TLS is disabled`);
  });

  it('gives a backup client the same policy it needs', () => {
    expect(sslPolicyEntries('backup', { trustAll: false })).toContainEqual(['dbms.ssl.policy.backup.client_auth', 'REQUIRE']);
  });
});

describe('cluster TLS: spec.config and the TLS settings', () => {
  it('refuses a key that points the policies elsewhere', () => {
    const response = sync(withTls((d) => (d.spec.config = { 'dbms.ssl.policy.bolt.base_directory': '/ssl' })));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toContain('spec.config key dbms.ssl.policy.bolt.base_directory is managed by neo4j-hooks while spec.tls is enabled; remove it');
  });

  it('lets the user tune a derived value (the user\'s line only, with a warning)', () => {
    const response = sync(withTls((d) => (d.spec.config = { 'server.bolt.tls_level': 'REQUIRED', 'dbms.ssl.policy.bolt.client_auth': 'OPTIONAL' })));
    expect(response.status.phase).not.toBe('Failed');
    const s = conf(response);
    expect(s.get('server.bolt.tls_level')).toBe('REQUIRED');
    expect(s.get('dbms.ssl.policy.bolt.client_auth')).toBe('OPTIONAL');
    expect(warnings(response)).toContain('spec.config server.bolt.tls_level=REQUIRED replaces the value OPTIONAL that neo4j-hooks derives from spec.tls');
  });

  it('accepts the same keys when TLS is off (nothing of ours to clash with)', () => {
    expect(sync(clusterDoc((d) => (d.spec.config = { 'dbms.ssl.policy.bolt.base_directory': '/ssl' }))).status.phase).not.toBe('Failed');
  });
});

describe('cluster TLS: issuable certificates', () => {
  const strict = { trustAll: false };
  it.each<[string, Record<string, unknown>, string[]]>([
    ['defaults', {}, []],
    ['a duration under 1h', { duration: '30m' }, ['spec.tls.duration 30m is too short: cert-manager requires a certificate duration of at least 1h']],
    ['renewBefore under 5m', { renewBefore: '1m' }, ['spec.tls.renewBefore 1m is too short: cert-manager requires at least 5m']],
    ['renewBefore not below the duration', { duration: '24h', renewBefore: '24h' }, ['spec.tls.renewBefore 24h must be shorter than the certificate duration 24h']],
    ['renewBefore beyond the default duration', { renewBefore: '2200h' }, ['spec.tls.renewBefore 2200h must be shorter than the certificate duration 2160h (cert-manager default)']],
    [
      'usages without client auth',
      { usages: ['digital signature', 'server auth'] },
      ['spec.tls.usages must include "client auth": the servers present the certificate to clients and, for cluster and backup traffic, to each other as clients'],
    ],
  ])('%s', (_label, tls, expected) => {
    expect(certificateErrors({ issuerRef: { name: 'ca' }, ...tls }, strict)).toEqual(expected);
  });

  it('needs only server auth under trust-all', () => {
    expect(certificateErrors({ usages: ['server auth'] }, { trustAll: true })).toEqual([]);
    expect(certificateErrors({ usages: ['client auth'] }, { trustAll: true })[0]).toContain('"server auth"');
  });

  it('refuses the spec (phase Failed) rather than emit a Certificate cert-manager rejects', () => {
    const response = sync(withTls((d) => (d.spec.tls.duration = '10m')));
    expect(response.status.phase).toBe('Failed');
    expect(response.children).toEqual([]);
  });

  it('reports a Certificate that cert-manager cannot issue', () => {
    const first = sync(withTls());
    const parent = { apiVersion: 'neo4j.neo4j.com/v1alpha1', kind: 'Neo4jEnterpriseCluster', metadata: { name: 'graph', namespace: 'ns', uid: 'uid-graph' } };
    const observed = first.children.map((c, i) => asObserved(c, parent, i));
    const cert = observed.find((c) => c.kind === 'Certificate')!;
    cert.status = { conditions: [{ type: 'Ready', status: 'False', reason: 'Pending', message: 'Issuer ca not found' }] };
    expect(warnings(sync(withTls(), observed))).toContain(
      'Certificate graph-tls is not ready (Pending): Issuer ca not found; the servers start once cert-manager has issued Secret graph-tls-secret',
    );
    cert.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect(warnings(sync(withTls(), observed))).toEqual([]);
  });
});

describe('cluster TLS: scaling', () => {
  it('scaling 3 → 5 changes the Certificate names, never the servers\' pod template or configuration', () => {
    const three = sync(withTls());
    const five = sync(withTls((d) => (d.spec.topology.servers = 5)));
    const names = (r: typeof three) => child<Cert>(r, 'Certificate', 'graph-tls')!.spec.dnsNames as string[];
    expect(names(five).filter((n) => !names(three).includes(n))).toEqual([
      'graph-server-3.graph-headless',
      'graph-server-3.graph-headless.ns',
      'graph-server-3.graph-headless.ns.svc',
      'graph-server-3.graph-headless.ns.svc.cluster.local',
      'graph-server-4.graph-headless',
      'graph-server-4.graph-headless.ns',
      'graph-server-4.graph-headless.ns.svc',
      'graph-server-4.graph-headless.ns.svc.cluster.local',
    ]);
    expect(serverSet(five).spec!.template).toEqual(serverSet(three).spec!.template);
    expect(serverSet(five).spec!.replicas).toBe(5);
  });
});

describe('a tls block without mode (the API server defaults it to cert-manager)', () => {
  it('serves TLS and reports the https endpoint even when the mode was never defaulted (a parent that bypassed admission)', () => {
    const doc = withTls((d) => delete (d.spec.tls as Record<string, unknown>).mode);
    const reconciler = reconcilerFor('neo4jenterpriseclusters')!;
    const response = runSync(reconciler, buildSyncRequest(reconciler, doc as unknown as K8sObject, []), new Date('2026-01-01T00:00:00Z'));
    expect(response.children.some((c) => c.kind === 'Certificate')).toBe(true);
    expect((response.status.endpoints as Record<string, unknown>).https).toBe('https://graph-client.ns.svc.cluster.local:7473');
  });
});
