/**
 * The cluster's centralized backup agent, the operator's StatefulSet `<c>-backup`, emitted when a
 * Neo4jEnterpriseCluster sets `spec.backups`. One pod, `<c>-backup-0`, runs the cluster's image
 * with a FIXED script (BACKUP_AGENT_SCRIPT) that sleeps until the daily time, takes a FULL backup
 * of every database (`*`) from every server, and keeps the newest N backups:
 *
 * - schedule: `spec.backups.schedule`, `"HH:MM"` in UTC, default `02:00` (the operator's agent ran at
 *   02:00 container time, which is UTC in the official image); only this daily form exists, because
 *   the agent computes its next run with integer arithmetic (UTC days are 86 400 s) instead of
 *   parsing cron in bash. Anything more elaborate is a Neo4jBackup with a cron `schedule`;
 * - where: `/backups/<YYYY-MM-DDTHH-MM-SSZ>/` on the agent's own volume (`backup-storage`, class and
 *   size from `spec.storage.backupStorage`, else `spec.storage`), or, when
 *   `spec.backups.defaultStorage` is s3/gcs/azure, `<scheme>://<bucket>/<path or <c>-backup>/<stamp>/`
 *   with the credentials and identity of `defaultStorage.cloud` completed by `spec.backups.cloud`
 *   (the same rules as Neo4jBackup, lib/backup/storage.ts). The volume is also the `--temp-path`
 *   (a cloud backup needs local room for a whole backup), so the StatefulSet's shape, whose claim
 *   templates can never change, is the same for every destination;
 * - retention: `spec.backups.keep`, default 10, newest kept, on the volume only. Every backup is
 *   FULL in a folder of its own, so deleting a whole old folder never breaks a chain. A failed run
 *   leaves nothing behind (it works in `<stamp>.partial` and renames on success), so failures
 *   never push good backups out. neo4j-admin cannot delete objects in a bucket: use lifecycle rules;
 * - TLS: a cluster that serves TLS gets the client's backup SSL policy (ConfigMap `<c>-backup-agent`)
 *   and its own TLS Secret mounted as the servers mount it, exactly as a Neo4jBackup Job
 *   (lib/backup/tls.ts); `--from` lists each server's headless name, which the Certificate lists.
 *
 * No Service of the cluster selects the agent: they all select `neo4j.com/server-name=server`,
 * which only server pods carry (lib/cluster/labels.ts). Its governing Service is the operator's
 * `<c>-backup-headless` (the operator referenced it but never created it; serviceName is immutable,
 * so a StatefulSet migrated from the operator keeps that name anyway): headless, no ports, so it
 * gives the pod a stable DNS name and carries no traffic. The claim is kept when the StatefulSet
 * goes (`persistentVolumeClaimRetentionPolicy.whenDeleted: Retain`): backups outlive the cluster
 * CR and a removed `spec.backups`; re-adding it reuses `backup-storage-<c>-backup-0`.
 */
import { neo4jContainerSecurityContext, neo4jPodSecurityContext } from '../neo4j/pod.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Container, EnvVar, PodSpec, Service, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { ClusterSpec } from '../schemas/cluster.js';
import type { BackupsSpec } from '../schemas/shared.js';
import { BACKUP_AGENT_TIME_PATTERN } from '../schemas/shared.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved, type ObservedMap } from '../k8s/observed.js';
import { parseQuantity, QuantityError } from '../k8s/quantity.js';
import { keepImmutableFields } from '../k8s/statefulset.js';
import { PORTS } from '../neo4j/config.js';
import { backupOptions } from '../backup/command.js';
import {
  BACKUP_MOUNT,
  cloudAccess,
  effectiveCloud,
  folderUri,
  isCloudType,
  normalizePath,
  PROVIDER_OF,
  validateCloudLocation,
  type CloudAccess,
  type CloudStorageType,
  type Findings,
} from '../backup/storage.js';
import { BACKUP_CLIENT_CONFIG_PATH, backupTlsMounts, buildBackupClientConfigMap, type BackupTls } from '../backup/tls.js';
import { clusterLabels } from './labels.js';
import type { ClusterModel } from './model.js';

/** Defaults of the agent: the operator's daily 02:00 FULL backup, 10 kept. */
export const BACKUP_AGENT_DEFAULTS = { schedule: '02:00', keep: 10 } as const;

