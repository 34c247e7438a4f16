/**
 * What observed Jobs and CronJobs say: finished or not, succeeded or failed and why, and when.
 * Backup and restore status comes from here (never from the Jobs about to be emitted). Fields are
 * read defensively: any of them may be missing on an object that was just created.
 */
import type { CronJob, Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { K8sObject } from '../k8s/object.js';
import { findObserved, type ObservedMap } from '../k8s/observed.js';

/** An observed Job. */
export interface JobObservation {
  object: K8sObject;
  /** `Complete=True`. */
  succeeded: boolean;
  /** `Failed=True`. */
  failed: boolean;
  /** Reason and message of the Failed condition. */
  failureReason?: string;
  failureMessage?: string;
  startTime?: string;
  completionTime?: string;
  active: number;
}

function conditionTrue(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type && c.status === 'True');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The observed Job `name`, or undefined. */
export function observeJob(children: ObservedMap, name: string, namespace: string): JobObservation | undefined {
  const object = findObserved(children, 'Job', 'batch/v1', name, namespace);
  if (!object) return undefined;
  const status = (object as unknown as Job).status ?? {};
  const complete = conditionTrue(status.conditions, 'Complete');
  const failed = conditionTrue(status.conditions, 'Failed');
  const startTime = text(status.startTime);
  const completionTime = text(status.completionTime);
  return {
    object,
    succeeded: complete !== undefined,
    failed: complete === undefined && failed !== undefined,
    ...(failed ? { failureReason: text(failed.reason), failureMessage: text(failed.message) } : {}),
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    active: typeof status.active === 'number' ? status.active : 0,
  };
}

/** An observed CronJob. */
export interface CronJobObservation {
  object: K8sObject;
  suspended: boolean;
  active: number;
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** The observed CronJob `name`, or undefined. */
export function observeCronJob(children: ObservedMap, name: string, namespace: string): CronJobObservation | undefined {
  const object = findObserved(children, 'CronJob', 'batch/v1', name, namespace);
  if (!object) return undefined;
  const cron = object as unknown as CronJob;
  const status = cron.status ?? {};
  const lastScheduleTime = text(status.lastScheduleTime);
  const lastSuccessfulTime = text(status.lastSuccessfulTime);
  return {
    object,
    suspended: cron.spec?.suspend === true,
    active: Array.isArray(status.active) ? status.active.length : 0,
    ...(lastScheduleTime ? { lastScheduleTime } : {}),
    ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
  };
}

/** `1h2m3s`-style text of a non-negative number of seconds (`0s` for zero). */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/** Duration between two RFC 3339 times, or undefined when either is missing or unreadable. */
export function durationBetween(start: string | undefined, end: string | undefined): string | undefined {
  if (!start || !end) return undefined;
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return undefined;
  return formatDuration((to - from) / 1000);
}
