/**
 * The Jobs of a Neo4jDatabase and what their observed status says. Each Job runs cypher-shell from
 * the target's image against the target's client Service (lib/targets/connection.ts); its Cypher
 * travels in an environment variable of the Job itself, so a Job always runs exactly the script it
 * was created with. Jobs are immutable children (update strategy OnDelete): once observed, a Job
 * is returned as last applied and never replaced, so a finished Job never runs again.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { listObserved, type ObservedMap } from '../k8s/observed.js';
import { lastApplied } from '../k8s/frozen.js';
import { cypherScript } from '../cypher/script.js';
import { cypherShellPod, type TargetConnection } from '../targets/connection.js';
import {
  DATABASE_NAME_ANNOTATION,
  databaseJobLabels,
  describeTopology,
  parseTopology,
  TARGET_ANNOTATION,
  TOPOLOGY_ANNOTATION,
  type DatabaseJobNames,
  type DatabaseOperation,
  type Topology,
} from './names.js';
import { alterTopologyStatement, createDatabaseStatement, dropDatabaseStatement } from './statements.js';
import type { DatabasePlan } from './validate.js';

/** Upper bound of an administration Job (create, topology, drop): a stuck Job fails instead of hanging. */
export const ADMIN_JOB_DEADLINE_SECONDS = 1800;

/** What every Job of one database shares. */
export interface JobContext {
  /** Name of the Neo4jDatabase resource. */
  resource: string;
  namespace: string;
  names: DatabaseJobNames;
  connection: TargetConnection;
}

interface JobOptions {
  name: string;
  operation: DatabaseOperation;
  database: string;
  cypher: string;
  /** Retries of a failed pod: only for statements that are safe to repeat. */
  backoffLimit: number;
  deadline: boolean;
  annotations: Record<string, string>;
}

function buildJob(ctx: JobContext, options: JobOptions): Job & K8sObject {
  const labels = databaseJobLabels(ctx.resource, options.operation);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: options.name, namespace: ctx.namespace, labels, annotations: options.annotations },
    spec: {
      backoffLimit: options.backoffLimit,
      ...(options.deadline ? { activeDeadlineSeconds: ADMIN_JOB_DEADLINE_SECONDS } : {}),
      template: {
        metadata: { labels },
        spec: cypherShellPod(ctx.connection, { database: options.database, cypher: options.cypher }),
      },
    },
  };
}

function baseAnnotations(ctx: JobContext, database: string): Record<string, string> {
  return { [DATABASE_NAME_ANNOTATION]: database, [TARGET_ANNOTATION]: `${ctx.connection.kind}/${ctx.connection.name}` };
}

/**
 * `<db>-create`: CREATE DATABASE on `system`. Retried (twice) only with IF NOT EXISTS, where a
 * repeat is harmless; without it a retry would fail on the database its first attempt created.
 */
export function buildCreateJob(ctx: JobContext, plan: DatabasePlan): Job & K8sObject {
  const statement = createDatabaseStatement({
    name: plan.name,
    ifNotExists: plan.ifNotExists,
    wait: plan.wait,
    ...(plan.defaultLanguage ? { defaultLanguage: plan.defaultLanguage } : {}),
    ...(plan.topology ? { topology: plan.topology } : {}),
    options: plan.options,
  });
  return buildJob(ctx, {
    name: ctx.names.create,
    operation: 'create',
    database: 'system',
    cypher: cypherScript([statement]),
    backoffLimit: plan.ifNotExists ? 2 : 0,
    deadline: true,
    annotations: {
      ...baseAnnotations(ctx, plan.name),
      ...(plan.topology ? { [TOPOLOGY_ANNOTATION]: describeTopology(plan.topology) } : {}),
    },
  });
}

/**
 * `<db>-init`: initialData.cypherStatements in the new database. Never retried: the statements
 * need not be idempotent, and a half-run import must not run twice.
 */
export function buildInitJob(ctx: JobContext, plan: DatabasePlan): Job & K8sObject {
  return buildJob(ctx, {
    name: ctx.names.init,
    operation: 'init',
    database: plan.name,
    cypher: plan.initScript,
    backoffLimit: 0,
    deadline: false,
    annotations: baseAnnotations(ctx, plan.name),
  });
}