/** The agent's resources (the operator's): requests 100m/256Mi, limits 500m/1Gi. */
export const BACKUP_AGENT_RESOURCES = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '500m', memory: '1Gi' },
} as const;

/** neo4j-admin's heap (`HEAP_SIZE`) and page cache (`--pagecache`): together well inside the 1Gi limit. */
export const BACKUP_AGENT_MEMORY = { heap: '512m', pageCache: '128M' } as const;

/** Seconds between the (at most three) attempts of one day's backup. */
export const BACKUP_AGENT_RETRY_DELAY_SECONDS = 300;

/** Scratch space for `--temp-path`: a hidden folder on the agent's volume, emptied before each run. */
export const BACKUP_AGENT_SCRATCH = `${BACKUP_MOUNT}/.scratch`;

/** Name of the agent's volume claim template (the operator's). */
export const BACKUP_AGENT_VOLUME = 'backup-storage';

/** Names of the agent's objects for cluster `c`. */
export function backupAgentNames(c: string) {
  const statefulSet = `${c}-backup`;
  return {
    statefulSet,
    /** Governing headless Service (the name the operator's StatefulSet already carries). */
    service: `${c}-backup-headless`,
    pod: `${statefulSet}-0`,
    claim: `${BACKUP_AGENT_VOLUME}-${statefulSet}-0`,
    /**
     * The backup SSL policy of a TLS cluster. Neither `<c>-backup-config` (a cluster or standalone
     * named `<c>-backup` owns that) nor `<c>-backup-tls` (a Neo4jBackup named `<c>` owns that).
     */
    config: `${c}-backup-agent`,
    /** ServiceAccount created for `cloud.identity.autoCreate` (the operator's name). */
    serviceAccount: `${c}-cloud-identity`,
    /** Folder of the agent's backups in a bucket when `defaultStorage.path` is unset. */
    folder: statefulSet,
  };
}

/** Names of one agent (see {@link backupAgentNames}). */
export type BackupAgentNames = ReturnType<typeof backupAgentNames>;

/** The agent's selector (the operator's): never matches a server pod, which has no `neo4j.com/component`. */
export function backupAgentSelector(c: string): Record<string, string> {
  return { 'neo4j.com/cluster': c, 'neo4j.com/component': 'backup' };
}

/**
 * Labels of the agent's pod (the operator's four). No `neo4j.com/server-name`, so no Service of the
 * cluster, its PodDisruptionBudget or the server StatefulSet ever selects it.
 */
export function backupAgentPodLabels(c: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'neo4j', ...backupAgentSelector(c), 'neo4j.com/instance': c };
}

/** Labels of the agent's objects: the cluster labels with role `backup`, plus `neo4j.com/component=backup`. */
function agentLabels(c: string, tag: string): Record<string, string> {
  return { ...clusterLabels(c, tag, 'backup'), 'neo4j.com/component': 'backup' };
}

/** The daily time and the number kept, with the defaults applied. */
export function backupAgentSchedule(backups: BackupsSpec): { at: string; keep: number } {
  return { at: backups.schedule ?? BACKUP_AGENT_DEFAULTS.schedule, keep: backups.keep ?? BACKUP_AGENT_DEFAULTS.keep };
}

/** Where the agent writes. */
export type BackupAgentDestination =
  | { kind: 'volume'; root: string }
  | { kind: 'cloud'; type: CloudStorageType; uri: string };

/** The agent's destination: a cloud `defaultStorage` folder, else its own volume. Assumes validated backups. */
export function backupAgentDestination(backups: BackupsSpec, names: BackupAgentNames): BackupAgentDestination {
  const storage = backups.defaultStorage;
  if (!storage || !isCloudType(storage.type)) return { kind: 'volume', root: BACKUP_MOUNT };
  return { kind: 'cloud', type: storage.type, uri: folderUri(storage.type, storage.bucket ?? '', normalizePath(storage.path) || names.folder) };
}

const TIME = new RegExp(BACKUP_AGENT_TIME_PATTERN, 'u');

/** Messages of validateCloudLocation that validateCluster's operator rule already reports for spec.backups.cloud. */
const REPORTED_BY_CLUSTER = /annotation in cloud\.identity\.autoCreate\.annotations$/u;

