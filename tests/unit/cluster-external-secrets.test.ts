/**
 * spec.tls.externalSecrets and spec.auth.externalSecrets: ExternalSecrets (external-secrets.io/v1)
 * targeting `<c>-tls-secret` / `<c>-auth-secret`, wired to what the pods mount and read.
 */
import { describe, expect, it } from 'vitest';
import { CLUSTER_CHILDREN } from '../../lib/cluster/reconciler.js';
import { externalSecretErrors } from '../../lib/secrets/external-secret.js';
import { TRUST_ALL_ANNOTATION } from '../../lib/tls/certificate.js';
import { child, clusterDoc, neo4jContainer, podSpec, sync, warnings, type LooseCluster } from '../support/cluster-case.js';

type ES = { spec: Record<string, any> };

const store = { name: 'vault', kind: 'ClusterSecretStore' };
const tlsData = [
  { secretKey: 'tls.crt', remoteRef: { key: 'neo4j/tls', property: 'crt' } },
  { secretKey: 'tls.key', remoteRef: { key: 'neo4j/tls', property: 'key' } },
  { secretKey: 'ca.crt', remoteRef: { key: 'neo4j/tls', property: 'ca' } },
];
const authData = [
  { secretKey: 'username', remoteRef: { key: 'neo4j/admin', property: 'user' } },
  { secretKey: 'password', remoteRef: { key: 'neo4j/admin', property: 'pass', version: '2' } },
];

const withTlsES = (mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.tls = { mode: 'cert-manager', issuerRef: { name: 'ca' }, externalSecrets: { enabled: true, secretStoreRef: store, refreshInterval: '10m', data: tlsData } };
    mutate?.(d);
  });
const withAuthES = (mutate?: (d: LooseCluster) => void) =>
  clusterDoc((d) => {
    d.spec.auth = { externalSecrets: { enabled: true, secretStoreRef: { name: 'vault' }, data: authData } };
    mutate?.(d);
  });

function credentialSecret(doc: LooseCluster): string[] {
  return (neo4jContainer(sync(doc)).env ?? []).filter((e) => e.name.startsWith('DB_')).map((e) => `${e.name}:${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`);
}

describe('External Secrets: declaration and shape', () => {
  it('declares ExternalSecret v1 as an external-secrets integration child', () => {
    expect(CLUSTER_CHILDREN.find((c) => c.kind === 'ExternalSecret')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      resource: 'externalsecrets',
      updateStrategy: 'InPlace',
      integration: 'external-secrets',
    });
  });

  it('emits none when neither block is enabled', () => {
    const response = sync(clusterDoc((d) => (d.spec.auth = { externalSecrets: { enabled: false, data: authData } })));
    expect(response.children.some((c) => c.kind === 'ExternalSecret')).toBe(false);
  });

  it('builds <c>-tls-external-secret targeting <c>-tls-secret, owned by the ExternalSecret', () => {
    const es = child<ES>(sync(withTlsES()), 'ExternalSecret', 'graph-tls-external-secret')!;
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.labels?.['neo4j.com/role']).toBe('external-secret');
    expect(es.spec).toEqual({
      secretStoreRef: store,
      target: { name: 'graph-tls-secret', creationPolicy: 'Owner' },
      refreshInterval: '10m',
      data: tlsData,
    });
  });

  it('defaults the store kind to SecretStore and the refresh interval to 1h, and keeps remoteRef version/property', () => {
    const es = child<ES>(sync(withAuthES()), 'ExternalSecret', 'graph-auth-external-secret')!;
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    expect(es.spec.refreshInterval).toBe('1h');
    expect(es.spec.target).toEqual({ name: 'graph-auth-secret', creationPolicy: 'Owner' });
    expect(es.spec.data[1]).toEqual({ secretKey: 'password', remoteRef: { key: 'neo4j/admin', property: 'pass', version: '2' } });
  });
});

