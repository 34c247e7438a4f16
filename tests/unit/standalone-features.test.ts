/**
 * The optional features of a standalone, built from the modules the cluster uses: cert-manager TLS
 * (Certificate `<s>-tls-cert`, the Secret mounted as a directory, the bolt, https and backup
 * policies, strict CA trust or the trust-all opt-in, live reload from 2025.03), External Secrets
 * for TLS and the admin credentials, the Ingress, and query monitoring. One assertion per
 * behaviour, on top of the goldens in fixtures/neo4jenterprisestandalones.
 */
import { describe, expect, it } from 'vitest';
import type { Container, PodSpec, Service, Volume } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { preview } from '../../lib/hook/preview.js';
import type { SyncResponse } from '../../lib/hook/run.js';
import type { K8sObject } from '../../lib/k8s/object.js';
import { CONFIG_HASH_ANNOTATION } from '../../lib/cluster/children.js';
import { parseNeo4jVersion } from '../../lib/neo4j/version.js';
import { STANDALONE_CHILDREN } from '../../lib/standalone/reconciler.js';
import { tlsServed } from '../../lib/standalone/model.js';
import { standaloneCertificateDnsNames } from '../../lib/standalone/features.js';
import { standaloneNames } from '../../lib/standalone/names.js';
import type { StandaloneSpec } from '../../lib/schemas/standalone.js';
import { certificateErrors, TRUST_ALL_ANNOTATION } from '../../lib/tls/certificate.js';
import { TLS_MOUNT } from '../../lib/tls/settings.js';
import { targetConnection } from '../../lib/targets/connection.js';
import { confEntries } from '../support/rendered-config.js';
import { checkSetting } from '../support/neo4j-settings.js';
import { schemaError } from '../support/k8s-schemas.js';
import { asObserved } from '../support/invariants.js';
import { HAS_SHARED, operatorExamples } from '../support/shared.js';

const NOW = new Date('2026-01-01T00:00:00Z');

/** A CR as a user writes it; the spec is loosely typed on purpose (tests write what YAML can). */
type Loose = { apiVersion: string; kind: string; metadata: Record<string, any>; spec: Record<string, any> };

/** A valid 2025.06 standalone `s` in namespace `ns`, optionally changed by `mutate`. */
function doc(mutate?: (d: Loose) => void): Loose {
  const d: Loose = {
    apiVersion: 'neo4j.neo4j.com/v1alpha1',
    kind: 'Neo4jEnterpriseStandalone',
    metadata: { name: 's', namespace: 'ns', uid: 'uid-s', generation: 1 },
    spec: { image: { repo: 'neo4j', tag: '2025.06.0-enterprise' }, storage: { className: 'standard', size: '10Gi' } },
  };
  mutate?.(d);
  return d;
}

const withTls = (mutate?: (d: Loose) => void) =>
  doc((d) => {
    d.spec.tls = { mode: 'cert-manager', issuerRef: { name: 'ca', kind: 'ClusterIssuer' } };
    mutate?.(d);
  });

function sync(d: Loose, observed: readonly K8sObject[] = []): SyncResponse {
  return preview(structuredClone(d), observed, { now: NOW }).response;
}

function child<T = Record<string, any>>(r: SyncResponse, kind: string, name: string): (T & K8sObject) | undefined {
  return r.children.find((c) => c.kind === kind && c.metadata.name === name) as (T & K8sObject) | undefined;
}

const ids = (r: SyncResponse) => r.children.map((c) => `${c.kind}/${c.metadata.name}`);
const sts = (r: SyncResponse) => child<StatefulSet>(r, 'StatefulSet', 's')!;
const pod = (r: SyncResponse) => sts(r).spec!.template.spec as PodSpec;
const container = (r: SyncResponse) => pod(r).containers[0] as Container;
const service = (r: SyncResponse, name: string) => child<Service>(r, 'Service', name)!;
const warnings = (r: SyncResponse) => (r.status.warnings as string[] | undefined) ?? [];
const hash = (r: SyncResponse) => sts(r).spec!.template.metadata!.annotations![CONFIG_HASH_ANNOTATION];

/** neo4j.conf as `key → value` (throws on a repeated key other than server.jvm.additional). */
function conf(r: SyncResponse): Map<string, string> {
  const text = child<{ data: Record<string, string> }>(r, 'ConfigMap', 's-config')!.data['neo4j.conf']!;
  const map = new Map<string, string>();
  for (const { key, value } of confEntries(text)) {
    if (map.has(key) && key !== 'server.jvm.additional') throw new Error(`neo4j.conf repeats ${key}`);
    map.set(key, value);
  }
  return map;
}