/**
 * What `spec.backups` (and `spec.storage.backupStorage`) get wrong for the agent, beyond the
 * operator's cloud rule that validateCluster checks: the daily time, the number kept, the agent's
 * volume size, a cloud destination (bucket, path, provider, credentials, identity), and fields the
 * agent does not use. Empty without `spec.backups`. Deterministic order.
 */
export function backupAgentFindings(spec: ClusterSpec, c: string): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  const backups = spec.backups;
  if (!backups) return findings;
  const names = backupAgentNames(c);
  if (backups.schedule !== undefined && !TIME.test(backups.schedule)) {
    findings.errors.push(
      `spec.backups.schedule ${JSON.stringify(backups.schedule)} is not a daily time: use "HH:MM" (24-hour, UTC), for example "02:00"; ` +
        'the backup agent runs once a day (for other schedules use a Neo4jBackup with a cron schedule)',
    );
  }
  if (backups.keep !== undefined && (!Number.isInteger(backups.keep) || backups.keep < 1)) {
    findings.errors.push(`spec.backups.keep must be a whole number of at least 1, got ${JSON.stringify(backups.keep)}`);
  }
  const size = spec.storage.backupStorage?.size;
  if (size !== undefined) {
    try {
      if (parseQuantity(size) <= 0) findings.errors.push(`spec.storage.backupStorage.size must be positive, got ${JSON.stringify(size)}`);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      findings.errors.push(`spec.storage.backupStorage.size is not a valid quantity: ${error.message}`);
    }
  }
  const storage = backups.defaultStorage;
  if (storage && isCloudType(storage.type)) {
    const cloud: Findings = { errors: [], warnings: [] };
    validateCloudLocation('spec.backups.defaultStorage', storage, effectiveCloud(storage, backups.cloud), cloud);
    const identityFromSpec = !storage.cloud?.identity && Boolean(backups.cloud?.provider);
    findings.errors.push(...cloud.errors.filter((e) => !(identityFromSpec && REPORTED_BY_CLUSTER.test(e))));
    findings.warnings.push(...cloud.warnings);
    if (backups.keep !== undefined) {
      findings.warnings.push(
        `spec.backups.keep is not applied to ${storage.type} storage: neo4j-admin cannot delete objects and the Neo4j image has no cloud CLI; ` +
          'use the bucket lifecycle rules (every backup of the agent is FULL and self-contained, so expiring whole folders is safe)',
      );
    }
    return findings;
  }
  const home = `its own volume ${names.claim} (class and size from spec.storage.backupStorage, else spec.storage)`;
  if (storage && (storage.pvc || storage.path !== undefined || storage.bucket !== undefined)) {
    findings.warnings.push(`spec.backups.defaultStorage of type pvc only selects the default: the backup agent keeps its backups on ${home}; pvc, path and bucket are ignored`);
  }
  if (backups.cloud || storage?.cloud) {
    findings.warnings.push(`spec.backups.cloud is only used with an s3, gcs or azure spec.backups.defaultStorage: the backup agent writes to ${home}`);
  }
  return findings;
}

/**
 * The agent's entrypoint: `bash -c BACKUP_AGENT_SCRIPT neo4j-backup-agent <neo4j-admin options…>`.
 * Inputs are environment variables only, each checked before use: `BACKUP_AT` (HH:MM, UTC),
 * `BACKUP_KEEP`, `BACKUP_TARGET` (an absolute directory, or an `s3://`, `gs://` or `azb://` folder
 * ending in `/`), `SCRATCH_DIR`, `RETRY_DELAY_SECONDS`, and `AWS_ENDPOINT_URL_S3` (path-style
 * addressing for S3-compatible stores). The options (`--from`, `--type=FULL`, `--temp-path`, the
 * TLS file, `*`) arrive as arguments and reach neo4j-admin as `"$@"`, after `--to-path`.
 *
 * Each day: up to three attempts, `RETRY_DELAY_SECONDS` apart; on a directory, the backup is
 * written to `<stamp>.partial` and renamed to `<stamp>` on success (a failed run is deleted), then
 * every `<stamp>` folder but the newest `BACKUP_KEEP` is deleted. Only folders named exactly like a
 * stamp are ever deleted. SIGTERM stops a running backup and exits.
 */
