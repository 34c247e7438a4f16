/**
 * The Neo4jRestore reconciler: seeds one database of a cluster or standalone from a backup, with
 * optional Cypher and container hooks before and after, as a chain of Jobs. Each Job is created
 * only once the previous one succeeded, and every Job, once it exists, is returned exactly as last
 * applied (Jobs are OnDelete), so a step never runs twice and a later sync never repeats a
 * restore: a completed restore stays Completed, and a restore whose Jobs disappeared before it
 * finished is reported Failed rather than started again.
 *
 * Before anything starts the restore waits (phase Waiting, resync) for the target to be Ready and,
 * for a Neo4jBackup source, for that backup to have succeeded once. Once started it needs neither:
 * the seed URI it started with is kept in `status.backupInfo`.
 */
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { restoreKind } from '../schemas/restore.js';
import type { ChildResource, Desired, HookRequest, Reconciler, RelatedResource } from '../hook/reconciler.js';
import type { K8sObject } from '../k8s/object.js';
import { isRecord } from '../k8s/object.js';
import { listObserved } from '../k8s/observed.js';
import { lastApplied } from '../k8s/frozen.js';
import { observeJob, type JobObservation } from '../backup/jobs.js';
import { restoreJobName, RESTORE_STEPS, type RestoreStep } from '../backup/names.js';
import { findTarget, targetRules, TARGET_RELATED } from '../backup/target.js';
import { restoreSteps, type RestoreModel } from './children.js';
import { BACKUP_RELATED, backupRefOf, resolveSource } from './source.js';
import { previousField, restoreStatus, type Restore, type StepObservation } from './status.js';
import { validateRestore, validateRestoreForVersion } from './validate.js';