/** The children as Metacontroller observes them after applying. */
function observe(r: SyncResponse, d: Loose): K8sObject[] {
  return r.children.map((c, i) => asObserved(c, d as unknown as K8sObject, i));
}

const FEATURE_KINDS = ['Certificate', 'ExternalSecret', 'Ingress', 'ServiceMonitor', 'PrometheusRule'];

describe('standalone features: declarations and defaults', () => {
  it('declares each feature child type with its integration, the Secrets before the pod', () => {
    const declared = (kind: string) => STANDALONE_CHILDREN.find((c) => c.kind === kind);
    expect(declared('Certificate')).toEqual({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', resource: 'certificates', updateStrategy: 'InPlace', integration: 'cert-manager' });
    expect(declared('ExternalSecret')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      resource: 'externalsecrets',
      updateStrategy: 'InPlace',
      integration: 'external-secrets',
    });
    expect(declared('Ingress')).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', resource: 'ingresses', updateStrategy: 'InPlace' });
    expect(declared('ServiceMonitor')).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', integration: 'prometheus-operator' });
    expect(declared('PrometheusRule')).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', integration: 'prometheus-operator' });
    const index = (kind: string) => STANDALONE_CHILDREN.findIndex((c) => c.kind === kind);
    expect(index('Certificate')).toBeLessThan(index('StatefulSet'));
    expect(index('ExternalSecret')).toBeLessThan(index('StatefulSet'));
  });

  it('adds nothing without the feature blocks, or with them switched off', () => {
    const off = doc((d) => {
      d.spec.tls = { mode: 'disabled' };
      d.spec.queryMonitoring = { enabled: false };
      d.spec.service = { ingress: { enabled: false, host: 'h' } };
    });
    for (const r of [sync(doc()), sync(off)]) {
      expect(ids(r)).toEqual(['ConfigMap/s-config', 'Service/s-headless', 'Service/s-service', 'StatefulSet/s']);
      expect(pod(r).volumes!.map((v) => v.name)).toEqual(['config', 'logs', 'plugins']);
      expect(container(r).ports!.map((p) => p.name)).toEqual(['http', 'bolt', 'backup']);
      expect([...conf(r).keys()].filter((k) => /ssl|https|tls|metrics|db\.logs\.query/u.test(k))).toEqual([]);
      expect(Object.keys(sts(r).spec!.template.metadata!.annotations!)).toEqual([CONFIG_HASH_ANNOTATION]);
      expect(warnings(r)).toEqual([]);
    }
  });

  it('serves TLS exactly when spec.tls.mode is cert-manager, the CRD default of a present block', () => {
    const spec = (tls: unknown) => ({ ...doc().spec, ...(tls === undefined ? {} : { tls }) }) as unknown as StandaloneSpec;
    expect(tlsServed(spec(undefined))).toBe(false);
    expect(tlsServed(spec({ mode: 'disabled' }))).toBe(false);
    expect(tlsServed(spec({ mode: 'cert-manager', issuerRef: { name: 'ca' } }))).toBe(true);
    expect(tlsServed(spec({ issuerRef: { name: 'ca' } }))).toBe(true);
    const modeless = sync(doc((d) => (d.spec.tls = { issuerRef: { name: 'ca' } })));
    expect(ids(modeless)).toContain('Certificate/s-tls-cert');
  });
});

describe('standalone TLS: the Certificate', () => {
  const response = sync(
    withTls((d) => {
      d.spec.tls.duration = '2160h';
      d.spec.tls.renewBefore = '360h';
      d.spec.tls.subject = { organizations: ['Example'] };
    }),
  );
  const cert = child(response, 'Certificate', 's-tls-cert')!;

  it('is the operator\'s <s>-tls-cert issuing <s>-tls-secret, with a PKCS#8 key rotated on every issuance', () => {
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec.secretName).toBe('s-tls-secret');
    expect(cert.spec.issuerRef).toEqual({ name: 'ca', kind: 'ClusterIssuer' });
    expect(cert.spec.privateKey).toEqual({ encoding: 'PKCS8', rotationPolicy: 'Always' });
    expect(cert.spec.commonName).toBe('s-service.ns.svc.cluster.local');
    expect(cert.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'neo4j',
      'app.kubernetes.io/instance': 's',
      'app.kubernetes.io/component': 'tls',
      'app.kubernetes.io/managed-by': 'neo4j-operator',
    });
    expect(schemaError(cert)).toBeUndefined();
  });

  it('copies duration, renewBefore and subject, and defaults the usages to include client auth', () => {
    expect(cert.spec.duration).toBe('2160h');
    expect(cert.spec.renewBefore).toBe('360h');
    expect(cert.spec.subject).toEqual({ organizations: ['Example'] });
    expect(cert.spec.usages).toEqual(['digital signature', 'key encipherment', 'server auth', 'client auth']);
  });

  it('names <s>-service (the operator\'s four forms), <s>-headless and the pod under it', () => {
    expect(cert.spec.dnsNames).toEqual([
      's-service',
      's-service.ns',
      's-service.ns.svc',
      's-service.ns.svc.cluster.local',
      's-headless',
      's-headless.ns',
      's-headless.ns.svc',
      's-headless.ns.svc.cluster.local',
      's-0.s-headless',
      's-0.s-headless.ns',
      's-0.s-headless.ns.svc',
      's-0.s-headless.ns.svc.cluster.local',
    ]);
    expect(standaloneCertificateDnsNames(standaloneNames('s', 'ns'), 'ns')).toEqual(cert.spec.dnsNames);
  });

  it('keeps the issuer kind and group as given, ClusterIssuer when unset', () => {
    const issued = (issuerRef: Record<string, string>) => child(sync(withTls((d) => (d.spec.tls.issuerRef = issuerRef))), 'Certificate', 's-tls-cert')!.spec.issuerRef;
    expect(issued({ name: 'ns-ca', kind: 'Issuer', group: 'cert-manager.io' })).toEqual({ name: 'ns-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(issued({ name: 'ca' })).toEqual({ name: 'ca', kind: 'ClusterIssuer' });
  });

  it('leaves the common name out when it would exceed cert-manager\'s 64 bytes', () => {
    const long = withTls((d) => {
      d.metadata.name = 'a-very-long-standalone-name-for-the-graph';
      d.metadata.namespace = 'and-a-long-namespace';
    });
    const longCert = child(sync(long), 'Certificate', 'a-very-long-standalone-name-for-the-graph-tls-cert')!;
    expect(longCert.spec.commonName).toBeUndefined();
    expect(longCert.spec.dnsNames).toContain('a-very-long-standalone-name-for-the-graph-service.and-a-long-namespace.svc.cluster.local');
  });
});

describe('standalone TLS: the server', () => {
  const response = sync(withTls());
  const settings = conf(response);

  it('mounts the Secret as a projected directory (no subPath), mapping its keys to the policy files', () => {
    const volume = pod(response).volumes!.find((v) => v.name === 'tls');
    expect(volume).toEqual<Volume>({
      name: 'tls',
      projected: {
        defaultMode: 0o440,
        sources: [
          {
            secret: {
              name: 's-tls-secret',
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
    expect(container(response).volumeMounts).toContainEqual({ name: 'tls', mountPath: TLS_MOUNT, readOnly: true });
    expect(container(response).volumeMounts!.every((m) => m.subPath === undefined)).toBe(true);
  });

  it('enables the bolt, https and backup policies over the mounted files, and no cluster policy', () => {
    for (const scope of ['bolt', 'https', 'backup']) {
      expect(settings.get(`dbms.ssl.policy.${scope}.enabled`)).toBe('true');
      expect(settings.get(`dbms.ssl.policy.${scope}.base_directory`)).toBe(TLS_MOUNT);
      expect(settings.get(`dbms.ssl.policy.${scope}.private_key`)).toBe('private.key');
      expect(settings.get(`dbms.ssl.policy.${scope}.public_certificate`)).toBe('public.crt');
      expect(settings.get(`dbms.ssl.policy.${scope}.trusted_dir`)).toBe('trusted');
      expect(settings.has(`dbms.ssl.policy.${scope}.trust_all`)).toBe(false);
    }
    expect([...settings.keys()].filter((k) => k.startsWith('dbms.ssl.policy.cluster.'))).toEqual([]);
  });

  it('trusts only the issuing CA: backup clients need a certificate from it; Bolt and HTTPS clients present none', () => {
    expect(settings.get('dbms.ssl.policy.backup.client_auth')).toBe('REQUIRE');
    expect(settings.get('dbms.ssl.policy.bolt.client_auth')).toBe('NONE');
    expect(settings.get('dbms.ssl.policy.https.client_auth')).toBe('NONE');
  });

  it('serves HTTPS on 7473 (container, both Services, endpoints) and keeps Bolt TLS optional', () => {
    expect(settings.get('server.https.enabled')).toBe('true');
    expect(settings.get('server.https.listen_address')).toBe('0.0.0.0:7473');
    expect(settings.get('server.bolt.tls_level')).toBe('OPTIONAL');
    expect(container(response).ports!.map((p) => p.name)).toEqual(['http', 'bolt', 'https', 'backup']);
    expect(service(response, 's-service').spec!.ports!.map((p) => p.name)).toEqual(['http', 'bolt', 'https']);
    expect(service(response, 's-headless').spec!.ports!.map((p) => p.name)).toEqual(['http', 'bolt', 'https', 'backup']);
    expect(response.status.endpoints).toMatchObject({
      https: 'https://s-service.ns.svc.cluster.local:7473',
      connectionExamples: { boltURI: 'bolt+ssc://localhost:7687', neo4jURI: 'neo4j+s://s-service.ns.svc.cluster.local:7687' },
    });
  });

  it('lets spec.config require Bolt TLS (the user\'s line only, with a warning)', () => {
    const r = sync(withTls((d) => (d.spec.config = { 'server.bolt.tls_level': 'REQUIRED' })));
    expect(conf(r).get('server.bolt.tls_level')).toBe('REQUIRED');
    expect(warnings(r)).toEqual(['spec.config server.bolt.tls_level=REQUIRED replaces the value OPTIONAL that neo4j-hooks derives from spec.tls']);
  });

  it('refuses a key that points the policies elsewhere', () => {
    const r = sync(withTls((d) => (d.spec.config = { 'dbms.ssl.policy.bolt.base_directory': '/ssl' })));
    expect(r.status.phase).toBe('Failed');
    expect(String(r.status.message)).toContain('spec.config key dbms.ssl.policy.bolt.base_directory is managed by neo4j-hooks while spec.tls is enabled; remove it');
  });

  it.each([
    ['5.26.12-enterprise', false],
    ['2025.01.0-enterprise', false],
    ['2025.02.1', false],
    ['2025.03.0-enterprise', true],
    ['2026.01.0', true],
  ])('image %s: dbms.security.tls_reload_enabled %s', (tag, reload) => {
    expect(conf(sync(withTls((d) => (d.spec.image.tag = tag)))).get('dbms.security.tls_reload_enabled')).toBe(reload ? 'true' : undefined);
  });

  it.skipIf(!HAS_SHARED)('writes only documented settings of the image version line', () => {
    for (const tag of ['5.26.0-enterprise', '2025.01.0', '2025.03.0', '2026.01.0']) {
      for (const trustAll of [false, true]) {
        const d = withTls((x) => {
          x.spec.image.tag = tag;
          x.spec.queryMonitoring = { enabled: true };
          if (trustAll) x.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' };
        });
        const version = parseNeo4jVersion(tag);
        if (!version.ok) throw new Error(tag);
        const keys = [...conf(sync(d)).keys()].filter((k) => /ssl|https|tls|metrics|db\.logs\.query/u.test(k));
        expect(keys.length).toBeGreaterThan(20);
        for (const key of keys) expect(checkSetting(key, { line: version.version.line, raw: tag }), `${key} on ${tag}`).toMatchObject({ documented: true });
      }
    }
  });

  it('changes the configuration hash, so enabling TLS restarts the server', () => {
    expect(hash(sync(withTls()))).not.toBe(hash(sync(doc())));
  });

  it('gives other kinds the +ssc scheme and the CA Secret of a TLS standalone', () => {
    const target = (d: Loose) => ({ kind: 'Neo4jEnterpriseStandalone' as const, name: 's', namespace: 'ns', object: d as unknown as K8sObject, spec: d.spec, status: {} });
    expect(targetConnection(target(withTls()))).toMatchObject({ scheme: 'bolt+ssc', tls: true, caSecret: { name: 's-tls-secret', key: 'ca.crt' } });
    expect(targetConnection(target(doc()))).toMatchObject({ scheme: 'bolt', tls: false });
  });
});

describe('standalone TLS: trust', () => {
  const trustAll = withTls((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' }));

  it('with the trust-all annotation, the backup policy accepts any certificate and asks for none', () => {
    const settings = conf(sync(trustAll));
    expect(settings.get('dbms.ssl.policy.backup.trust_all')).toBe('true');
    expect(settings.get('dbms.ssl.policy.backup.client_auth')).toBe('NONE');
    expect(settings.has('dbms.ssl.policy.bolt.trust_all')).toBe(false);
  });

  it('with the trust-all annotation, needs no ca.crt in the Secret and only server auth in the usages', () => {
    const volume = pod(sync(trustAll)).volumes!.find((v) => v.name === 'tls')!;
    expect(volume.projected!.sources![0]!.secret!.items!.map((i) => i.key)).toEqual(['tls.crt', 'tls.key', 'tls.crt']);
    const r = sync(withTls((d) => {
      d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' };
      d.spec.tls.usages = ['digital signature', 'server auth'];
    }));
    expect(r.status.phase).toBe('Pending');
  });

  it('ignores another annotation value with a warning, and warns when TLS is off', () => {
    expect(warnings(sync(withTls((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'yes' }))))).toEqual([
      `annotation ${TRUST_ALL_ANNOTATION}="yes" is ignored: use "true" or "false"; the servers trust only the issuing CA`,
    ]);
    expect(warnings(sync(doc((d) => (d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' }))))).toEqual([
      `annotation ${TRUST_ALL_ANNOTATION} has no effect: TLS is disabled`,
    ]);
  });

  it('refuses usages without client auth under strict trust, in standalone words', () => {
    const expected = 'spec.tls.usages must include "client auth": the server presents the certificate to its clients, and backup clients present it to the server';
    expect(certificateErrors({ usages: ['server auth'] }, { trustAll: false }, 'standalone')).toEqual([expected]);
    const r = sync(withTls((d) => (d.spec.tls.usages = ['digital signature', 'server auth'])));
    expect(r.status.phase).toBe('Failed');
    expect(String(r.status.message)).toContain(expected);
  });
});

describe('standalone TLS: issuability and readiness', () => {
  it('refuses a Certificate cert-manager would reject (phase Failed, nothing created)', () => {
    const r = sync(withTls((d) => (d.spec.tls.duration = '10m')));
    expect(r.status.phase).toBe('Failed');
    expect(String(r.status.message)).toContain('spec.tls.duration 10m is too short: cert-manager requires a certificate duration of at least 1h');
    expect(r.children).toEqual([]);
  });

  it('keeps the Certificate as last applied when a later spec is invalid', () => {
    const first = sync(withTls());
    const observed = observe(first, withTls());
    const frozen = sync(withTls((d) => (d.spec.tls.renewBefore = '1m')), observed);
    expect(frozen.status.phase).toBe('Failed');
    expect(frozen.children).toEqual(first.children);
  });

  it('reports a Certificate cert-manager has not issued, and nothing once it is ready', () => {
    const observed = observe(sync(withTls()), withTls());
    const cert = observed.find((c) => c.kind === 'Certificate')!;
    cert.status = { conditions: [{ type: 'Ready', status: 'False', reason: 'Pending', message: 'Issuer ca not found' }] };
    expect(warnings(sync(withTls(), observed))).toEqual([
      'Certificate s-tls-cert is not ready (Pending): Issuer ca not found; the server starts once cert-manager has issued Secret s-tls-secret',
    ]);
    cert.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect(warnings(sync(withTls(), observed))).toEqual([]);
  });
});

describe('standalone External Secrets', () => {
  const store = { name: 'vault', kind: 'ClusterSecretStore' };
  const tlsData = ['tls.crt', 'tls.key', 'ca.crt'].map((k) => ({ secretKey: k, remoteRef: { key: 'neo4j/tls', property: k } }));
  const authData = ['username', 'password'].map((k) => ({ secretKey: k, remoteRef: { key: 'neo4j/admin', property: k } }));
  const tlsFromStore = (mutate?: (d: Loose) => void) =>
    withTls((d) => {
      d.spec.tls.externalSecrets = { enabled: true, secretStoreRef: store, data: tlsData };
      mutate?.(d);
    });
  const authFromStore = (mutate?: (d: Loose) => void) =>
    doc((d) => {
      d.spec.auth = { externalSecrets: { enabled: true, secretStoreRef: { name: 'vault' }, data: authData } };
      mutate?.(d);
    });

  it('syncs <s>-tls-secret through <s>-tls-external-secret instead of a Certificate; the pod mounts it', () => {
    const r = sync(tlsFromStore());
    const es = child(r, 'ExternalSecret', 's-tls-external-secret')!;
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.target).toEqual({ name: 's-tls-secret', creationPolicy: 'Owner' });
    expect(es.spec.secretStoreRef).toEqual(store);
    expect(es.spec.refreshInterval).toBe('1h');
    expect(es.metadata.labels!['app.kubernetes.io/component']).toBe('external-secret');
    expect(schemaError(es)).toBeUndefined();
    expect(ids(r)).not.toContain('Certificate/s-tls-cert');
    expect(pod(r).volumes!.find((v) => v.name === 'tls')!.projected!.sources![0]!.secret!.name).toBe('s-tls-secret');
    expect(r.status.endpoints).toHaveProperty('https');
    expect(warnings(r)).toEqual(['spec.tls.issuerRef is not used: spec.tls.externalSecrets supplies Secret s-tls-secret, so no Certificate is created']);
  });

  it('refuses a TLS mapping without the keys the server mounts (ca.crt not needed under trust-all)', () => {
    const partial = (annotations?: Record<string, string>) =>
      sync(
        tlsFromStore((d) => {
          d.spec.tls.externalSecrets.data = tlsData.slice(0, 2);
          if (annotations) d.metadata.annotations = annotations;
        }),
      );
    expect(String(partial().status.message)).toContain(
      'spec.tls.externalSecrets.data must map the secretKey "ca.crt": the server mounts them as its certificate, private key and trusted CA',
    );
    expect(partial({ [TRUST_ALL_ANNOTATION]: 'true' }).status.phase).toBe('Pending');
  });

  it('with mode disabled, syncs the Secret as asked but mounts nothing, and says so', () => {
    const r = sync(tlsFromStore((d) => (d.spec.tls.mode = 'disabled')));
    expect(ids(r)).toContain('ExternalSecret/s-tls-external-secret');
    expect(pod(r).volumes!.map((v) => v.name)).not.toContain('tls');
    expect(warnings(r)).toEqual(['spec.tls.externalSecrets syncs Secret s-tls-secret, but spec.tls.mode is disabled: the server does not use it']);
  });

  it('feeds the server from <s>-auth-secret when spec.auth.adminSecret is unset', () => {
    const r = sync(authFromStore());
    const es = child(r, 'ExternalSecret', 's-auth-external-secret')!;
    expect(es.spec.target).toEqual({ name: 's-auth-secret', creationPolicy: 'Owner' });
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    const secrets = container(r).env!.filter((e) => e.valueFrom).map((e) => e.valueFrom!.secretKeyRef!.name);
    expect(secrets).toEqual(['s-auth-secret', 's-auth-secret']);
    expect(warnings(r)).toEqual([]);
    // Other kinds (databases, backups) log in with the same Secret.
    const d = authFromStore();
    expect(targetConnection({ kind: 'Neo4jEnterpriseStandalone', name: 's', namespace: 'ns', object: d as unknown as K8sObject, spec: d.spec, status: {} })!.adminSecret).toBe('s-auth-secret');
  });

  it('keeps an explicit adminSecret, with a warning that the synced Secret is unused', () => {
    const r = sync(authFromStore((d) => (d.spec.auth.adminSecret = 'mine')));
    expect(container(r).env!.find((e) => e.name === 'DB_PASSWORD')!.valueFrom!.secretKeyRef!.name).toBe('mine');
    expect(warnings(r)).toEqual([
      'spec.auth.externalSecrets syncs Secret s-auth-secret, but the server uses spec.auth.adminSecret mine: unset adminSecret (or set it to s-auth-secret) to use the synced credentials',
    ]);
  });

  it('refuses an auth mapping without username and password when the server reads it, and ESO-invalid values', () => {
    const r = sync(authFromStore((d) => (d.spec.auth.externalSecrets.data = [{ secretKey: 'pass word', remoteRef: { key: 'k' } }])));
    expect(r.status.phase).toBe('Failed');
    expect(String(r.status.message)).toContain('spec.auth.externalSecrets.data[0].secretKey "pass word" may only contain letters, digits, "-", "." and "_"');
    expect(String(r.status.message)).toContain(
      'spec.auth.externalSecrets.data must map the secretKey "username", "password": the server reads the admin credentials from Secret s-auth-secret',
    );
  });

  it('keeps neo4j-admin-secret without the auth block', () => {
    expect(container(sync(doc())).env!.find((e) => e.name === 'DB_USERNAME')!.valueFrom!.secretKeyRef!.name).toBe('neo4j-admin-secret');
  });
});

describe('standalone Ingress', () => {
  const ingressDoc = (ingress: Record<string, unknown>) => doc((d) => (d.spec.service = { ingress: { enabled: true, ...ingress } }));

  it('routes the host to <s>-service:7474 with class, TLS Secret and annotations (component ingress, as the operator labelled it)', () => {
    const r = sync(ingressDoc({ className: 'nginx', host: 'neo4j.example.com', tlsSecretName: 'web-tls', annotations: { a: 'b' } }));
    const ingress = child(r, 'Ingress', 's-ingress')!;
    expect(ingress.metadata.labels!['app.kubernetes.io/component']).toBe('ingress');
    expect(ingress.metadata.annotations).toEqual({ a: 'b' });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['neo4j.example.com'], secretName: 'web-tls' }],
      rules: [
        {
          host: 'neo4j.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's-service', port: { number: 7474 } } } }] },
        },
      ],
    });
    expect(schemaError(ingress)).toBeUndefined();
    expect(warnings(r)).toEqual([]);
  });

  it('refuses a host the API server would reject, instead of failing the apply', () => {
    const r = sync(ingressDoc({ host: '10.0.0.1' }));
    expect(r.status.phase).toBe('Failed');
    expect(String(r.status.message)).toContain('spec.service.ingress.host "10.0.0.1" is not a valid host name');
  });
});

describe('standalone monitoring', () => {
  const monitored = (qm: Record<string, unknown> = {}) => doc((d) => (d.spec.queryMonitoring = { enabled: true, ...qm }));

  it('turns on Neo4j\'s Prometheus endpoint and the slow-query log', () => {
    const settings = conf(sync(monitored({ slowQueryThreshold: '2s', explainPlan: false })));
    expect(settings.get('server.metrics.enabled')).toBe('true');
    expect(settings.get('server.metrics.prometheus.enabled')).toBe('true');
    expect(settings.get('server.metrics.prometheus.endpoint')).toBe('0.0.0.0:2004');
    expect(settings.get('db.logs.query.enabled')).toBe('INFO');
    expect(settings.get('db.logs.query.threshold')).toBe('2s');
    expect(settings.get('db.logs.query.plan_description_enabled')).toBe('false');
  });

  it('opens port metrics 2004 on the neo4j container with the prometheus.io annotations', () => {
    const r = sync(monitored());
    expect(container(r).ports).toContainEqual({ name: 'metrics', containerPort: 2004 });
    expect(sts(r).spec!.template.metadata!.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '2004', 'prometheus.io/path': '/metrics' });
    // The client Services never expose the metrics port.
    expect(service(r, 's-service').spec!.ports!.map((p) => p.name)).not.toContain('metrics');
  });

  it('adds <s>-metrics selecting the pod, and a ServiceMonitor that selects it and neither client Service', () => {
    const r = sync(monitored({ metricsExport: { interval: '1m' } }));
    const metrics = service(r, 's-metrics');
    expect(metrics.spec).toEqual({ type: 'ClusterIP', selector: { app: 's' }, ports: [{ name: 'metrics', port: 2004, targetPort: 2004, protocol: 'TCP' }] });
    const monitor = child(r, 'ServiceMonitor', 's-query-monitoring')!;
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '1m' }]);
    const selects = (labels: Record<string, string> | undefined) =>
      Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => labels?.[k] === v);
    expect(selects(metrics.metadata!.labels)).toBe(true);
    expect(selects(service(r, 's-service').metadata!.labels)).toBe(false);
    expect(selects(service(r, 's-headless').metadata!.labels)).toBe(false);
    expect(schemaError(monitor)).toBeUndefined();
    expect(ids(r)).not.toContain('PrometheusRule/s-query-alerts');
  });

  it('adds the PrometheusRule with metricsExport.prometheus, without the Raft leader alert of clusters', () => {
    const rule = child(sync(monitored({ metricsExport: { prometheus: true } })), 'PrometheusRule', 's-query-alerts')!;
    const alerts = (rule.spec.groups[0].rules as Array<{ alert: string; expr: string }>).map((a) => a.alert);
    expect(alerts).toEqual(['Neo4jSlowQueries', 'Neo4jHighMemoryUsage', 'Neo4jSlowCheckpoint']);
    expect((rule.spec.groups[0].rules as Array<{ expr: string }>)[0]!.expr).toContain('namespace="ns",service="s-metrics"');
    expect(schemaError(rule)).toBeUndefined();
  });

  it('refuses a threshold Neo4j cannot read, and warns about fields with no effect naming <s>-metrics', () => {
    expect(sync(monitored({ slowQueryThreshold: '1.5s' })).status.phase).toBe('Failed');
    expect(warnings(sync(monitored({ metricsExport: { customEndpoint: 'http://x' } })))).toEqual([
      'spec.queryMonitoring.metricsExport.customEndpoint is not used: Prometheus scrapes the s-metrics Service',
    ]);
  });

  it('lets spec.config tune the query log (with a warning) but not move the endpoint', () => {
    const tuned = sync(monitored({ slowQueryThreshold: '2s' }));
    const r = sync(doc((d) => {
      d.spec.queryMonitoring = { slowQueryThreshold: '2s' };
      d.spec.config = { 'db.logs.query.threshold': '500ms' };
    }));
    expect(conf(tuned).get('db.logs.query.threshold')).toBe('2s');
    expect(conf(r).get('db.logs.query.threshold')).toBe('500ms');
    expect(warnings(r)).toEqual(['spec.config db.logs.query.threshold=500ms replaces the value 2s that neo4j-hooks derives from spec.queryMonitoring']);
    const moved = sync(doc((d) => {
      d.spec.queryMonitoring = {};
      d.spec.config = { 'server.metrics.prometheus.endpoint': '0.0.0.0:9999' };
    }));
    expect(moved.status.phase).toBe('Failed');
    expect(String(moved.status.message)).toContain('spec.config key server.metrics.prometheus.endpoint is managed by neo4j-hooks while spec.queryMonitoring is enabled; remove it');
  });
});

describe('every feature at once', () => {
  it('emits schema-valid children in the declared order', () => {
    const r = sync(
      withTls((d) => {
        d.spec.auth = { externalSecrets: { enabled: true, secretStoreRef: { name: 'vault' }, data: ['username', 'password'].map((k) => ({ secretKey: k, remoteRef: { key: 'a' } })) } };
        d.spec.service = { ingress: { enabled: true, host: 'neo4j.example.com' } };
        d.spec.queryMonitoring = { metricsExport: { prometheus: true } };
      }),
    );
    expect(ids(r)).toEqual([
      'Certificate/s-tls-cert',
      'ExternalSecret/s-auth-external-secret',
      'ConfigMap/s-config',
      'Service/s-headless',
      'Service/s-metrics',
      'Service/s-service',
      'StatefulSet/s',
      'Ingress/s-ingress',
      'ServiceMonitor/s-query-monitoring',
      'PrometheusRule/s-query-alerts',
    ]);
    for (const c of r.children) expect(schemaError(c), `${c.kind}/${c.metadata.name}`).toBeUndefined();
    expect(r.children.filter((c) => FEATURE_KINDS.includes(c.kind)).every((c) => c.metadata.labels?.['app.kubernetes.io/instance'] === 's')).toBe(true);
    expect(warnings(r)).toEqual([]);
  });
});

describe.skipIf(!HAS_SHARED)('the operator\'s tls-standalone.yaml', () => {
  const example = HAS_SHARED ? operatorExamples().find((e) => e.id.startsWith('standalone/tls-standalone.yaml')) : undefined;

  it('renders TLS: Certificate, mounted Secret, policies, https, and no not-implemented warning', () => {
    expect(example).toBeDefined();
    const r = preview(example!.doc, [], { now: NOW }).response;
    const name = 'tls-standalone-example';
    expect(r.status.phase).toBe('Pending');
    expect(r.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      `Certificate/${name}-tls-cert`,
      `ConfigMap/${name}-config`,
      `Service/${name}-headless`,
      `Service/${name}-service`,
      `StatefulSet/${name}`,
    ]);
    const cert = child(r, 'Certificate', `${name}-tls-cert`)!;
    expect(cert.spec).toMatchObject({ secretName: `${name}-tls-secret`, issuerRef: { name: 'ca-cluster-issuer', kind: 'ClusterIssuer' }, privateKey: { encoding: 'PKCS8' } });
    const set = child<StatefulSet>(r, 'StatefulSet', name)!;
    expect(set.spec!.template.spec!.volumes!.find((v) => v.name === 'tls')!.projected!.sources![0]!.secret!.name).toBe(`${name}-tls-secret`);
    const text = child<{ data: Record<string, string> }>(r, 'ConfigMap', `${name}-config`)!.data['neo4j.conf']!;
    const settings = new Map(confEntries(text).map((e) => [e.key, e.value]));
    for (const scope of ['bolt', 'https', 'backup']) expect(settings.get(`dbms.ssl.policy.${scope}.enabled`)).toBe('true');
    expect(settings.get('server.https.enabled')).toBe('true');
    expect(settings.get('db.logs.query.threshold')).toBe('1s');
    expect(r.status.endpoints).toMatchObject({ https: `https://${name}-service.default.svc.cluster.local:7473` });
    expect(((r.status.warnings as string[] | undefined) ?? []).filter((w) => /not implemented/u.test(w))).toEqual([]);
    for (const c of r.children) expect(schemaError(c), `${c.kind}/${c.metadata.name}`).toBeUndefined();
  });
});
