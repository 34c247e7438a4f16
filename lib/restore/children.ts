/**
 * The Jobs of a Neo4jRestore, one per step: pre-restore Cypher, pre-restore hook Job, the restore,
 * post-restore Cypher, post-restore hook Job. The restore Job runs cypher-shell (from the target's
 * own image) against the `system` database:
 *
 * 1. it counts the databases named like the target (`SHOW DATABASES`); an existing one without
 *    `options.replaceExisting` or `force` stops the Job with exit code 17, which the Job's
 *    podFailurePolicy turns into a failed Job at once, recognisable by its condition message;
 * 2. it creates the database from the seed, `CREATE DATABASE … OPTIONS {existingData: 'use',
 *    seedURI: …[, seedRestoreUntil: datetime(…)]} WAIT` (replacing: `CREATE OR REPLACE` on
 *    calendar versions, `DROP DATABASE … IF EXISTS WAIT` first on 5.26);
 * 3. it polls `SHOW DATABASE` until every allocation is online, or reports the failure.
 *
 * Every Cypher text is built here with quoted identifiers and string literals and handed to a
 * fixed script as an environment variable; the Cypher hook statements are the user's own Cypher
 * and reach cypher-shell as single argv elements. The scripts never interpolate a value.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Container, EnvVar, PodSpec } from 'kubernetes-types/core/v1.js';
import type { RestoreHooks, RestoreSpec } from '../schemas/restore.js';
import type { K8sObject } from '../k8s/object.js';
import { parseGoDuration } from '../k8s/duration.js';
import { versionAtLeast } from '../neo4j/version.js';
import { neo4jContainerSecurityContext } from '../neo4j/pod.js';
import { NEO4J_UID } from '../cluster/children.js';
import { cypherMap, quoteIdentifier, quoteString } from '../cypher/quote.js';
import { restoreJobName, restoreLabels, type RestoreStep } from '../backup/names.js';
import type { Target } from '../backup/target.js';

/** Exit code of the restore script when the database exists and may not be replaced. */
export const REFUSED_EXIT_CODE = 17;
/** How long the restore waits for the seeded database to come online without `spec.timeout`. */
export const DEFAULT_RESTORE_WAIT_SECONDS = 3600;
/** Hook Job timeout without `job.timeout` (the operator's 30m). */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 1800;
/** Retries of a hook Job without `job.template.backoffLimit` (the operator's 3). */
export const DEFAULT_HOOK_BACKOFF = 3;

/** The operator's message for a restore into an existing database. */
export function existsMessage(database: string): string {
  return `database ${database} already exists. Use replaceExisting option or force flag to overwrite`;
}

/** Everything the restore's Jobs are built from. */
export interface RestoreModel {
  name: string;
  namespace: string;
  spec: RestoreSpec;
  target: Target;
  /** The seed URI. */
  seedUri: string;
}

/** The Cypher texts of the restore script (all values quoted). */
export interface RestoreQueries {
  exists: string;
  create: string;
  /** Calendar versions: `CREATE OR REPLACE DATABASE`. */
  replace?: string;
  /** 5.26: dropped before `create` when replacing. */
  drop?: string;
  status: string;
  detail: string;
}

/** The restore's Cypher (see the module comment). */
export function restoreQueries(model: RestoreModel): RestoreQueries {
  const { spec, target } = model;
  const db = quoteIdentifier(spec.databaseName);
  const options: Array<[string, string]> = [
    ['existingData', quoteString('use')],
    ['seedURI', quoteString(model.seedUri)],
  ];
  if (spec.source.pointInTime) options.push(['seedRestoreUntil', `datetime(${quoteString(spec.source.pointInTime)})`]);
  const tail = `DATABASE ${db} OPTIONS ${cypherMap(options)} WAIT`;
  const calver = target.version !== undefined && versionAtLeast(target.version, '2025.01');
  return {
    exists: `SHOW DATABASES YIELD name WHERE name = ${quoteString(spec.databaseName.toLowerCase())} RETURN count(*) AS n`,
    create: `CREATE ${tail}`,
    ...(calver ? { replace: `CREATE OR REPLACE ${tail}` } : { drop: `DROP DATABASE ${db} IF EXISTS WAIT` }),
    status:
      `SHOW DATABASE ${db} YIELD currentStatus, requestedStatus, statusMessage RETURN CASE ` +
      `WHEN count(*) = 0 THEN 'pending' ` +
      `WHEN sum(CASE WHEN currentStatus = 'offline' AND requestedStatus = 'online' AND statusMessage <> '' THEN 1 ELSE 0 END) > 0 THEN 'failed' ` +
      `WHEN sum(CASE WHEN currentStatus = 'online' THEN 0 ELSE 1 END) = 0 THEN 'online' ` +
      `ELSE 'pending' END AS state`,
    detail: `SHOW DATABASE ${db} YIELD address, currentStatus, requestedStatus, statusMessage`,
  };
}

