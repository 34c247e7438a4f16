/**
 * Reconcile-time validation of a Neo4jRestore: the target and database names, the source (see
 * source.ts for what can be restored), the timeouts and the hooks. Fields the operator declared
 * but neo4j-hooks has no use for are accepted with a warning, so existing CRs keep working.
 */
import type { RestoreHooks, RestoreSpec } from '../schemas/restore.js';
import { parseGoDuration } from '../k8s/duration.js';
import { versionAtLeast, type Neo4jVersion } from '../neo4j/version.js';
import { objectNameError } from '../backup/names.js';
import type { Findings } from '../backup/storage.js';
import { restoreDatabaseError, sourceErrors } from './source.js';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/u;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/u;

function durationError(field: string, value: string): string | undefined {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 1000) {
    return `${field} ${JSON.stringify(value)} is not a Go duration of at least 1s (for example 30m, 2h or 1h30m; there is no d unit)`;
  }
  return undefined;
}

function validateHooks(field: string, hooks: RestoreHooks | undefined, findings: Findings): void {
  if (!hooks) return;
  (hooks.cypherStatements ?? []).forEach((statement, i) => {
    if (statement.trim() === '') findings.errors.push(`${field}.cypherStatements[${i}] is empty`);
    else if (statement.includes('\u0000')) findings.errors.push(`${field}.cypherStatements[${i}] contains a NUL character`);
  });
  const job = hooks.job;
  if (!job) return;
  const container = job.template.container;
  if (!container.image?.trim()) findings.errors.push(`${field}.job.template.container.image is required`);
  (container.env ?? []).forEach((entry, i) => {
    if (!ENV_NAME.test(entry.name)) findings.errors.push(`${field}.job.template.container.env[${i}].name ${JSON.stringify(entry.name)} is not a valid environment variable name`);
  });
  const backoff = job.template.backoffLimit;
  if (backoff !== undefined && backoff < 0) findings.errors.push(`${field}.job.template.backoffLimit must be 0 or more, got ${backoff}`);
  if (job.timeout !== undefined) {
    const problem = durationError(`${field}.job.timeout`, job.timeout);
    if (problem) findings.errors.push(problem);
  }
}

function pitrWarnings(spec: RestoreSpec, findings: Findings): void {
  const pitr = spec.source.pitr;
  if (spec.source.type !== 'pitr' || !pitr) return;
  const ignored = (['logStorage', 'logRetention', 'recoveryPointObjective', 'validateLogIntegrity', 'compression', 'encryption'] as const).filter(
    (k) => pitr[k] !== undefined,
  );
  if (ignored.length > 0) {
    findings.warnings.push(
      `source.pitr.${ignored.join(', source.pitr.')} ignored: Neo4j keeps the transactions of a point-in-time restore in the differential backups of the chain, ` +
        'so the restore seeds from pitr.baseBackup up to source.pointInTime',
    );
  }
}

/**
 * Validates a restore spec without its target: findings in a fixed order (target, database,
 * source, timeouts, hooks, ignored fields). Never throws.
 */
export function validateRestore(spec: RestoreSpec): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  if (!spec.targetCluster) findings.errors.push('targetCluster is required: the Neo4jEnterpriseCluster or Neo4jEnterpriseStandalone to restore into');
  else {
    const problem = objectNameError('targetCluster', spec.targetCluster);
    if (problem) findings.errors.push(problem);
  }
  const dbProblem = restoreDatabaseError(spec.databaseName);
  if (dbProblem) findings.errors.push(dbProblem);
  findings.errors.push(...sourceErrors(spec));
  const pointInTime = spec.source.pointInTime;
  if (pointInTime !== undefined && (!RFC3339.test(pointInTime) || Number.isNaN(Date.parse(pointInTime)))) {
    findings.errors.push(`source.pointInTime ${JSON.stringify(pointInTime)} is not an RFC 3339 time (for example 2025-01-04T12:30:00Z)`);
  }
  if (spec.timeout !== undefined) {
    const problem = durationError('timeout', spec.timeout);
    if (problem) findings.errors.push(problem);
  }
  validateHooks('options.preRestore', spec.options?.preRestore, findings);
  validateHooks('options.postRestore', spec.options?.postRestore, findings);
  pitrWarnings(spec, findings);
  if (spec.options?.additionalArgs?.length) {
    findings.warnings.push('options.additionalArgs ignored: neo4j-hooks restores by seeding (CREATE DATABASE ... OPTIONS {seedURI}), not with neo4j-admin database restore');
  }
  if (spec.options?.verifyBackup) findings.warnings.push('options.verifyBackup ignored: Neo4j validates the seed when the database starts');
  if (spec.stopCluster) findings.warnings.push('stopCluster ignored: seeding needs the deployment running; only the restored database is replaced');
  return findings;
}

/** Checks that need the target's version. */
export function validateRestoreForVersion(spec: RestoreSpec, version: Neo4jVersion): string[] {
  if (spec.source.pointInTime && !versionAtLeast(version, '2025.01')) {
    return [`source.pointInTime needs Neo4j 2025.01 or later (the seedRestoreUntil option); the target runs ${version.raw}`];
  }
  return [];
}
