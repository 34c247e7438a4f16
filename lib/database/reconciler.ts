/**
 * The Neo4jDatabase reconciler. A database lives inside a Neo4jEnterpriseCluster or
 * Neo4jEnterpriseStandalone (`spec.clusterRef`, read as a related object), so everything it does
 * is a cypher-shell Job against that target:
 *
 * 1. `<db>-create` runs CREATE DATABASE once the target is ready;
 * 2. after it succeeded, `<db>-init` runs initialData.cypherStatements once (recorded as
 *    `status.dataImported`, never run again);
 * 3. on a cluster, a topology that differs from the one last applied runs
 *    `<db>-topology-<hash>` (ALTER DATABASE … SET TOPOLOGY; one Job per desired topology);
 * 4. on deletion with `deletionPolicy: Drop`, `<db>-drop` runs DROP DATABASE and the resource goes
 *    only once it succeeded (or the target is gone); `Retain` lets it go at once.
 *
 * Status comes from the observed Jobs and target. An invalid spec freezes the Jobs as they are.
 */
import type { ChildResource, Desired, HookRequest, Reconciler, RelatedResource } from '../hook/reconciler.js';
import type { RelatedResourceRule } from '../schemas/envelope.js';
import { databaseKind, type DatabaseSpec } from '../schemas/database.js';
import { isRecord, type K8sObject } from '../k8s/object.js';
import { findObserved } from '../k8s/observed.js';
import { resolveTarget, TARGET_RELATED, targetRules, type TargetState } from '../targets/connection.js';
import {
  appliedTopology,
  buildCreateJob,
  buildDropJob,
  buildInitJob,
  buildTopologyJob,
  jobTopology,
  observeDatabaseJobs,
  type DatabaseJobs,
  type JobContext,
} from './jobs.js';
import { TARGET_RESYNC_SECONDS, type Database } from './model.js';
import { DATABASE_NAME_ANNOTATION, databaseJobNames, describeTopology, TARGET_ANNOTATION, type DatabaseJobNames, type Topology } from './names.js';
import { databaseStatus, previousFacts, type DatabaseOutcome, type PreviousFacts } from './status.js';
import { databaseNameError, planDatabase, type DatabasePlan } from './validate.js';

/** Child types of a database: only Jobs, never replaced once created. */
export const DATABASE_CHILDREN: readonly ChildResource[] = [{ apiVersion: 'batch/v1', kind: 'Job', resource: 'jobs', updateStrategy: 'OnDelete' }];

/** Related types: the target (cluster or standalone) and, for seedCredentials, one Secret. */
export const DATABASE_RELATED: readonly RelatedResource[] = [...TARGET_RELATED, { apiVersion: 'v1', kind: 'Secret', resource: 'secrets' }];

/** The Secret a spec needs to see: seedCredentials.secretRef, only when seeding. */
function seedSecretName(spec: Partial<DatabaseSpec>): string | undefined {
  const ref = spec.seedCredentials?.secretRef;
  return spec.seedURI && typeof ref === 'string' && ref !== '' ? ref : undefined;
}

/** Customize: the target by name (both kinds) and, when seeding with credentials, their Secret. */
export function customizeDatabase(parent: Database): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? '';
  const spec = (isRecord(parent.spec) ? parent.spec : {}) as Partial<DatabaseSpec>;
  const rules = targetRules(typeof spec.clusterRef === 'string' ? spec.clusterRef : '', namespace);
  const secret = seedSecretName(spec);
  if (secret) rules.push({ apiVersion: 'v1', resource: 'secrets', namespace, names: [secret] });
  return rules;
}

/** Everything one call derives from the request before deciding. */
interface Context {
  db: Database;
  spec: DatabaseSpec;
  namespace: string;
  names: DatabaseJobNames;
  jobs: DatabaseJobs;
  target: TargetState;
  previous: PreviousFacts;
}

function contextOf(request: HookRequest<Database>): Context {
  const db = request.parent;
  const namespace = db.metadata.namespace!;
  const spec = (isRecord(db.spec) ? db.spec : {}) as DatabaseSpec;
  const names = databaseJobNames(db.metadata.name);
  return {
    db,
    spec,
    namespace,
    names,
    jobs: observeDatabaseJobs(request.children, names, namespace),
    target: resolveTarget(request.related, spec.clusterRef ?? '', namespace),
    previous: previousFacts(db.status),
  };
}

/** The facts of the previous status, carried unchanged when this call learns nothing new. */
function carried(previous: PreviousFacts): Pick<DatabaseOutcome, 'creationTime' | 'dataImported'> {
  return {
    ...(previous.creationTime ? { creationTime: previous.creationTime } : {}),
    ...(previous.dataImported !== undefined ? { dataImported: previous.dataImported } : {}),
  };
}

function result(ctx: Context, request: HookRequest<Database>, outcome: DatabaseOutcome, children: K8sObject[], resync: boolean): Desired {
  return {
    status: databaseStatus(ctx.db, outcome, request.now),
    children,
    ...(resync ? { resyncAfterSeconds: TARGET_RESYNC_SECONDS } : {}),
  };
}

