/**
 * Neo4j's SSL framework wired to a cert-manager style Secret (`tls.crt`, `tls.key`, `ca.crt`),
 * mounted as one directory. Policies `bolt`, `https`, `cluster` and `backup` share the directory
 * (a standalone has no cluster traffic, so no `cluster` policy):
 *
 * - strict trust (the default): the issuing CA (`ca.crt`) is the only trust anchor; the cluster
 *   (6000/7000/7688) and backup (6362) policies require client certificates, so only holders of a
 *   certificate from that CA can join the cluster or take a backup, and the cluster policy checks
 *   the peer's host name (the Certificate lists every name the servers advertise);
 * - trust all (opt-in, for issuers that put no `ca.crt` in the Secret): traffic is encrypted but
 *   any certificate is accepted and no client certificate is asked for, as the operator did.
 *
 * Bolt TLS is OPTIONAL (existing plain clients keep working; `server.bolt.tls_level=REQUIRED` in
 * spec.config enforces it). Clients never present certificates on Bolt or HTTPS (client_auth NONE).
 * Every key is a documented `dbms.ssl.policy.<scope>.<suffix>` or server setting of 5.26 and calver;
 * `dbms.security.tls_reload_enabled` only from 2025.03, where it exists.
 */
import type { DeploymentShape, FeatureSettings } from '../features/settings.js';
import { PORTS } from '../neo4j/config.js';
import { versionAtLeast, type Neo4jVersion } from '../neo4j/version.js';

/** Where the TLS Secret is mounted (read-only, whole directory: renewals reach running pods). */
export const TLS_MOUNT = '/neo4j-tls';
/** Files of the mounted directory, as the policies name them. */
export const TLS_FILES = { privateKey: 'private.key', publicCertificate: 'public.crt', trustedDir: 'trusted' } as const;
/** The SSL policy scopes the servers enable. */
export const SSL_SCOPES = ['bolt', 'https', 'cluster', 'backup'] as const;
/** An SSL policy scope. */
export type SslScope = (typeof SSL_SCOPES)[number];
/** The scopes each kind of deployment enables: every scope for a cluster, all but `cluster` for a standalone. */
export const SHAPE_SSL_SCOPES: Readonly<Record<DeploymentShape, readonly SslScope[]>> = {
  cluster: SSL_SCOPES,
  standalone: ['bolt', 'https', 'backup'],
};
/** First Neo4j version with live certificate reload (`dbms.security.tls_reload_enabled`). */
export const TLS_RELOAD_VERSION = '2025.03';

/** Policy suffixes that point at the mounted files or switch a policy: the user may not set them. */
const WIRING_SUFFIXES = ['enabled', 'base_directory', 'private_key', 'private_key_password', 'public_certificate', 'trusted_dir', 'revoked_dir', 'trust_all'] as const;

/** How the servers trust peer certificates. */
export interface TlsTrust {
  /** Accept any certificate (no CA in the Secret); no client certificates are required. */
  trustAll: boolean;
}

/** Scopes whose peers are other servers or backup clients: mutual TLS under strict trust. */
function isInternal(scope: SslScope): boolean {
  return scope === 'cluster' || scope === 'backup';
}

/**
 * The settings of one policy over the mounted directory. Also what a backup client (neo4j-admin)
 * needs for scope `backup`, with the same Secret mounted at {@link TLS_MOUNT}.
 */
export function sslPolicyEntries(scope: SslScope, trust: TlsTrust): Array<[string, string]> {
  const key = (suffix: string) => `dbms.ssl.policy.${scope}.${suffix}`;
  const entries: Array<[string, string]> = [
    [key('enabled'), 'true'],
    [key('base_directory'), TLS_MOUNT],
    [key('private_key'), TLS_FILES.privateKey],
    [key('public_certificate'), TLS_FILES.publicCertificate],
    [key('trusted_dir'), TLS_FILES.trustedDir],
  ];
  if (!isInternal(scope)) {
    entries.push([key('client_auth'), 'NONE']);
  } else if (trust.trustAll) {
    // Without trust anchors Neo4j refuses client_auth REQUIRE, so trust-all cannot authenticate peers.
    entries.push([key('client_auth'), 'NONE'], [key('trust_all'), 'true']);
  } else {
    entries.push([key('client_auth'), 'REQUIRE']);
    if (scope === 'cluster') entries.push([key('verify_hostname'), 'true']);
  }
  return entries;
}

/** Every key a TLS-enabled server must not take from spec.config: the wiring of the policies of `scopes`. */
export function ownedTlsKeys(scopes: readonly SslScope[] = SSL_SCOPES): string[] {
  return scopes.flatMap((scope) => WIRING_SUFFIXES.map((suffix) => `dbms.ssl.policy.${scope}.${suffix}`));
}

/** The TLS block of neo4j.conf for a server of `version` in a deployment of `shape` (the policies of {@link SHAPE_SSL_SCOPES}). */
export function tlsSettings(version: Neo4jVersion, trust: TlsTrust, shape: DeploymentShape = 'cluster'): FeatureSettings {
  const scopes = SHAPE_SSL_SCOPES[shape];
  return {
    title: `TLS (spec.tls): certificates mounted at ${TLS_MOUNT}, ${trust.trustAll ? 'trust all (annotation)' : 'trust the issuing CA only'}`,
    source: 'spec.tls',
    entries: [
      ...scopes.flatMap((scope) => sslPolicyEntries(scope, trust)),
      ['server.https.enabled', 'true'],
      ['server.https.listen_address', `0.0.0.0:${PORTS.https}`],
      ['server.bolt.tls_level', 'OPTIONAL'],
      ...(versionAtLeast(version, TLS_RELOAD_VERSION) ? [['dbms.security.tls_reload_enabled', 'true'] as [string, string]] : []),
    ],
    owned: ownedTlsKeys(scopes),
  };
}