/**
 * The restore script. Inputs: `NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD` (read by
 * cypher-shell), `DATABASE_NAME` (for messages), `REPLACE_EXISTING`, the queries `EXISTS_QUERY`,
 * `CREATE_QUERY`, `REPLACE_QUERY` or `DROP_QUERY`, `STATUS_QUERY`, `DETAIL_QUERY`, and
 * `WAIT_TIMEOUT_SECONDS`.
 */
export const RESTORE_SCRIPT = `# neo4j-hooks restore: seeds one database from a backup (CREATE DATABASE ... OPTIONS {seedURI}).
set -uo pipefail
run() { cypher-shell -a "$NEO4J_URI" -d system --format plain --non-interactive "$1"; }

attempt=0
until out="$(run "$EXISTS_QUERY" 2>&1)"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then echo "cannot query the databases at $NEO4J_URI: $out" >&2; exit 1; fi
  sleep 10
done
count="$(printf '%s\\n' "$out" | tail -n 1 | tr -d '[:space:]')"

if [ "$count" != "0" ]; then
  if [ "$REPLACE_EXISTING" != "true" ]; then
    message="database $DATABASE_NAME already exists. Use replaceExisting option or force flag to overwrite"
    echo "$message" >&2
    printf '%s' "$message" > /dev/termination-log 2>/dev/null || true
    exit ${REFUSED_EXIT_CODE}
  fi
  echo "replacing the existing database $DATABASE_NAME"
  if [ -n "\${REPLACE_QUERY:-}" ]; then
    run "$REPLACE_QUERY" || exit 1
  else
    run "$DROP_QUERY" || exit 1
    run "$CREATE_QUERY" || exit 1
  fi
else
  run "$CREATE_QUERY" || exit 1
fi

deadline=$((SECONDS + WAIT_TIMEOUT_SECONDS))
while :; do
  if out="$(run "$STATUS_QUERY" 2>&1)"; then
    state="$(printf '%s\\n' "$out" | tail -n 1 | tr -d '"[:space:]')"
    case "$state" in
      online) echo "database $DATABASE_NAME is online"; exit 0 ;;
      failed) echo "database $DATABASE_NAME did not start from its seed:" >&2; run "$DETAIL_QUERY" >&2; exit 1 ;;
    esac
  else
    echo "status query failed, retrying: $out" >&2
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "database $DATABASE_NAME is not online after $WAIT_TIMEOUT_SECONDS seconds:" >&2
    run "$DETAIL_QUERY" >&2
    exit 1
  fi
  sleep 10
done
`;

/** The Cypher hook script: each argument is one statement, run in order against `HOOK_DATABASE`. */
export const CYPHER_HOOK_SCRIPT = `# neo4j-hooks restore hook: runs each argument as one Cypher statement, in order.
set -uo pipefail
for statement in "$@"; do
  cypher-shell -a "$NEO4J_URI" -d "$HOOK_DATABASE" --format plain --non-interactive "$statement" || exit 1
done
`;

function seconds(duration: string | undefined, fallback: number): number {
  const ms = duration === undefined ? undefined : parseGoDuration(duration);
  return ms === undefined ? fallback : Math.max(1, Math.ceil(ms / 1000));
}

function credentials(target: Target): EnvVar[] {
  return [
    { name: 'NEO4J_URI', value: target.boltUri },
    { name: 'NEO4J_USERNAME', valueFrom: { secretKeyRef: { name: target.adminSecret, key: 'username' } } },
    { name: 'NEO4J_PASSWORD', valueFrom: { secretKeyRef: { name: target.adminSecret, key: 'password' } } },
  ];
}

function podSpec(target: Target, container: Container, hardened: boolean): PodSpec {
  return {
    restartPolicy: 'Never',
    automountServiceAccountToken: false,
    ...(hardened ? { securityContext: { runAsNonRoot: true, runAsUser: NEO4J_UID, runAsGroup: NEO4J_UID, seccompProfile: { type: 'RuntimeDefault' } } } : {}),
    ...(target.pullSecrets.length ? { imagePullSecrets: target.pullSecrets.map((name) => ({ name })) } : {}),
    containers: [container],
  };
}

function job(model: RestoreModel, step: RestoreStep, spec: Job['spec']): Job & K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: restoreJobName(model.name, step), namespace: model.namespace, labels: restoreLabels(model.name, step) },
    spec,
  };
}