function sameTopology(a: Topology | undefined, b: Topology): boolean {
  return a !== undefined && a.primaries === b.primaries && a.secondaries === b.secondaries;
}

/** Children and outcome once the target exists and the spec is valid. */
function progress(ctx: Context, plan: DatabasePlan, warnings: string[]): { children: K8sObject[]; outcome: DatabaseOutcome; resync: boolean } {
  const { jobs, names, target, previous } = ctx;
  if (target.state !== 'ready' && target.state !== 'waiting') throw new Error('progress needs a usable target');
  const ready = target.state === 'ready';
  const jobContext: JobContext = { resource: ctx.db.metadata.name, namespace: ctx.namespace, names, connection: target.connection };
  const where = `${target.target.kind} ${target.target.name}`;
  const facts = carried(previous);
  const create = jobs.create;

  if (!create || create.phase !== 'succeeded') {
    const children = jobs.all.filter((j) => j !== create).map((j) => j.applied);
    if (!create && !ready) {
      const outcome: DatabaseOutcome = { phase: 'Pending', reason: target.reason, message: `Waiting to create database ${plan.name}: ${target.message}`, warnings, ...facts };
      return { children, outcome, resync: true };
    }
    children.unshift(create ? create.applied : buildCreateJob(jobContext, plan));
    const outcome: DatabaseOutcome =
      create?.phase === 'failed'
        ? {
            phase: 'Failed',
            reason: 'CreationFailed',
            message: `Job ${names.create} failed to create database ${plan.name} (${create.failure}); see kubectl logs job/${names.create}, then delete the Job to try again`,
            warnings,
            ...facts,
          }
        : { phase: 'Creating', reason: 'Creating', message: `Creating database ${plan.name} on ${where} (Job ${names.create})`, warnings, ...facts };
    return { children, outcome, resync: false };
  }

  const children: K8sObject[] = [create.applied];
  const creationTime = previous.creationTime ?? create.completionTime;
  let dataImported = plan.seeded ? true : previous.dataImported;
  let failure: { reason: string; message: string } | undefined;
  let importing: string | undefined;
  let waiting = false;
  const notes: string[] = [];

  const init = jobs.init;
  if (init) {
    children.push(init.applied);
    if (init.phase === 'succeeded') {
      dataImported = true;
    } else if (init.phase === 'failed') {
      dataImported = false;
      failure = {
        reason: 'DataImportFailed',
        message: `Job ${names.init} failed to import the initial data (${init.failure}); statements before the failing one are committed. See kubectl logs job/${names.init}; delete the Job to run the statements again`,
      };
    } else {
      dataImported = false;
      importing = `Importing the initial data of database ${plan.name} (Job ${names.init})`;
    }
  } else if (plan.initScript !== '' && previous.dataImported !== true) {
    dataImported = false;
    if (ready) {
      children.push(buildInitJob(jobContext, plan));
      importing = `Importing the initial data of database ${plan.name} (Job ${names.init})`;
    } else {
      importing = `Database ${plan.name} is created; its initial data waits: ${target.message}`;
      waiting = true;
    }
  }

  const wanted = target.target.kind === 'Neo4jEnterpriseCluster' ? plan.topology : undefined;
  if (wanted) {
    const name = names.topology(wanted);
    const existing = jobs.topology.find((j) => j.name === name);
    if (existing || jobs.topology.length > 0 || !sameTopology(jobTopology(create), wanted)) {
      const change = `changing its topology to ${describeTopology(wanted)} (Job ${name})`;
      if (existing) {
        children.push(existing.applied);
        if (existing.phase === 'failed') {
          failure ??= {
            reason: 'TopologyChangeFailed',
            message: `Job ${name} failed to change the topology of database ${plan.name} to ${describeTopology(wanted)} (${existing.failure}); see kubectl logs job/${name}, then delete the Job to try again`,
          };
        } else if (existing.phase === 'running') {
          notes.push(change);
        }
      } else if (ready) {
        children.push(buildTopologyJob(jobContext, plan, wanted));
        notes.push(change);
      } else {
        notes.push(`its topology change to ${describeTopology(wanted)} waits: ${target.message}`);
        waiting = true;
      }
    }
  }
  // Topology Jobs for other topologies are superseded: left out, Metacontroller deletes them.

  const known = { ...(creationTime ? { creationTime } : {}), ...(dataImported !== undefined ? { dataImported } : {}) };
  let outcome: DatabaseOutcome;
  if (failure) outcome = { phase: 'Failed', ...failure, warnings, ...known };
  else if (importing) outcome = { phase: 'Creating', reason: 'ImportingData', message: importing, warnings, ...known };
  else {
    const detail = notes.length > 0 ? `; ${notes.join('; ')}` : '';
    outcome = { phase: 'Ready', reason: 'DatabaseReady', message: `Database ${plan.name} is ready on ${where}${detail}`, warnings, ...known };
  }
  return { children, outcome, resync: waiting };
}

