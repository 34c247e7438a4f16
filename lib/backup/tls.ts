/**
 * The backup client's side of a TLS deployment. A cluster or standalone that serves TLS
 * (`spec.tls.mode: cert-manager`, lib/tls) turns on the `backup` SSL policy on port 6362; under
 * strict trust (the default) that policy requires a client certificate from the deployment's CA.
 * `neo4j-admin database backup` reads its SSL policy from its configuration, and takes an extra
 * file with `--additional-config=<file>` (every supported version: the option exists on 5.26 and
 * every calendar version). So a backup pod mounts:
 *
 * - the deployment's TLS Secret `<target>-tls-secret` with exactly the servers' projected layout
 *   (lib/tls/volume.ts) at the same path, so the same policy entries point at the right files: the
 *   certificate it presents, its key, and the CA it trusts;
 * - a ConfigMap holding the `backup` policy entries, rendered from constants and the trust mode
 *   (no user value ever reaches it).
 *
 * Under strict trust the client also verifies the server's host name (the default from 2025.01,
 * made explicit for 5.26): backups dial each server's headless name, which the Certificate lists.
 * Under trust-all (the annotation) the client accepts any certificate, as the servers do.
 */
import type { ConfigMap, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { K8sObject } from '../k8s/object.js';
import type { TLSSpec } from '../schemas/shared.js';
import { deploymentTls } from '../tls/certificate.js';
import { sslPolicyEntries, type TlsTrust } from '../tls/settings.js';
import { tlsVolume, tlsVolumeMount } from '../tls/volume.js';
import { isRecord } from '../k8s/object.js';

/** Where the backup client's configuration file is mounted (read-only). */
export const BACKUP_CLIENT_CONFIG_MOUNT = '/backup-config';
/** Key of the ConfigMap (and file name) holding the backup SSL policy. */
export const BACKUP_CLIENT_CONFIG_KEY = 'backup-tls.conf';
/** The file `--additional-config` names. */
export const BACKUP_CLIENT_CONFIG_PATH = `${BACKUP_CLIENT_CONFIG_MOUNT}/${BACKUP_CLIENT_CONFIG_KEY}`;
/** Name of the configuration volume in backup pods. */
export const BACKUP_CLIENT_CONFIG_VOLUME = 'backup-config';

/** What a backup client needs of a deployment that serves TLS. */
export interface BackupTls {
  /** The deployment's trust mode (strict CA trust, or trust-all by annotation). */
  trust: TlsTrust;
  /** The deployment's TLS Secret, `<name>-tls-secret`. */
  secret: string;
}

/**
 * The TLS of a deployment as a backup client needs it, from the deployment's own spec and
 * annotations (read defensively: a related object is another controller's), or undefined when
 * it serves no TLS. The same rule the deployment's reconciler applies (deploymentTls), so the
 * client's policy always matches the server's.
 */
export function deploymentBackupTls(name: string, spec: Record<string, unknown>, annotations: Readonly<Record<string, string>> | undefined): BackupTls | undefined {
  const tls = isRecord(spec.tls) ? (spec.tls as TLSSpec) : undefined;
  const deployment = deploymentTls(tls, annotations);
  return deployment ? { trust: deployment.trust, secret: `${name}-tls-secret` } : undefined;
}

/** The backup client's settings: the servers' `backup` policy, plus host-name verification under strict trust. */
export function backupClientSettings(trust: TlsTrust): Array<[string, string]> {
  const entries = sslPolicyEntries('backup', trust);
  return trust.trustAll ? entries : [...entries, ['dbms.ssl.policy.backup.verify_hostname', 'true']];
}

/** The configuration file `--additional-config` reads. */
export function renderBackupClientConf(trust: TlsTrust): string {
  const lines = backupClientSettings(trust).map(([key, value]) => `${key}=${value}`);
  return `# neo4j-hooks: the backup SSL policy of the client (${trust.trustAll ? 'trust all, by annotation' : 'trust the issuing CA only'})\n${lines.join('\n')}\n`;
}

/** ConfigMap `name` holding {@link renderBackupClientConf}. */
export function buildBackupClientConfigMap(name: string, namespace: string, labels: Record<string, string>, trust: TlsTrust): ConfigMap & K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { [BACKUP_CLIENT_CONFIG_KEY]: renderBackupClientConf(trust) } };
}

/** The volumes and mounts of a backup container that dials TLS servers: the TLS Secret and the policy file. */
export function backupTlsMounts(tls: BackupTls, configMap: string): { volumes: Volume[]; mounts: VolumeMount[] } {
  return {
    volumes: [tlsVolume(tls.secret, tls.trust), { name: BACKUP_CLIENT_CONFIG_VOLUME, configMap: { name: configMap, defaultMode: 0o440 } }],
    mounts: [tlsVolumeMount(), { name: BACKUP_CLIENT_CONFIG_VOLUME, mountPath: BACKUP_CLIENT_CONFIG_MOUNT, readOnly: true }],
  };
}