describe('External Secrets: TLS', () => {
  it('supplies the TLS Secret instead of cert-manager: no Certificate, the pods mount <c>-tls-secret', () => {
    const response = sync(withTlsES());
    expect(response.children.some((c) => c.kind === 'Certificate')).toBe(false);
    expect(podSpec(response).volumes?.find((v) => v.name === 'tls')?.projected?.sources?.[0]?.secret?.name).toBe('graph-tls-secret');
    expect(warnings(response)).toContain('spec.tls.issuerRef is not used: spec.tls.externalSecrets supplies Secret graph-tls-secret, so no Certificate is created');
  });

  it('refuses a mapping without the keys the pods mount', () => {
    const response = sync(withTlsES((d) => (d.spec.tls.externalSecrets.data = tlsData.slice(0, 2))));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toContain(
      'spec.tls.externalSecrets.data must map the secretKey "ca.crt": the servers mount them as their certificate, private key and trusted CA',
    );
  });

  it('needs no ca.crt under trust-all', () => {
    const response = sync(
      withTlsES((d) => {
        d.spec.tls.externalSecrets.data = tlsData.slice(0, 2);
        d.metadata.annotations = { [TRUST_ALL_ANNOTATION]: 'true' };
      }),
    );
    expect(response.status.phase).not.toBe('Failed');
  });

  it('with mode disabled, syncs the Secret as the operator did but mounts nothing, and says so', () => {
    const response = sync(withTlsES((d) => (d.spec.tls.mode = 'disabled')));
    expect(child(response, 'ExternalSecret', 'graph-tls-external-secret')).toBeDefined();
    expect(podSpec(response).volumes?.some((v) => v.name === 'tls')).toBe(false);
    expect(warnings(response)).toContain('spec.tls.externalSecrets syncs Secret graph-tls-secret, but spec.tls.mode is disabled: the servers do not use it');
  });
});

describe('External Secrets: admin credentials', () => {
  it('feeds the servers from <c>-auth-secret when spec.auth.adminSecret is unset', () => {
    expect(credentialSecret(withAuthES())).toEqual(['DB_USERNAME:graph-auth-secret/username', 'DB_PASSWORD:graph-auth-secret/password']);
    expect(credentialSecret(withAuthES((d) => (d.spec.auth.adminSecret = 'graph-auth-secret')))).toEqual([
      'DB_USERNAME:graph-auth-secret/username',
      'DB_PASSWORD:graph-auth-secret/password',
    ]);
  });

  it('keeps an explicit adminSecret, with a warning that the synced Secret is unused', () => {
    const doc = withAuthES((d) => (d.spec.auth.adminSecret = 'my-admin'));
    expect(credentialSecret(doc)).toEqual(['DB_USERNAME:my-admin/username', 'DB_PASSWORD:my-admin/password']);
    expect(warnings(sync(doc))).toContain(
      'spec.auth.externalSecrets syncs Secret graph-auth-secret, but the servers use spec.auth.adminSecret my-admin: unset adminSecret (or set it to graph-auth-secret) to use the synced credentials',
    );
  });

  it('refuses a mapping without username and password when the servers read it', () => {
    const response = sync(withAuthES((d) => (d.spec.auth.externalSecrets.data = [authData[0]])));
    expect(response.status.phase).toBe('Failed');
    expect(response.status.message).toContain('spec.auth.externalSecrets.data must map the secretKey "password": the servers read the admin credentials from Secret graph-auth-secret');
    expect(sync(withAuthES((d) => ((d.spec.auth.externalSecrets.data = [authData[0]]), (d.spec.auth.adminSecret = 'x')))).status.phase).not.toBe('Failed');
  });

  it('keeps neo4j-admin-secret without the auth block', () => {
    expect(credentialSecret(clusterDoc())).toEqual(['DB_USERNAME:neo4j-admin-secret/username', 'DB_PASSWORD:neo4j-admin-secret/password']);
  });
});

describe('External Secrets: what ESO would refuse', () => {
  it('requires a remoteRef per entry and ESO-valid secret keys and store names', () => {
    expect(
      externalSecretErrors(
        { enabled: true, secretStoreRef: { name: 'Vault_Store' }, data: [{ secretKey: 'user name' }, { secretKey: 'ok', remoteRef: { key: 'k' } }] },
        'spec.auth.externalSecrets',
        [],
        '',
      ),
    ).toEqual([
      'spec.auth.externalSecrets.secretStoreRef.name "Vault_Store" is not a valid resource name (lowercase letters, digits, "-" and ".")',
      'spec.auth.externalSecrets.data[0].secretKey "user name" may only contain letters, digits, "-", "." and "_"',
      'spec.auth.externalSecrets.data[0].remoteRef is required: External Secrets needs the key of the value in the store',
    ]);
  });

  it('checks nothing for a disabled block', () => {
    expect(externalSecretErrors({ enabled: false, data: [{ secretKey: '!' }] }, 'p', ['x'], '')).toEqual([]);
  });
});
