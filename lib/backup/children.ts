/**
 * The objects a Neo4jBackup owns: the one-shot Job `<b>-backup` or the CronJob `<b>-backup-cron`
 * (both run the same pod), the backup claim when the hooks create it, and the workload-identity
 * ServiceAccount when `cloud.identity.autoCreate` asks for it.
 *
 * The pod runs the target's own Neo4j image as the neo4j user (uid 7474), with the backup
 * command as an argv array behind the fixed wrapper of command.ts, a scratch emptyDir for
 * `--temp-path`, and cloud access only through Secret references and ServiceAccounts. A target
 * that serves TLS adds ConfigMap `<b>-backup-tls` (the client's backup SSL policy, lib/backup/tls.ts),
 * mounted with the target's TLS Secret and passed as `--additional-config`.
 */
import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, Container, EnvVar, PodSpec, PodTemplateSpec, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { BackupSpec } from '../schemas/backup.js';
import type { K8sObject } from '../k8s/object.js';
import { neo4jContainerSecurityContext, neo4jPodSecurityContext } from '../neo4j/pod.js';
import { backupArgs, BACKUP_SCRIPT, parseMaxAge, SCRATCH_MOUNT } from './command.js';
import { backupLabels, type BackupNames } from './names.js';
import { BACKUP_MOUNT, cloudAccess, effectiveCloud, type BackupDestination, type CloudAccess } from './storage.js';
import { BACKUP_CLIENT_CONFIG_PATH, backupTlsMounts, buildBackupClientConfigMap } from './tls.js';
import type { Target } from './target.js';
import type { BackupScope } from './validate.js';

/** Attempts of a backup Job before it is marked Failed. */
export const BACKUP_BACKOFF_LIMIT = 3;
/** Finished Jobs a CronJob keeps (successful, failed). */
export const CRON_HISTORY = { successful: 3, failed: 1 } as const;

/** Everything a backup's children are built from. */
export interface BackupModel {
  name: string;
  namespace: string;
  spec: BackupSpec;
  names: BackupNames;
  scope: BackupScope;
  target: Target;
  destination: BackupDestination;
  access: CloudAccess;
}

/** The cloud access of a backup (empty for a PVC destination). */
export function backupCloudAccess(name: string, namespace: string, names: BackupNames, spec: BackupSpec, destination: BackupDestination): CloudAccess {
  if (destination.kind !== 'cloud') return { env: [], volumes: [], mounts: [], podLabels: {} };
  return cloudAccess(destination.provider, effectiveCloud(spec.storage, spec.cloud), {
    name: names.serviceAccount,
    namespace,
    labels: backupLabels(name, 'backup-identity'),
  });
}

/** The container's environment: wrapper inputs, then cloud credentials. */
function backupEnv(model: BackupModel): EnvVar[] {
  const env: EnvVar[] = [{ name: 'NEO4J_ACCEPT_LICENSE_AGREEMENT', value: 'yes' }];
  const { destination, spec } = model;
  if (destination.kind === 'pvc') {
    env.push({ name: 'BACKUP_DIR', value: destination.dir });
    const retention = spec.retention;
    if (retention && retention.deletePolicy !== 'Archive') {
      if (retention.maxCount !== undefined) env.push({ name: 'RETENTION_MAX_COUNT', value: String(retention.maxCount) });
      const age = retention.maxAge === undefined ? undefined : parseMaxAge(retention.maxAge);
      if (age !== undefined) env.push({ name: 'RETENTION_MAX_AGE_SECONDS', value: String(age) });
    }
  }
  return [...env, ...model.access.env];
}

/** The backup container: the wrapper, with the neo4j-admin argv as its arguments. */
function backupContainer(model: BackupModel): Container {
  const { target, destination, scope, spec } = model;
  const mounts: VolumeMount[] = [{ name: 'scratch', mountPath: SCRATCH_MOUNT }];
  if (destination.kind === 'pvc') mounts.push({ name: 'backup-storage', mountPath: BACKUP_MOUNT });
  mounts.push(...model.access.mounts);
  if (target.tls) mounts.push(...backupTlsMounts(target.tls, model.names.tlsConfig).mounts);
  return {
    name: 'backup',
    image: target.image,
    imagePullPolicy: target.pullPolicy,
    command: ['/bin/bash', '-c', BACKUP_SCRIPT, 'neo4j-backup'],
    args: backupArgs({
      version: target.version!,
      from: target.backupAddresses,
      toPath: destination.kind === 'pvc' ? destination.dir : destination.uri,
      database: scope.database,
      cluster: target.kind === 'Neo4jEnterpriseCluster',
      options: spec.options,
      ...(target.tls ? { additionalConfig: BACKUP_CLIENT_CONFIG_PATH } : {}),
    }),
    env: backupEnv(model),
    securityContext: neo4jContainerSecurityContext(),
    volumeMounts: mounts,
  };
}

function backupPod(model: BackupModel, component: 'backup' | 'backup-cron'): PodTemplateSpec {
  const { destination, target, access } = model;
  const volumes: Volume[] = [{ name: 'scratch', emptyDir: {} }];
  if (destination.kind === 'pvc') volumes.push({ name: 'backup-storage', persistentVolumeClaim: { claimName: destination.claimName } });
  volumes.push(...access.volumes);
  if (target.tls) volumes.push(...backupTlsMounts(target.tls, model.names.tlsConfig).volumes);
  const spec: PodSpec = {
    restartPolicy: 'Never',
    ...(access.serviceAccountName ? { serviceAccountName: access.serviceAccountName } : { automountServiceAccountToken: false }),
    securityContext: neo4jPodSecurityContext(),
    ...(target.pullSecrets.length ? { imagePullSecrets: target.pullSecrets.map((name) => ({ name })) } : {}),
    containers: [backupContainer(model)],
    volumes,
  };
  return { metadata: { labels: { ...backupLabels(model.name, component), ...access.podLabels } }, spec };
}

function jobSpec(model: BackupModel, component: 'backup' | 'backup-cron'): JobSpec {
  return { backoffLimit: BACKUP_BACKOFF_LIMIT, template: backupPod(model, component) };
}

/** ConfigMap `<b>-backup-tls` with the backup client's SSL policy; undefined when the target serves no TLS. */
export function buildBackupTlsConfigMap(model: BackupModel): (ConfigMap & K8sObject) | undefined {
  const tls = model.target.tls;
  return tls ? buildBackupClientConfigMap(model.names.tlsConfig, model.namespace, backupLabels(model.name, 'backup-tls'), tls.trust) : undefined;
}

/** Job `<b>-backup`: one backup, run once (the Job is never replaced once it exists). */
export function buildBackupJob(model: BackupModel): Job & K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: model.names.job, namespace: model.namespace, labels: backupLabels(model.name, 'backup') },
    spec: jobSpec(model, 'backup'),
  };
}

/**
 * CronJob `<b>-backup-cron`: the same pod on `spec.schedule`; runs never overlap (Forbid), the last
 * three successful and the last failed Job are kept, and `spec.suspend` suspends it.
 */
export function buildBackupCronJob(model: BackupModel): CronJob & K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: model.names.cronJob, namespace: model.namespace, labels: backupLabels(model.name, 'backup-cron') },
    spec: {
      schedule: model.spec.schedule!.trim(),
      suspend: model.spec.suspend === true,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: CRON_HISTORY.successful,
      failedJobsHistoryLimit: CRON_HISTORY.failed,
      jobTemplate: { metadata: { labels: backupLabels(model.name, 'backup-cron') }, spec: jobSpec(model, 'backup-cron') },
    },
  };
}