/** Child types of a restore: its Jobs, never changed or replaced once created. */
export const RESTORE_CHILDREN: readonly ChildResource[] = [{ apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' }];

/** Related types: the target deployment and the Neo4jBackup it restores from. */
export const RESTORE_RELATED: readonly RelatedResource[] = [...TARGET_RELATED, BACKUP_RELATED];

function previousBackupInfo(status: unknown): { backupPath: string; originalDatabase?: string } | undefined {
  if (!isRecord(status) || !isRecord(status.backupInfo)) return undefined;
  const { backupPath, originalDatabase } = status.backupInfo;
  if (typeof backupPath !== 'string' || !backupPath) return undefined;
  return { backupPath, ...(typeof originalDatabase === 'string' && originalDatabase ? { originalDatabase } : {}) };
}

/** Every observed Job as last applied: what is kept whatever else happens. */
function observedJobs(request: HookRequest<Restore>): K8sObject[] {
  return listObserved(request.children, 'Job', 'batch/v1').map(lastApplied);
}

function syncRestore(request: HookRequest<Restore>): Desired {
  const restore = request.parent;
  const name = restore.metadata.name;
  const namespace = restore.metadata.namespace!;
  const { spec } = restore;
  const observed = new Map<RestoreStep, JobObservation>();
  for (const step of RESTORE_STEPS) {
    const job = observeJob(request.children, restoreJobName(name, step), namespace);
    if (job) observed.set(step, job);
  }
  const previousStart = previousField(restore.status, 'startTime');
  const completedBefore = previousField(restore.status, 'phase') === 'Completed';
  const vanished = observed.size === 0 && previousStart !== undefined && !completedBefore;
  const { errors, warnings } = validateRestore(spec);
  let backupInfo = previousBackupInfo(restore.status);

  const plannedSteps = (model?: RestoreModel): StepObservation[] => {
    const steps = model ? restoreSteps(model).map((s) => s.step) : RESTORE_STEPS.filter((s) => observed.has(s) || s === 'restore');
    return steps.map((step) => ({ step, jobName: restoreJobName(name, step), ...(observed.has(step) ? { job: observed.get(step)! } : {}) }));
  };
  const done = (extra: { errors?: string[]; waiting?: string; children?: K8sObject[]; model?: RestoreModel }): Desired => {
    const { status, resyncAfterSeconds } = restoreStatus({
      request,
      errors: extra.errors ?? errors,
      warnings,
      ...(extra.waiting ? { waiting: extra.waiting } : {}),
      steps: plannedSteps(extra.model),
      vanished,
      ...(backupInfo ? { backupInfo } : {}),
    });
    return { status, children: extra.children ?? observedJobs(request), ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
  };

  const started = observed.size > 0 || previousStart !== undefined;
  // Nothing is started again: a completed restore stays completed, vanished Jobs are a failure.
  if (completedBefore || vanished) return done({ errors: [] });
  // An invalid spec holds everything (existing Jobs as applied) until it is fixed.
  if (errors.length > 0) return done({});

  const ref = { name: spec.targetCluster, namespace };
  const lookup = findTarget(request.related, ref);
  if (!lookup.found) return done({ waiting: `Waiting for the target: ${lookup.message}` });
  const { target } = lookup;
  if (!target.version) return done({ errors: [`target ${target.kind} ${target.name}: ${target.versionError}`] });
  const versionErrors = validateRestoreForVersion(spec, target.version);
  if (versionErrors.length > 0 && !started) return done({ errors: versionErrors });

  // The source is pinned once the restore Job exists: later changes (or a deleted Neo4jBackup)
  // do not change what was restored.
  let seedUri = observed.has('restore') ? backupInfo?.backupPath : undefined;
  if (seedUri === undefined) {
    const source = resolveSource(spec, request.related, namespace);
    if (source.ok) {
      seedUri = source.uri;
      backupInfo = { backupPath: source.uri, ...(source.originalDatabase ? { originalDatabase: source.originalDatabase } : {}) };
    } else if (!started) {
      return source.waiting ? done({ waiting: source.message }) : done({ errors: [source.message] });
    } else if (backupInfo) {
      seedUri = backupInfo.backupPath;
    } else if (!observed.has('restore')) {
      return done({ waiting: source.message });
    } else {
      seedUri = '';
    }
  }
  if (!started && !target.ready) return done({ waiting: `Waiting for the target: ${target.notReadyReason}` });

  const model: RestoreModel = { name, namespace, spec, target, seedUri };
  const children: K8sObject[] = [];
  let blocked = false;
  const steps = restoreSteps(model);
  steps.forEach(({ step, build }, i) => {
    const job = observed.get(step);
    if (job) {
      children.push(lastApplied(job.object));
      if (!job.succeeded) blocked = true;
      return;
    }
    if (blocked) return;
    // A step whose Job is gone but a later step exists has already run.
    if (steps.slice(i + 1).some((later) => observed.has(later.step))) return;
    children.push(build());
    blocked = true;
  });
  // Jobs of steps no longer in the spec stay as they are (a running hook is never cut short).
  const planned = new Set(steps.map((s) => s.step));
  for (const [step, job] of observed) if (!planned.has(step)) children.push(lastApplied(job.object));
  return done({ children, model });
}

/** Related objects of a restore: the target by name (either kind) and the referenced Neo4jBackup. */
function customizeRestore(restore: Restore): RelatedResourceRule[] {
  const namespace = restore.metadata.namespace ?? '';
  const spec = restore.spec;
  const rules = spec?.targetCluster ? targetRules({ name: spec.targetCluster, namespace }) : [];
  const backupRef = spec?.source ? backupRefOf(spec) : undefined;
  if (backupRef) rules.push({ apiVersion: BACKUP_RELATED.apiVersion, resource: BACKUP_RELATED.resource, namespace, names: [backupRef] });
  return rules;
}

/** The registered reconciler of Neo4jRestore. */
export const restoreReconciler: Reconciler<Restore> = {
  kind: restoreKind,
  children: RESTORE_CHILDREN,
  related: RESTORE_RELATED,
  sync: syncRestore,
  customize: customizeRestore,
};