export const BACKUP_AGENT_SCRIPT = `# neo4j-hooks backup agent: a FULL backup of every database, daily at $BACKUP_AT (UTC).
set -uo pipefail
export LC_ALL=C
shopt -s nullglob

fail() { echo "neo4j-backup-agent: $*" >&2; exit 1; }

[[ "\${BACKUP_AT:-}" =~ ^([01][0-9]|2[0-3]):([0-5][0-9])$ ]] || fail "BACKUP_AT must be HH:MM (UTC)"
at=$(( 10#\${BASH_REMATCH[1]} * 3600 + 10#\${BASH_REMATCH[2]} * 60 ))
[[ "\${BACKUP_KEEP:-}" =~ ^[1-9][0-9]{0,9}$ ]] || fail "BACKUP_KEEP must be a whole number of at least 1"
[[ "\${RETRY_DELAY_SECONDS:-}" =~ ^[0-9]{1,5}$ ]] || fail "RETRY_DELAY_SECONDS must be a whole number"
[[ "\${SCRATCH_DIR:-}" =~ ^/.+ ]] || fail "SCRATCH_DIR must be an absolute directory"
case "\${BACKUP_TARGET:-}" in
  s3://?*/ | gs://?*/ | azb://?*/) remote=1 ;;
  /*) remote=0 ;;
  *) fail "BACKUP_TARGET must be an absolute directory or an s3://, gs:// or azb:// folder" ;;
esac
if [ -n "\${AWS_ENDPOINT_URL_S3:-}" ]; then
  # S3-compatible stores (MinIO, Ceph) address buckets by path rather than by host name.
  export JAVA_TOOL_OPTIONS="-Daws.s3.forcePathStyle=true\${JAVA_TOOL_OPTIONS:+ \${JAVA_TOOL_OPTIONS}}"
fi
stamp_format='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}Z$'

# Commands run in the background and are waited for, so that SIGTERM is handled at once.
child=""
stop() {
  echo "neo4j-backup-agent: stopping"
  if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
  exit 0
}
trap stop TERM INT
run() {
  "$@" &
  child=$!
  wait "$child"
  local status=$?
  child=""
  return "$status"
}

prune() {
  local stamps=() path name i
  for path in "$BACKUP_TARGET"/*/; do
    name="\${path%/}"
    name="\${name##*/}"
    if [[ "$name" =~ $stamp_format ]]; then stamps+=("$name"); fi
  done
  for (( i = 0; i + BACKUP_KEEP < \${#stamps[@]}; i++ )); do
    if rm -rf -- "$BACKUP_TARGET/\${stamps[$i]}"; then
      echo "neo4j-backup-agent: deleted backup \${stamps[$i]} (keeping the newest $BACKUP_KEEP)"
    else
      echo "neo4j-backup-agent: could not delete backup \${stamps[$i]}" >&2
    fi
  done
}

backup() {
  local stamp folder work attempt=1 status stale
  stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
  [[ "$stamp" =~ $stamp_format ]] || { echo "neo4j-backup-agent: cannot read the clock" >&2; return 1; }
  if [ "$remote" -eq 1 ]; then
    folder="$BACKUP_TARGET$stamp/"
    work="$folder"
  else
    folder="$BACKUP_TARGET/$stamp"
    work="$folder.partial"
  fi
  while :; do
    rm -rf -- "$SCRATCH_DIR" && mkdir -p -- "$SCRATCH_DIR" || { echo "neo4j-backup-agent: cannot prepare $SCRATCH_DIR" >&2; return 1; }
    if [ "$remote" -eq 0 ]; then
      for stale in "$BACKUP_TARGET"/*.partial; do rm -rf -- "$stale"; done
      mkdir -p -- "$work" || { echo "neo4j-backup-agent: cannot create $work" >&2; return 1; }
    fi
    echo "neo4j-backup-agent: FULL backup of every database to $folder (attempt $attempt of 3)"
    run neo4j-admin database backup --to-path="$work" "$@"
    status=$?
    [ "$status" -eq 0 ] && break
    echo "neo4j-backup-agent: neo4j-admin database backup failed with exit code $status" >&2
    if [ "$attempt" -ge 3 ]; then
      rm -rf -- "$SCRATCH_DIR"
      if [ "$remote" -eq 0 ]; then rm -rf -- "$work"; fi
      return "$status"
    fi
    attempt=$((attempt + 1))
    run sleep "$RETRY_DELAY_SECONDS"
  done
  rm -rf -- "$SCRATCH_DIR"
  if [ "$remote" -eq 0 ]; then
    mv -- "$work" "$folder" || { echo "neo4j-backup-agent: cannot rename $work to $folder" >&2; return 1; }
  fi
  echo "neo4j-backup-agent: backup $folder complete"
  if [ "$remote" -eq 0 ]; then prune; fi
  return 0
}

if [ "$remote" -eq 1 ]; then
  echo "neo4j-backup-agent: FULL backups daily at $BACKUP_AT UTC to $BACKUP_TARGET<time>/ (expire them with bucket lifecycle rules)"
else
  echo "neo4j-backup-agent: FULL backups daily at $BACKUP_AT UTC to $BACKUP_TARGET/<time>, keeping the newest $BACKUP_KEEP"
fi
previous=0
while :; do
  now="$(date -u +%s)"
  [[ "$now" =~ ^[0-9]+$ ]] || fail "cannot read the clock"
  next=$(( now - now % 86400 + at ))
  while [ "$next" -le "$now" ] || [ "$next" -le "$previous" ]; do next=$(( next + 86400 )); done
  echo "neo4j-backup-agent: next backup in $(( next - now )) s"
  run sleep "$(( next - now ))"
  previous=$next
  backup "$@" || echo "neo4j-backup-agent: today's backup failed; the next one runs at $BACKUP_AT UTC tomorrow" >&2
done
`;

