/**
 * The Neo4j deployment a backup reads from or a restore seeds into: a Neo4jEnterpriseCluster or,
 * when none has the name, a Neo4jEnterpriseStandalone, read as related objects. How to reach it
 * (client Service, Bolt scheme, admin Secret, image) comes from lib/targets/connection.ts, shared
 * with the other kinds that talk to a deployment; what only backups need is added here: every
 * server's backup address, the stable pod DNS name through the deployment's headless Service on
 * port 6362, so `neo4j-admin` can try each server in turn (names the deployment's Certificate
 * lists, so TLS host-name verification succeeds), and the deployment's TLS when it serves TLS.
 */
import type { ClusterSpec } from '../schemas/cluster.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import type { RelatedResource } from '../hook/reconciler.js';
import type { ObservedMap } from '../k8s/observed.js';
import { clusterNames } from '../cluster/names.js';
import { standaloneNames } from '../standalone/names.js';
import { PORTS } from '../neo4j/config.js';
import { checkSupportedVersion, type Neo4jVersion } from '../neo4j/version.js';
import { resolveTarget, targetRules as connectionRules, TARGET_RELATED as CONNECTION_RELATED, type TargetKind } from '../targets/connection.js';
import { deploymentBackupTls, type BackupTls } from './tls.js';

/** The deployment kinds read as related objects. */
export const TARGET_RELATED: readonly RelatedResource[] = CONNECTION_RELATED;

/** Where to look for a deployment. */
export interface TargetRef {
  name: string;
  namespace: string;
}

/** Customize rules that make Metacontroller send the deployment(s) named `ref` (one per kind). */
export function targetRules(ref: TargetRef): RelatedResourceRule[] {
  return connectionRules(ref.name, ref.namespace);
}

/** A resolved deployment and what backup and restore Jobs need to reach it. */
export interface Target {
  kind: TargetKind;
  name: string;
  namespace: string;
  /** `<repo>:<tag>` of the servers: Jobs run the same Neo4j (neo4j-admin and cypher-shell match the server). */
  image: string;
  pullPolicy: string;
  pullSecrets: string[];
  /** Undefined when the tag is not a supported Neo4j version (see {@link Target.versionError}). */
  version?: Neo4jVersion;
  versionError?: string;
  /** `host:6362` of every server, in ordinal order. */
  backupAddresses: string[];
  /**
   * Present when the deployment serves TLS: its `backup` SSL policy (6362) then needs a client
   * with the deployment's certificate and the policy file (lib/backup/tls.ts).
   */
  tls?: BackupTls;
  /** Bolt URI of the client Service (routing for a cluster, `+ssc` under TLS). */
  boltUri: string;
  /** Secret with keys `username` and `password`. */
  adminSecret: string;
  ready: boolean;
  /** Why the deployment cannot be used yet, for status. */
  notReadyReason: string;
}

/** What {@link findTarget} found. */
export type TargetLookup = { found: false; message: string } | { found: true; target: Target };

function backupAddresses(kind: TargetKind, name: string, namespace: string, spec: Record<string, unknown>): string[] {
  if (kind === 'Neo4jEnterpriseStandalone') {
    const names = standaloneNames(name, namespace);
    return [`${names.serviceFqdn(`${names.pod}.${names.headless}`)}:${PORTS.backup}`];
  }
  const names = clusterNames(name, namespace);
  const servers = Number((spec as Partial<ClusterSpec>).topology?.servers ?? 0);
  const count = Number.isInteger(servers) && servers > 0 ? servers : 0;
  return Array.from({ length: count }, (_, i) => `${names.podFqdn(i)}:${PORTS.backup}`);
}

/**
 * The deployment `ref` among the related objects (a cluster first, else a standalone). Not found,
 * being deleted or without an image: `found: false` with the reason; otherwise the target, ready
 * or not.
 */
export function findTarget(related: ObservedMap, ref: TargetRef): TargetLookup {
  const state = resolveTarget(related, ref.name, ref.namespace);
  if (state.state === 'missing') return { found: false, message: targetMissingMessage(ref) };
  if (state.state === 'unusable') return { found: false, message: state.message };
  const { connection, target } = state;
  const tag = String((target.spec.image as { tag?: unknown } | undefined)?.tag ?? '');
  const check = checkSupportedVersion(tag);
  return {
    found: true,
    target: {
      kind: target.kind,
      name: target.name,
      namespace: target.namespace,
      image: connection.image,
      pullPolicy: connection.imagePullPolicy,
      pullSecrets: connection.imagePullSecrets,
      ...(check.supported ? { version: check.version } : { versionError: `${check.message}: ${check.detail}` }),
      backupAddresses: backupAddresses(target.kind, target.name, target.namespace, target.spec),
      ...withTls(deploymentBackupTls(target.name, target.spec, target.object.metadata.annotations)),
      boltUri: connection.uri,
      adminSecret: connection.adminSecret,
      ready: state.state === 'ready',
      notReadyReason: state.state === 'waiting' ? state.message : '',
    },
  };
}

function withTls(tls: BackupTls | undefined): { tls?: BackupTls } {
  return tls ? { tls } : {};
}

/** The status message while `ref` is not observed. */
export function targetMissingMessage(ref: TargetRef): string {
  return `no Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone named ${ref.name} in namespace ${ref.namespace}`;
}
