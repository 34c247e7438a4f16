/**
 * A backup's status, from what is observed: the one-shot Job's conditions and times, or the
 * CronJob's suspension, active runs and last schedule/success times. Phases are the operator's:
 * `Failed` (invalid spec or failed Job), `Waiting` (target missing or not ready, nothing created
 * yet), `Running`, `Completed`, `Scheduled`, `Suspended`.
 *
 * The `Ready` condition is True when the backup is in place and healthy: a completed one-shot
 * backup, or a schedule whose last run did not fail. Warnings (ignored or unsupported settings)
 * are reported in a `Warnings` condition: the status schema has no other place for them.
 */
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import type { HookRequest } from '../hook/reconciler.js';
import type { Resource } from '../k8s/object.js';
import type { BackupSpec } from '../schemas/backup.js';
import { durationBetween, type CronJobObservation, type JobObservation } from './jobs.js';
import type { BackupNames } from './names.js';

/** A Neo4jBackup as the hook receives it. */
export type Backup = Resource<BackupSpec>;

/** Seconds until the next look while waiting for the target or the backup volume. */
export const WAITING_RESYNC_SECONDS = 30;

/** What the status is derived from. */
export interface BackupStatusInput {
  request: HookRequest<Backup>;
  names: BackupNames;
  errors: string[];
  warnings: string[];
  /** Why nothing could be created yet (target missing or not ready, claim missing). */
  waiting?: string;
  job?: JobObservation;
  cron?: CronJobObservation;
}

/** Status and resync of a backup. */
export interface BackupStatusResult {
  status: Record<string, unknown>;
  resyncAfterSeconds?: number;
}

interface Derived {
  phase: string;
  message: string;
  ready: boolean;
  reason: string;
  lastRunTime?: string;
  lastSuccessTime?: string;
  duration?: string;
}

function failureText(job: JobObservation): string {
  return [job.failureReason, job.failureMessage].filter(Boolean).join(': ') || 'no reason given';
}

function fromJob(name: string, job: JobObservation | undefined): Derived {
  if (!job) return { phase: 'Running', message: `Starting backup Job ${name}`, ready: false, reason: 'Starting' };
  const times = { ...(job.startTime ? { lastRunTime: job.startTime } : {}) };
  if (job.succeeded) {
    const duration = durationBetween(job.startTime, job.completionTime);
    return {
      phase: 'Completed',
      message: `Backup completed (Job ${name})`,
      ready: true,
      reason: 'Completed',
      ...times,
      ...(job.completionTime ? { lastSuccessTime: job.completionTime } : {}),
      ...(duration ? { duration } : {}),
    };
  }
  if (job.failed) {
    return { phase: 'Failed', message: `Backup Job ${name} failed: ${failureText(job)}`, ready: false, reason: 'BackupFailed', ...times };
  }
  return { phase: 'Running', message: `Backup Job ${name} is running`, ready: false, reason: 'Running', ...times };
}

function fromCronJob(name: string, suspendedInSpec: boolean, cron: CronJobObservation | undefined): Derived {
  const times = {
    ...(cron?.lastScheduleTime ? { lastRunTime: cron.lastScheduleTime } : {}),
    ...(cron?.lastSuccessfulTime ? { lastSuccessTime: cron.lastSuccessfulTime } : {}),
  };
  if (cron ? cron.suspended : suspendedInSpec) {
    return { phase: 'Suspended', message: `Scheduled backups are suspended (CronJob ${name})`, ready: false, reason: 'Suspended', ...times };
  }
  if (cron && cron.active > 0) {
    return { phase: 'Running', message: `A scheduled backup is running (CronJob ${name})`, ready: true, reason: 'Running', ...times };
  }
  const last = cron?.lastScheduleTime;
  const success = cron?.lastSuccessfulTime;
  if (last && (!success || Date.parse(last) > Date.parse(success))) {
    return {
      phase: 'Scheduled',
      message: `Backup scheduled with CronJob ${name}; the last run, started ${last}, did not succeed`,
      ready: false,
      reason: 'LastRunFailed',
      ...times,
    };
  }
  return { phase: 'Scheduled', message: `Backup scheduled with CronJob ${name}`, ready: true, reason: 'Scheduled', ...times };
}

/** Derives the backup status (see the module comment). */
export function backupStatus(input: BackupStatusInput): BackupStatusResult {
  const { request, names, errors, warnings } = input;
  const backup = request.parent;
  const scheduled = Boolean(backup.spec.schedule);
  let derived: Derived;
  let resync: number | undefined;
  if (errors.length > 0) {
    derived = { phase: 'Failed', message: `Validation failed: ${errors.join('; ')}`, ready: false, reason: 'ValidationFailed' };
  } else if (input.waiting && !(scheduled ? input.cron : input.job)) {
    derived = { phase: 'Waiting', message: input.waiting, ready: false, reason: 'Waiting' };
    resync = WAITING_RESYNC_SECONDS;
  } else if (scheduled) {
    derived = fromCronJob(names.cronJob, backup.spec.suspend === true, input.cron);
  } else {
    derived = fromJob(names.job, input.job);
  }
  const conditions: ConditionInput[] = [{ type: 'Ready', status: derived.ready ? 'True' : 'False', reason: derived.reason, message: derived.message }];
  if (warnings.length > 0) conditions.push({ type: 'Warnings', status: 'True', reason: 'SpecWarnings', message: warnings.join('; ') });
  const status: Record<string, unknown> = {
    phase: derived.phase,
    message: derived.message,
    conditions: buildConditions(conditions, backup.status, backup.metadata.generation, request.now),
    ...(derived.lastRunTime ? { lastRunTime: derived.lastRunTime } : {}),
    ...(derived.lastSuccessTime ? { lastSuccessTime: derived.lastSuccessTime } : {}),
    ...(derived.duration ? { stats: { duration: derived.duration } } : {}),
  };
  return { status, ...(resync ? { resyncAfterSeconds: resync } : {}) };
}
