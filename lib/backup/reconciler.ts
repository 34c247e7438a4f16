/**
 * The Neo4jBackup reconciler. A valid backup of a ready deployment gets its Job (one-shot) or
 * CronJob (scheduled), plus the backup claim and identity ServiceAccount when the spec asks the
 * hooks to create them. While the deployment (or a referenced claim) is missing or not ready, the
 * backup waits: nothing new is created and the resync brings the hook back. An invalid spec
 * freezes whatever exists as last applied.
 *
 * A one-shot Job is returned exactly as last applied once it exists (and its type is OnDelete), so
 * a finished backup is never re-run by a later sync; deleting the Job runs the backup again. A
 * target that serves TLS adds ConfigMap `<b>-backup-tls`, the client's backup SSL policy.
 */
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { backupKind } from '../schemas/backup.js';
import type { ChildResource, Desired, HookRequest, Reconciler, RelatedResource } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved, listObserved } from '../k8s/observed.js';
import { lastApplied } from '../k8s/frozen.js';
import { backupCloudAccess, buildBackupCronJob, buildBackupJob, buildBackupTlsConfigMap, type BackupModel } from './children.js';
import { observeCronJob, observeJob } from './jobs.js';
import { backupLabels, backupNames } from './names.js';
import { backupStatus, type Backup } from './status.js';
import { backupDestination, buildBackupClaim } from './storage.js';
import { findTarget, targetRules, TARGET_RELATED } from './target.js';
import { backupScope, validateBackup, validateBackupForVersion } from './validate.js';

/** Child types of a backup. Jobs and claims are never changed once created. */
export const BACKUP_CHILDREN: readonly ChildResource[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', updateStrategy: 'InPlace' },
  // The backup SSL policy of a TLS target (lib/backup/tls.ts), mounted by the Job or CronJob.
  { apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', updateStrategy: 'InPlace' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', updateStrategy: 'OnDelete' },
  { apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' },
  { apiVersion: 'batch/v1', kind: 'CronJob', resource: 'cronjobs', updateStrategy: 'InPlace' },
];

/** Related types: the target deployment, and a claim named in `storage.pvc.name`. */
export const BACKUP_RELATED: readonly RelatedResource[] = [
  ...TARGET_RELATED,
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims' },
];

/**
 * Every observed child as last applied, except claims we never create (a claim named by the user
 * is related, not ours, even where a harness hands it over as a child).
 */
function frozen(request: HookRequest<Backup>, ownedClaim: string): K8sObject[] {
  return BACKUP_CHILDREN.flatMap((type) =>
    listObserved(request.children, type.kind, type.apiVersion)
      .filter((o) => type.kind !== 'PersistentVolumeClaim' || o.metadata.name === ownedClaim)
      .map(lastApplied),
  );
}

function claimObserved(request: HookRequest<Backup>, name: string, namespace: string): boolean {
  return Boolean(
    findObserved(request.related, 'PersistentVolumeClaim', 'v1', name, namespace) ??
      findObserved(request.children, 'PersistentVolumeClaim', 'v1', name, namespace),
  );
}

function syncBackup(request: HookRequest<Backup>): Desired {
  const backup = request.parent;
  const name = backup.metadata.name;
  const namespace = backup.metadata.namespace!;
  const { spec } = backup;
  const names = backupNames(name);
  const scheduled = Boolean(spec.schedule);
  const job = observeJob(request.children, names.job, namespace);
  const cron = observeCronJob(request.children, names.cronJob, namespace);
  const { errors, warnings } = validateBackup(spec, namespace);
  const done = (extra: { errors?: string[]; waiting?: string; children?: K8sObject[] }): Desired => {
    const { status, resyncAfterSeconds } = backupStatus({
      request,
      names,
      errors: extra.errors ?? errors,
      warnings,
      ...(extra.waiting ? { waiting: extra.waiting } : {}),
      ...(job ? { job } : {}),
      ...(cron ? { cron } : {}),
    });
    return { status, children: extra.children ?? frozen(request, names.claim), ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
  };
  if (errors.length > 0) return done({});

  const scope = backupScope(spec, namespace);
  const ref = { name: scope.instance, namespace: scope.namespace };
  const lookup = findTarget(request.related, ref);
  if (!lookup.found) return done({ waiting: `Waiting for the target: ${lookup.message}` });
  const { target } = lookup;
  if (!target.version) return done({ errors: [`target ${target.kind} ${target.name}: ${target.versionError}`] });
  const versionErrors = validateBackupForVersion(spec, target.version);
  if (versionErrors.length > 0) return done({ errors: versionErrors });

  const destination = backupDestination(name, spec.storage, names.claim);
  if (destination.kind === 'pvc' && !destination.owned && !claimObserved(request, destination.claimName, namespace)) {
    return done({ waiting: `Waiting for PersistentVolumeClaim ${destination.claimName} (storage.pvc.name) in namespace ${namespace}` });
  }
  const workloadExists = scheduled ? cron !== undefined : job !== undefined;
  if (!target.ready && !workloadExists) return done({ waiting: `Waiting for the target: ${target.notReadyReason}` });

  const model: BackupModel = {
    name,
    namespace,
    spec,
    names,
    scope,
    target,
    destination,
    access: backupCloudAccess(name, namespace, names, spec, destination),
  };
  const children: K8sObject[] = [];
  if (model.access.serviceAccount) children.push(model.access.serviceAccount);
  // A claim we created holds backups: it stays (as applied) even when the storage moves elsewhere,
  // and goes only with the Neo4jBackup itself.
  const claim = findObserved(request.children, 'PersistentVolumeClaim', 'v1', names.claim, namespace);
  if (claim) children.push(lastApplied(claim));
  else if (destination.kind === 'pvc' && destination.owned) {
    children.push(buildBackupClaim(names.claim, namespace, backupLabels(name, 'backup-storage'), spec.storage));
  }
  if (job && !scheduled) {
    // The Job is never changed once it exists, nor is the policy file it mounts.
    const tlsConfig = findObserved(request.children, 'ConfigMap', 'v1', names.tlsConfig, namespace);
    if (tlsConfig) children.push(lastApplied(tlsConfig));
    children.push(lastApplied(job.object));
  } else {
    const tlsConfig = buildBackupTlsConfigMap(model);
    if (tlsConfig) children.push(tlsConfig);
    children.push(scheduled ? buildBackupCronJob(model) : buildBackupJob(model));
  }
  return done({ children });
}

/** Related objects of a backup: the target deployment by name (either kind) and a named claim. */
function customizeBackup(backup: Backup): RelatedResourceRule[] {
  const namespace = backup.metadata.namespace ?? '';
  const spec = backup.spec;
  if (!spec?.target?.name) return [];
  const scope = backupScope(spec, namespace);
  const rules = scope.instance ? targetRules({ name: scope.instance, namespace: scope.namespace }) : [];
  const claim = spec.storage?.type === 'pvc' ? spec.storage.pvc?.name : undefined;
  if (claim) rules.push({ apiVersion: 'v1', resource: 'persistentvolumeclaims', namespace, names: [claim] });
  return rules;
}

/** The registered reconciler of Neo4jBackup. */
export const backupReconciler: Reconciler<Backup> = {
  kind: backupKind,
  children: BACKUP_CHILDREN,
  related: BACKUP_RELATED,
  sync: syncBackup,
  customize: customizeBackup,
};