/** Job `<r>-restore` (see the module comment). It never retries: a second seed would not be the same restore. */
export function buildRestoreJob(model: RestoreModel): Job & K8sObject {
  const { spec, target } = model;
  const queries = restoreQueries(model);
  const wait = seconds(spec.timeout, DEFAULT_RESTORE_WAIT_SECONDS);
  const replace = spec.options?.replaceExisting === true || spec.force === true;
  const container: Container = {
    name: 'restore',
    image: target.image,
    imagePullPolicy: target.pullPolicy,
    command: ['/bin/bash', '-c', RESTORE_SCRIPT, 'neo4j-restore'],
    env: [
      ...credentials(target),
      { name: 'DATABASE_NAME', value: spec.databaseName },
      { name: 'REPLACE_EXISTING', value: replace ? 'true' : 'false' },
      { name: 'EXISTS_QUERY', value: queries.exists },
      { name: 'CREATE_QUERY', value: queries.create },
      ...(queries.replace ? [{ name: 'REPLACE_QUERY', value: queries.replace }] : []),
      ...(queries.drop ? [{ name: 'DROP_QUERY', value: queries.drop }] : []),
      { name: 'STATUS_QUERY', value: queries.status },
      { name: 'DETAIL_QUERY', value: queries.detail },
      { name: 'WAIT_TIMEOUT_SECONDS', value: String(wait) },
    ],
    securityContext: neo4jContainerSecurityContext(),
  };
  return job(model, 'restore', {
    backoffLimit: 0,
    // Room for the script to report a timeout itself before Kubernetes stops it.
    activeDeadlineSeconds: wait + 600,
    podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'restore', operator: 'In', values: [REFUSED_EXIT_CODE] } }] },
    template: { metadata: { labels: restoreLabels(model.name, 'restore') }, spec: podSpec(target, container, true) },
  });
}

/** Job `<r>-<pre|post>-restore-cypher`: the hook's statements, in order, against the restored database. */
export function buildCypherHookJob(model: RestoreModel, step: 'pre-restore-cypher' | 'post-restore-cypher', hooks: RestoreHooks): Job & K8sObject {
  const { target, spec } = model;
  const container: Container = {
    name: 'cypher',
    image: target.image,
    imagePullPolicy: target.pullPolicy,
    command: ['/bin/bash', '-c', CYPHER_HOOK_SCRIPT, 'neo4j-restore-hook'],
    args: [...(hooks.cypherStatements ?? [])],
    env: [...credentials(target), { name: 'HOOK_DATABASE', value: spec.databaseName }],
    securityContext: neo4jContainerSecurityContext(),
  };
  return job(model, step, {
    backoffLimit: 0,
    activeDeadlineSeconds: DEFAULT_HOOK_TIMEOUT_SECONDS,
    template: { metadata: { labels: restoreLabels(model.name, step) }, spec: podSpec(target, container, true) },
  });
}

/** Job `<r>-<pre|post>-restore-hook`: the user's container, as given (image, command, args, env). */
export function buildContainerHookJob(model: RestoreModel, step: 'pre-restore-hook' | 'post-restore-hook', hooks: RestoreHooks): Job & K8sObject {
  const hook = hooks.job!;
  const given = hook.template.container;
  const container: Container = {
    name: 'hook',
    image: given.image,
    ...(given.command?.length ? { command: [...given.command] } : {}),
    ...(given.args?.length ? { args: [...given.args] } : {}),
    ...(given.env?.length ? { env: structuredClone(given.env) as EnvVar[] } : {}),
  };
  return job(model, step, {
    backoffLimit: hook.template.backoffLimit ?? DEFAULT_HOOK_BACKOFF,
    activeDeadlineSeconds: seconds(hook.timeout, DEFAULT_HOOK_TIMEOUT_SECONDS),
    template: { metadata: { labels: restoreLabels(model.name, step) }, spec: podSpec(model.target, container, false) },
  });
}

/** The steps a restore runs, in order, with their Job builders. */
export function restoreSteps(model: RestoreModel): Array<{ step: RestoreStep; build: () => Job & K8sObject }> {
  const pre = model.spec.options?.preRestore;
  const post = model.spec.options?.postRestore;
  const steps: Array<{ step: RestoreStep; build: () => Job & K8sObject }> = [];
  if (pre?.cypherStatements?.length) steps.push({ step: 'pre-restore-cypher', build: () => buildCypherHookJob(model, 'pre-restore-cypher', pre) });
  if (pre?.job) steps.push({ step: 'pre-restore-hook', build: () => buildContainerHookJob(model, 'pre-restore-hook', pre) });
  steps.push({ step: 'restore', build: () => buildRestoreJob(model) });
  if (post?.cypherStatements?.length) steps.push({ step: 'post-restore-cypher', build: () => buildCypherHookJob(model, 'post-restore-cypher', post) });
  if (post?.job) steps.push({ step: 'post-restore-hook', build: () => buildContainerHookJob(model, 'post-restore-hook', post) });
  return steps;
}