function syncDatabase(request: HookRequest<Database>): Desired {
  const ctx = contextOf(request);
  const { jobs, target, spec, previous } = ctx;
  const frozen = jobs.all.map((j) => j.applied);
  const facts = carried(previous);
  const secretName = seedSecretName(spec);
  const createdJob = jobs.create;
  const check = planDatabase({
    spec,
    namespace: ctx.namespace,
    ...(target.state !== 'missing' ? { target: target.target } : {}),
    ...(target.state === 'ready' || target.state === 'waiting' ? { connection: target.connection } : {}),
    ...(secretName ? { seedSecret: findObserved(request.related, 'Secret', 'v1', secretName, ctx.namespace) } : {}),
    ...(createdJob
      ? { created: { name: createdJob.annotations[DATABASE_NAME_ANNOTATION], target: createdJob.annotations[TARGET_ANNOTATION] } }
      : {}),
    appliedTopology: appliedTopology(jobs),
  });
  const { errors, warnings, plan } = check;
  if (errors.length > 0) {
    const outcome: DatabaseOutcome = { phase: 'ValidationFailed', reason: 'ValidationFailed', message: `Validation failed: ${errors.join('; ')}`, warnings, ...facts };
    return result(ctx, request, outcome, frozen, false);
  }
  if (target.state === 'missing') {
    const outcome: DatabaseOutcome = { phase: 'Pending', reason: 'ClusterNotFound', message: `Referenced cluster ${spec.clusterRef} not found`, warnings, ...facts };
    return result(ctx, request, outcome, frozen, true);
  }
  if (target.state === 'unusable') {
    const outcome: DatabaseOutcome = { phase: 'Pending', reason: target.reason, message: `Database ${spec.name} waits: ${target.message}`, warnings, ...facts };
    return result(ctx, request, outcome, frozen, true);
  }
  const { children, outcome, resync } = progress(ctx, plan, warnings);
  return result(ctx, request, outcome, children, resync);
}

function finalizeDatabase(request: HookRequest<Database>): Desired {
  const ctx = contextOf(request);
  const { jobs, target, spec, names, previous } = ctx;
  const facts = carried(previous);
  const done = (message: string, children: K8sObject[] = []): Desired => ({
    ...result(ctx, request, { phase: 'Deleting', reason: 'Deleting', message, warnings: [], ...facts }, children, false),
    finalized: true,
  });
  const wait = (message: string, children: K8sObject[], resync: boolean, failed = false): Desired => ({
    ...result(ctx, request, { phase: failed ? 'Failed' : 'Deleting', reason: failed ? 'DeletionFailed' : 'Deleting', message, warnings: [], ...facts }, children, resync),
    finalized: false,
  });

  const database = jobs.create?.annotations[DATABASE_NAME_ANNOTATION] ?? spec.name ?? '';
  if ((spec.deletionPolicy ?? 'Retain') !== 'Drop') return done(`Database ${database} is kept in Neo4j (deletionPolicy Retain)`);
  if (target.state === 'missing') return done(`Referenced cluster ${spec.clusterRef} no longer exists: nothing to drop`);
  if (target.state === 'unusable') return done(`${target.message}: database ${database} is not dropped`);

  const drop = jobs.drop;
  if (drop) {
    if (drop.phase === 'succeeded') return done(`Database ${database} dropped (Job ${names.drop})`, [drop.applied]);
    if (drop.phase === 'failed') {
      return wait(
        `Job ${names.drop} failed to drop database ${database} (${drop.failure}); delete the Job to try again, or set spec.deletionPolicy to Retain to keep the database and finish the deletion`,
        [drop.applied],
        false,
        true,
      );
    }
    return wait(`Dropping database ${database} (Job ${names.drop})`, [drop.applied], false);
  }

  const created = jobs.create?.phase === 'succeeded' || previous.creationTime !== undefined;
  if (!created) {
    if (jobs.create?.phase === 'running') {
      return wait(`Waiting for Job ${names.create} to finish before dropping database ${database}`, [jobs.create.applied], false);
    }
    return done(`Database ${database} was never created by this resource: nothing to drop`);
  }
  if (databaseNameError(database)) return done(`spec.name ${JSON.stringify(database)} is not a database this resource could have created: nothing to drop`);
  if (target.state !== 'ready') return wait(`Waiting to drop database ${database}: ${target.message}`, [], true);
  const context: JobContext = { resource: ctx.db.metadata.name, namespace: ctx.namespace, names, connection: target.connection };
  return wait(`Dropping database ${database} (Job ${names.drop})`, [buildDropJob(context, database, spec.wait ?? true)], false);
}

/** The registered reconciler of Neo4jDatabase. */
export const databaseReconciler: Reconciler<Database> = {
  kind: databaseKind,
  children: DATABASE_CHILDREN,
  related: DATABASE_RELATED,
  sync: syncDatabase,
  finalize: finalizeDatabase,
  customize: customizeDatabase,
};
