/**
 * Names and labels of what a Neo4jBackup or Neo4jRestore owns, and the naming rules of the values
 * they reference. Child names are the operator's (`<b>-backup`, `<b>-backup-cron`, `<r>-restore`),
 * shortened deterministically (a prefix plus a hash of the full name) when Kubernetes would refuse
 * them: a Job name becomes the `job-name` label of its pods (63 characters at most) and a CronJob
 * name gets an 11-character suffix for each Job it creates (52 at most).
 */
import { contentHash } from '../k8s/hash.js';

/** Longest Job name whose pods can carry it as the `job-name` label value. */
export const MAX_JOB_NAME = 63;
/** Longest CronJob name (its Jobs append `-<11 digits>` and must stay within 63). */
export const MAX_CRONJOB_NAME = 52;
/** Longest name of an object that is only a DNS subdomain (ServiceAccount, PVC). */
export const MAX_OBJECT_NAME = 253;
/** Longest label value. */
export const MAX_LABEL_VALUE = 63;

/**
 * `<base><suffix>` when it fits in `max` characters; otherwise the longest prefix of `base` that
 * fits, then `-<8 hex digits of a hash of base>`, then `suffix`. Deterministic, and two different
 * bases practically never collide.
 */
export function boundedName(base: string, suffix: string, max: number): string {
  const full = `${base}${suffix}`;
  if (full.length <= max) return full;
  const hash = contentHash(base).slice(0, 8);
  const room = Math.max(0, max - suffix.length - hash.length - 1);
  const prefix = base.slice(0, room).replace(/[-.]+$/u, '');
  return `${prefix}-${hash}${suffix}`.replace(/^-/u, '');
}

/** A label value for `value`: itself when valid, else a shortened, cleaned form with a hash. */
export function labelValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE && /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)?$/u.test(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/gu, '-');
  const bounded = boundedName(cleaned, '', MAX_LABEL_VALUE);
  return bounded.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/gu, '');
}

/** Names of the children of Neo4jBackup `b`. */
export function backupNames(b: string) {
  return {
    /** One-shot Job. */
    job: boundedName(b, '-backup', MAX_JOB_NAME),
    /** Scheduled backups. */
    cronJob: boundedName(b, '-backup-cron', MAX_CRONJOB_NAME),
    /** Workload-identity ServiceAccount created when `cloud.identity.autoCreate` is enabled. */
    serviceAccount: boundedName(b, '-backup', MAX_OBJECT_NAME),
    /** Backup volume created when `storage.pvc.name` is not set. */
    claim: boundedName(b, '-backup-storage', MAX_OBJECT_NAME),
    /**
     * ConfigMap with the backup SSL policy, for a target that serves TLS. Not `-config`: a
     * cluster or standalone named `<b>-backup` owns ConfigMap `<b>-backup-config`.
     */
    tlsConfig: boundedName(b, '-backup-tls', MAX_OBJECT_NAME),
  };
}

/** Names of one backup (see {@link backupNames}). */
export type BackupNames = ReturnType<typeof backupNames>;

/** The steps of a restore, in the order they run. */
export const RESTORE_STEPS = ['pre-restore-cypher', 'pre-restore-hook', 'restore', 'post-restore-cypher', 'post-restore-hook'] as const;
/** One restore step. */
export type RestoreStep = (typeof RESTORE_STEPS)[number];

/** Job name of restore step `step` of Neo4jRestore `r` (`<r>-restore`, `<r>-pre-restore-hook`, …). */
export function restoreJobName(r: string, step: RestoreStep): string {
  return boundedName(r, `-${step}`, MAX_JOB_NAME);
}

/** The operator's labels of a backup's objects (component `backup` or `backup-cron`). */
export function backupLabels(b: string, component: 'backup' | 'backup-cron' | 'backup-storage' | 'backup-identity' | 'backup-tls'): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'neo4j-backup',
    'app.kubernetes.io/instance': labelValue(b),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'neo4j-operator',
  };
}

/** The operator's labels of a restore's Jobs (component `restore`, or the hook step). */
export function restoreLabels(r: string, step: RestoreStep): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'neo4j-restore',
    'app.kubernetes.io/instance': labelValue(r),
    'app.kubernetes.io/component': step === 'restore' ? 'restore' : step,
    'app.kubernetes.io/managed-by': 'neo4j-operator',
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/u;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/u;

/** Why `name` cannot name a Kubernetes object (a DNS subdomain), or undefined; `field` names it in the message. */
export function objectNameError(field: string, name: string): string | undefined {
  if (name.length > MAX_OBJECT_NAME || !DNS_SUBDOMAIN.test(name)) {
    return `${field} ${JSON.stringify(name)} is not a valid Kubernetes object name (lowercase letters, digits, "-" and ".", at most 253 characters)`;
  }
  return undefined;
}

/** Why `name` cannot be a namespace (a DNS label), or undefined. */
export function namespaceError(field: string, name: string): string | undefined {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    return `${field} ${JSON.stringify(name)} is not a valid namespace name (lowercase letters, digits and "-", at most 63 characters)`;
  }
  return undefined;
}

/** Neo4j's database naming rule: 3-63 characters, a letter first, then letters, digits, dots or dashes, not ending in a dot or dash. */
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9.-]{1,61}[A-Za-z0-9]$/u;

/**
 * Why `name` is not a name Neo4j accepts for a database, or undefined (the Operations Manual's
 * naming rules; `system` itself is a valid existing database).
 */
export function databaseNameError(field: string, name: string): string | undefined {
  if (!DATABASE_NAME.test(name)) {
    return (
      `${field} ${JSON.stringify(name)} is not a valid Neo4j database name: 3 to 63 characters, starting with a letter, ` +
      'then letters, digits, "." or "-", not ending with "." or "-"'
    );
  }
  return undefined;
}