/** `<db>-topology-<hash>`: ALTER DATABASE … SET TOPOLOGY, safe to retry. */
export function buildTopologyJob(ctx: JobContext, plan: DatabasePlan, topology: Topology): Job & K8sObject {
  return buildJob(ctx, {
    name: ctx.names.topology(topology),
    operation: 'topology',
    database: 'system',
    cypher: cypherScript([alterTopologyStatement(plan.name, topology, plan.wait)]),
    backoffLimit: 2,
    deadline: true,
    annotations: { ...baseAnnotations(ctx, plan.name), [TOPOLOGY_ANNOTATION]: describeTopology(topology) },
  });
}

/** `<db>-drop`: DROP DATABASE … IF EXISTS for `database` (the name this resource created). */
export function buildDropJob(ctx: JobContext, database: string, wait: boolean): Job & K8sObject {
  return buildJob(ctx, {
    name: ctx.names.drop,
    operation: 'drop',
    database: 'system',
    cypher: cypherScript([dropDatabaseStatement(database, wait)]),
    backoffLimit: 2,
    deadline: true,
    annotations: baseAnnotations(ctx, database),
  });
}

/** Where a Job is: still running (or waiting to), done, or given up. */
export type JobPhase = 'running' | 'succeeded' | 'failed';

/** An observed Job of a database, read defensively. */
export interface ObservedJob {
  name: string;
  /** The Job as last applied: what the hook returns for it from now on. */
  applied: K8sObject;
  phase: JobPhase;
  /** `status.completionTime` of a succeeded Job. */
  completionTime?: string;
  /** Reason and message of the Failed condition. */
  failure?: string;
  annotations: Record<string, string>;
  operation?: string;
}

function condition(status: Record<string, unknown>, type: string): Record<string, unknown> | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((c): c is Record<string, unknown> => isRecord(c) && c.type === type && c.status === 'True');
}

/** The phase of a Job from its status conditions (Complete / Failed, as the Job controller sets them). */
export function observeJob(object: K8sObject): ObservedJob {
  const applied = lastApplied(object);
  const status = isRecord(object.status) ? object.status : {};
  const complete = condition(status, 'Complete');
  const failed = condition(status, 'Failed');
  const annotations = { ...applied.metadata.annotations };
  const operation = applied.metadata.labels?.['app.kubernetes.io/component'];
  const base = { name: object.metadata.name, applied, annotations, ...(operation ? { operation } : {}) };
  if (complete) {
    const completionTime = typeof status.completionTime === 'string' ? status.completionTime : undefined;
    return { ...base, phase: 'succeeded', ...(completionTime ? { completionTime } : {}) };
  }
  if (failed) {
    const reason = typeof failed.reason === 'string' && failed.reason ? failed.reason : 'Failed';
    const message = typeof failed.message === 'string' && failed.message ? `: ${failed.message}` : '';
    return { ...base, phase: 'failed', failure: `${reason}${message}` };
  }
  return { ...base, phase: 'running' };
}

/** The observed Jobs of one database, by role. */
export interface DatabaseJobs {
  create?: ObservedJob;
  init?: ObservedJob;
  drop?: ObservedJob;
  /** Every other Job: topology changes, current and superseded. */
  topology: ObservedJob[];
  /** All of them, in name order. */
  all: ObservedJob[];
}

/** Sorts the observed Jobs of a database into create, init, drop and topology Jobs. */
export function observeDatabaseJobs(children: ObservedMap, names: DatabaseJobNames, namespace: string): DatabaseJobs {
  const all = listObserved(children, 'Job', 'batch/v1')
    .filter((o) => (o.metadata.namespace ?? namespace) === namespace)
    .map(observeJob);
  const byName = (name: string) => all.find((j) => j.name === name);
  const special = new Set([names.create, names.init, names.drop]);
  return {
    create: byName(names.create),
    init: byName(names.init),
    drop: byName(names.drop),
    topology: all.filter((j) => !special.has(j.name)),
    all,
  };
}

/** The topology a Job applied, from its annotation. */
export function jobTopology(job: ObservedJob | undefined): Topology | undefined {
  return parseTopology(job?.annotations[TOPOLOGY_ANNOTATION]);
}

/**
 * The topology the database has now, as far as the Jobs tell: the one of the most recently
 * completed create or topology Job that applied one.
 */
export function appliedTopology(jobs: DatabaseJobs): Topology | undefined {
  const done = [jobs.create, ...jobs.topology].filter((j): j is ObservedJob => j?.phase === 'succeeded' && jobTopology(j) !== undefined);
  done.sort((a, b) => ((a.completionTime ?? '') < (b.completionTime ?? '') ? -1 : (a.completionTime ?? '') > (b.completionTime ?? '') ? 1 : a.name < b.name ? -1 : 1));
  return jobTopology(done.at(-1));
}