/** Everything the agent is built from. */
interface AgentModel {
  model: ClusterModel;
  backups: BackupsSpec;
  names: BackupAgentNames;
  destination: BackupAgentDestination;
  access: CloudAccess;
  tls?: BackupTls;
}

function agentEnv(agent: AgentModel): EnvVar[] {
  const { at, keep } = backupAgentSchedule(agent.backups);
  return [
    { name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'yes' },
    { name: 'BACKUP_AT', value: at },
    { name: 'BACKUP_KEEP', value: String(keep) },
    { name: 'BACKUP_TARGET', value: agent.destination.kind === 'volume' ? agent.destination.root : agent.destination.uri },
    { name: 'SCRATCH_DIR', value: BACKUP_AGENT_SCRATCH },
    { name: 'RETRY_DELAY_SECONDS', value: String(BACKUP_AGENT_RETRY_DELAY_SECONDS) },
    { name: 'HEAP_SIZE', value: BACKUP_AGENT_MEMORY.heap },
    ...agent.access.env,
  ];
}

/** The options after `neo4j-admin database backup --to-path=…`: every server, FULL, every database. */
export function backupAgentArgs(model: ClusterModel, tls: boolean): string[] {
  const from = Array.from({ length: model.spec.topology.servers }, (_, i) => `${model.names.podFqdn(i)}:${PORTS.backup}`);
  return backupOptions({
    version: model.version,
    from,
    database: '*',
    cluster: true,
    options: { backupType: 'FULL', pageCache: BACKUP_AGENT_MEMORY.pageCache },
    tempPath: BACKUP_AGENT_SCRATCH,
    ...(tls ? { additionalConfig: BACKUP_CLIENT_CONFIG_PATH } : {}),
  });
}

function agentContainer(agent: AgentModel): Container {
  const { model } = agent;
  const mounts: VolumeMount[] = [{ name: BACKUP_AGENT_VOLUME, mountPath: BACKUP_MOUNT }];
  if (agent.tls) mounts.push(...backupTlsMounts(agent.tls, agent.names.config).mounts);
  mounts.push(...agent.access.mounts);
  return {
    name: 'backup',
    image: model.image,
    imagePullPolicy: model.spec.image.pullPolicy ?? 'IfNotPresent',
    command: ['/bin/bash', '-c', BACKUP_AGENT_SCRIPT, 'neo4j-backup-agent'],
    args: backupAgentArgs(model, agent.tls !== undefined),
    env: agentEnv(agent),
    resources: structuredClone(BACKUP_AGENT_RESOURCES) as Container['resources'],
    securityContext: neo4jContainerSecurityContext(),
    volumeMounts: mounts,
  };
}

