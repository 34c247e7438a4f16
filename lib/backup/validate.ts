/**
 * Reconcile-time validation of a Neo4jBackup: the operator's backup rules (operator.md §7.4 —
 * target kind, storage/provider consistency, cron syntax, retention, additional arguments) plus
 * what neo4j-hooks needs to build the Job safely. Messages name the field and the fix.
 *
 * The target rule: `target.kind: Cluster` backs up every database of the Neo4jEnterpriseCluster
 * (or, when no cluster has the name, the Neo4jEnterpriseStandalone) named `target.name`.
 * `target.kind: Database` backs up one database: `target.name` is `<deployment>/<database>`, or a
 * plain name that is both (the operator's reading, which only works when the database is named
 * like its deployment).
 */
import type { BackupSpec } from '../schemas/backup.js';
import type { Neo4jVersion } from '../neo4j/version.js';
import { additionalArgsErrors, parseMaxAge } from './command.js';
import { databaseNameError, namespaceError, objectNameError } from './names.js';
import { effectiveCloud, isCloudType, validateCloudLocation, validatePvcLocation, type Findings } from './storage.js';

/** What a backup is of: the deployment to read from and the database(s). */
export interface BackupScope {
  /** Name of the Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone. */
  instance: string;
  namespace: string;
  /** `*` for all databases, else one database. */
  database: string;
}

/** The scope of a backup; `namespace` defaults to the backup's own. Assumes nothing about validity. */
export function backupScope(spec: BackupSpec, ownNamespace: string): BackupScope {
  const namespace = spec.target.namespace || ownNamespace;
  const name = spec.target.name;
  if (spec.target.kind !== 'Database') return { instance: name, namespace, database: '*' };
  const slash = name.indexOf('/');
  if (slash === -1) return { instance: name, namespace, database: name };
  return { instance: name.slice(0, slash), namespace, database: name.slice(slash + 1) };
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_FIELD = /^[0-9A-Za-z*?/,-]+$/u;

/** Why `schedule` is not a schedule a Kubernetes CronJob accepts (5 fields or a macro), or undefined. */
export function cronError(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (CRON_MACROS.has(trimmed)) return undefined;
  const fields = trimmed.split(/\s+/u);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
    return (
      `schedule ${JSON.stringify(schedule)} is not a cron schedule: use 5 fields (minute hour day-of-month month day-of-week, ` +
      'for example "0 2 * * *") or a macro such as @daily; Kubernetes CronJobs have no seconds field'
    );
  }
  return undefined;
}

function validateTarget(spec: BackupSpec, namespace: string, findings: Findings): void {
  const { kind, name } = spec.target;
  if (spec.target.namespace) {
    const problem = namespaceError('target.namespace', spec.target.namespace);
    if (problem) findings.errors.push(problem);
  }
  if (!name) {
    findings.errors.push('target.name is required: the Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone to back up');
    return;
  }
  const scope = backupScope(spec, namespace);
  if (kind === 'Cluster' && name.includes('/')) {
    findings.errors.push(`target.name ${JSON.stringify(name)} must name a deployment for kind Cluster; to back up one database use kind Database with <deployment>/<database>`);
    return;
  }
  const instanceProblem = objectNameError(kind === 'Database' ? 'the deployment in target.name' : 'target.name', scope.instance);
  if (instanceProblem) findings.errors.push(instanceProblem);
  if (kind === 'Database') {
    const dbProblem = databaseNameError('the database in target.name', scope.database);
    if (dbProblem) findings.errors.push(`${dbProblem}; for kind Database write target.name as <deployment>/<database>`);
  }
}

function validateStorage(spec: BackupSpec, findings: Findings): void {
  const storage = spec.storage;
  if (isCloudType(storage.type)) {
    validateCloudLocation('storage', storage, effectiveCloud(storage, spec.cloud), findings);
    if (spec.retention && (spec.retention.maxAge || spec.retention.maxCount)) {
      findings.warnings.push(
        `retention is not applied to ${storage.type} storage: neo4j-admin cannot delete objects and the Neo4j image has no cloud CLI; ` +
          'use the bucket lifecycle rules (and keep every artifact of a backup chain as long as its newest DIFF)',
      );
    }
    return;
  }
  validatePvcLocation('storage', storage, findings);
  if (storage.bucket) findings.warnings.push('storage.bucket is ignored for storage type pvc');
  if (storage.cloud || spec.cloud) findings.warnings.push('cloud settings are ignored for storage type pvc');
}

function validateRetention(spec: BackupSpec, findings: Findings): void {
  const retention = spec.retention;
  if (!retention) return;
  if (retention.maxAge !== undefined && parseMaxAge(retention.maxAge) === undefined) {
    findings.errors.push(`retention.maxAge ${JSON.stringify(retention.maxAge)} is not an age: use <number><unit> terms with units s, m, h, d, w (for example 7d, 168h or 1d12h)`);
  }
  if (retention.maxAge === undefined && retention.maxCount === undefined) {
    findings.warnings.push('retention has neither maxAge nor maxCount: nothing is ever pruned');
  }
  if (retention.deletePolicy === 'Archive' && spec.storage.type === 'pvc') {
    findings.warnings.push('retention.deletePolicy Archive: neo4j-hooks has no archive tier, so expired backups are kept (nothing is pruned)');
  }
}

function validateOptions(spec: BackupSpec, findings: Findings): void {
  const options = spec.options ?? {};
  if (options.encryption?.enabled) {
    findings.warnings.push(
      'options.encryption is not supported by neo4j-admin: backup artifacts are written unencrypted; rely on storage encryption at rest ' +
        '(S3, GCS and Azure encrypt objects by default; for a PVC use an encrypting StorageClass)',
    );
  }
  if (options.verify) {
    findings.warnings.push('options.verify is not implemented: check a backup with neo4j-admin database check --from-path=<backup folder>');
  }
  findings.errors.push(...additionalArgsErrors(options.additionalArgs ?? [], undefined));
}

/**
 * Validates a backup spec without its target: findings in a fixed order (target, schedule,
 * storage, retention, options), so the result is deterministic. Never throws.
 */
export function validateBackup(spec: BackupSpec, namespace: string): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  validateTarget(spec, namespace, findings);
  if (spec.schedule) {
    const problem = cronError(spec.schedule);
    if (problem) findings.errors.push(problem);
  } else if (spec.suspend) {
    findings.warnings.push('suspend only applies to scheduled backups (spec.schedule); a one-shot backup runs regardless');
  }
  validateStorage(spec, findings);
  validateRetention(spec, findings);
  validateOptions(spec, findings);
  return findings;
}

/** Checks that need the target's version: the version-gated additional arguments (the others were reported already). */
export function validateBackupForVersion(spec: BackupSpec, version: Neo4jVersion): string[] {
  const args = spec.options?.additionalArgs ?? [];
  const reported = new Set(additionalArgsErrors(args, undefined));
  return additionalArgsErrors(args, version).filter((e) => !reported.has(e));
}
