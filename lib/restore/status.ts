/**
 * A restore's status, from its observed Jobs (and, once they are gone, from its previous status):
 * `Waiting` (target, Neo4jBackup or its first success missing — nothing started), `Running`,
 * `Completed`, `Failed`. The refused collision keeps the operator's message. Times and duration
 * come from the Jobs; the `Ready` condition is True only for a completed restore.
 */
import { buildConditions, type ConditionInput } from '../k8s/conditions.js';
import type { HookRequest } from '../hook/reconciler.js';
import type { Resource } from '../k8s/object.js';
import { isRecord } from '../k8s/object.js';
import type { RestoreSpec } from '../schemas/restore.js';
import { durationBetween, type JobObservation } from '../backup/jobs.js';
import type { RestoreStep } from '../backup/names.js';
import { existsMessage, REFUSED_EXIT_CODE } from './children.js';

/** A Neo4jRestore as the hook receives it. */
export type Restore = Resource<RestoreSpec>;

/** Seconds until the next look while waiting for the target or the backup. */
export const WAITING_RESYNC_SECONDS = 30;

/** One step's Job as observed (absent: not created, or deleted). */
export interface StepObservation {
  step: RestoreStep;
  jobName: string;
  job?: JobObservation;
}

/** What the status is derived from. */
export interface RestoreStatusInput {
  request: HookRequest<Restore>;
  errors: string[];
  warnings: string[];
  waiting?: string;
  steps: StepObservation[];
  /** The restore started in an earlier sync but its Jobs are gone (deleted by someone). */
  vanished: boolean;
  backupInfo?: { backupPath: string; originalDatabase?: string };
}

/** The previous status' string field, if any. */
export function previousField(status: unknown, field: string): string | undefined {
  if (!isRecord(status)) return undefined;
  const value = status[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True when the Job failed because the database exists and may not be replaced. */
export function refusedCollision(job: JobObservation): boolean {
  return job.failureReason === 'PodFailurePolicy' && new RegExp(`failed with exit code ${REFUSED_EXIT_CODE} matching`, 'u').test(job.failureMessage ?? '');
}

function earliest(times: Array<string | undefined>): string | undefined {
  return times.filter((t): t is string => Boolean(t)).sort()[0];
}

function latest(times: Array<string | undefined>): string | undefined {
  return times.filter((t): t is string => Boolean(t)).sort().at(-1);
}

interface Derived {
  phase: string;
  message: string;
  reason: string;
}

function derive(input: RestoreStatusInput): Derived {
  const { request, errors, steps } = input;
  const spec = request.parent.spec;
  const previousPhase = previousField(request.parent.status, 'phase');
  if (errors.length > 0) return { phase: 'Failed', message: `Validation failed: ${errors.join('; ')}`, reason: 'ValidationFailed' };
  // A restore runs once: what completed stays completed, whatever happens to its Jobs later.
  if (previousPhase === 'Completed') return { phase: 'Completed', message: `Database ${spec.databaseName} restored`, reason: 'Completed' };
  const failed = steps.find((s) => s.job?.failed);
  if (failed?.job) {
    if (failed.step === 'restore' && refusedCollision(failed.job)) {
      return { phase: 'Failed', message: existsMessage(spec.databaseName), reason: 'DatabaseExists' };
    }
    const why = [failed.job.failureReason, failed.job.failureMessage].filter(Boolean).join(': ') || 'no reason given';
    return { phase: 'Failed', message: `Restore step ${failed.step} failed (Job ${failed.jobName}): ${why}`, reason: 'JobFailed' };
  }
  const observed = steps.filter((s) => s.job);
  if (observed.length > 0 && steps.every((s) => s.job?.succeeded || (!s.job && steps.slice(steps.indexOf(s) + 1).some((l) => l.job)))) {
    return { phase: 'Completed', message: `Database ${spec.databaseName} restored`, reason: 'Completed' };
  }
  if (input.vanished) {
    return {
      phase: 'Failed',
      message: 'The restore Jobs were deleted before the restore finished; it is not started again: delete and re-create the Neo4jRestore to retry',
      reason: 'JobsDeleted',
    };
  }
  if (observed.length === 0 && input.waiting) return { phase: 'Waiting', message: input.waiting, reason: 'Waiting' };
  const current = steps.find((s) => !s.job?.succeeded && !(s.job === undefined && steps.slice(steps.indexOf(s) + 1).some((l) => l.job)));
  const message = current
    ? current.job
      ? `Running restore step ${current.step} (Job ${current.jobName})`
      : `Starting restore step ${current.step} (Job ${current.jobName})`
    : `Restoring database ${spec.databaseName}`;
  return { phase: 'Running', message, reason: 'Running' };
}

/** Derives the restore status (see the module comment). */
export function restoreStatus(input: RestoreStatusInput): { status: Record<string, unknown>; resyncAfterSeconds?: number } {
  const { request, warnings, steps } = input;
  const restore = request.parent;
  const previous = restore.status;
  const derived = derive(input);
  const jobs = steps.flatMap((s) => (s.job ? [s.job] : []));
  // A completed restore keeps the times it was completed with, even once its Jobs are gone.
  const carried = previousField(previous, 'phase') === 'Completed';
  const previousDuration = isRecord(previous?.stats) && typeof previous.stats.duration === 'string' ? previous.stats.duration : undefined;
  const startTime =
    (carried ? previousField(previous, 'startTime') : undefined) ??
    earliest(jobs.map((j) => j.startTime)) ??
    (input.vanished ? previousField(previous, 'startTime') : undefined);
  let completionTime: string | undefined;
  if (derived.phase === 'Completed') completionTime = (carried ? previousField(previous, 'completionTime') : undefined) ?? latest(jobs.map((j) => j.completionTime));
  else if (derived.phase === 'Failed' && jobs.length > 0) completionTime = latest(jobs.map((j) => j.completionTime));
  const duration = derived.phase === 'Completed' ? ((carried ? previousDuration : undefined) ?? durationBetween(startTime, completionTime)) : undefined;
  const conditions: ConditionInput[] = [
    { type: 'Ready', status: derived.phase === 'Completed' ? 'True' : 'False', reason: derived.reason, message: derived.message },
  ];
  if (warnings.length > 0) conditions.push({ type: 'Warnings', status: 'True', reason: 'SpecWarnings', message: warnings.join('; ') });
  const status: Record<string, unknown> = {
    phase: derived.phase,
    message: derived.message,
    conditions: buildConditions(conditions, previous, restore.metadata.generation, request.now),
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    ...(duration ? { stats: { duration } } : {}),
    ...(input.backupInfo ? { backupInfo: input.backupInfo } : {}),
  };
  const waiting = derived.phase === 'Waiting';
  return { status, ...(waiting ? { resyncAfterSeconds: WAITING_RESYNC_SECONDS } : {}) };
}