function agentPod(agent: AgentModel): PodSpec {
  const { spec } = agent.model;
  const volumes: Volume[] = [];
  if (agent.tls) volumes.push(...backupTlsMounts(agent.tls, agent.names.config).volumes);
  volumes.push(...agent.access.volumes);
  return {
    ...(agent.access.serviceAccountName ? { serviceAccountName: agent.access.serviceAccountName } : { automountServiceAccountToken: false }),
    enableServiceLinks: false,
    securityContext: neo4jPodSecurityContext(),
    ...(spec.image.pullSecrets?.length ? { imagePullSecrets: spec.image.pullSecrets.map((name) => ({ name })) } : {}),
    // The servers' node constraints: nodes reserved (tainted) for Neo4j must take the agent too.
    ...(spec.nodeSelector ? { nodeSelector: { ...spec.nodeSelector } } : {}),
    ...(spec.tolerations?.length ? { tolerations: structuredClone(spec.tolerations) as PodSpec['tolerations'] } : {}),
    containers: [agentContainer(agent)],
    ...(volumes.length ? { volumes } : {}),
  };
}

function agentStatefulSet(agent: AgentModel): StatefulSet & K8sObject {
  const { model, names } = agent;
  const { spec, name } = model;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.statefulSet, namespace: model.namespace, labels: agentLabels(name, spec.image.tag) },
    spec: {
      replicas: 1,
      serviceName: names.service,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: backupAgentSelector(name) },
      // Backups outlive the StatefulSet: deleting the cluster (or spec.backups) keeps the claim.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: { metadata: { labels: { ...backupAgentPodLabels(name), ...agent.access.podLabels } }, spec: agentPod(agent) },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          // Only the selector labels (as the operator): nothing that selects the servers' data claims.
          metadata: { name: BACKUP_AGENT_VOLUME, labels: backupAgentSelector(name) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: spec.storage.backupStorage?.className || spec.storage.className,
            resources: { requests: { storage: spec.storage.backupStorage?.size || spec.storage.size } },
          },
        },
      ],
    },
  };
}

function agentService(agent: AgentModel): Service & K8sObject {
  const { model, names } = agent;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.service, namespace: model.namespace, labels: agentLabels(model.name, model.spec.image.tag) },
    // Headless without ports: the StatefulSet's DNS domain only; nothing can connect through it.
    spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: backupAgentSelector(model.name) },
  };
}

/**
 * The agent's children for a valid cluster with `spec.backups` (none without it): the governing
 * Service, the StatefulSet (its immutable fields kept as observed; a requested change of the
 * volume becomes a warning), the backup SSL policy ConfigMap of a TLS cluster, and the identity
 * ServiceAccount when `cloud.identity.autoCreate` asks for one.
 */
export function backupAgentChildren(model: ClusterModel, observed: ObservedMap): { children: K8sObject[]; warnings: string[] } {
  const backups = model.spec.backups;
  if (!backups) return { children: [], warnings: [] };
  const { name, namespace } = model;
  const names = backupAgentNames(name);
  const destination = backupAgentDestination(backups, names);
  const labels = agentLabels(name, model.spec.image.tag);
  const access: CloudAccess =
    destination.kind === 'cloud'
      ? cloudAccess(PROVIDER_OF[destination.type], effectiveCloud(backups.defaultStorage!, backups.cloud), { name: names.serviceAccount, namespace, labels })
      : { env: [], volumes: [], mounts: [], podLabels: {} };
  const clusterTls = model.features.tls;
  const tls: BackupTls | undefined = clusterTls ? { trust: clusterTls.trust, secret: model.names.tlsSecret } : undefined;
  const agent: AgentModel = { model, backups, names, destination, access, ...(tls ? { tls } : {}) };

  const warnings: string[] = [];
  const current = findObserved(observed, 'StatefulSet', 'apps/v1', names.statefulSet, namespace);
  const { statefulSet, refused } = keepImmutableFields(agentStatefulSet(agent), current);
  if (refused.includes('volumeClaimTemplates')) {
    warnings.push(
      `spec.storage.backupStorage changes cannot be applied to StatefulSet ${names.statefulSet}: its volumeClaimTemplates are immutable, so the backup agent keeps its volume (expand PVC ${names.claim} directly if the StorageClass allows it)`,
    );
  }
  const children: K8sObject[] = [agentService(agent), statefulSet];
  if (tls) children.push(buildBackupClientConfigMap(names.config, namespace, labels, tls.trust));
  if (access.serviceAccount) children.push(access.serviceAccount);
  return { children, warnings };
}
